import { z } from 'zod';
import { GUID_PATTERN } from './domain/guid';

/** The zod building blocks of the configuration schema, each with the sentence an operator reads. */

export const PUBLIC_AUTHORITY_HOSTS = new Set([
  'login.microsoftonline.com',
  'login.microsoftonline.us',
  'login.chinacloudapi.cn',
  'login.partner.microsoftonline.cn',
]);
export const LOCAL_HOSTS = new Set(['localhost', '127.0.0.1', '[::1]']);
/** Azure's rules: 3-63 lowercase letters, digits and hyphens, no leading, trailing or double hyphen. */
export const CONTAINER_NAME = /^(?=.{3,63}$)[a-z0-9]+(?:-[a-z0-9]+)*$/;
export const DEFAULT_CONTAINER_NAME = 'signout-requests';
/** A week: a CSV link is a bearer link, so it must not outlive the incident it was made for. */
export const MAX_CSV_LINK_TTL_HOURS = 168;

export const blankToUndefined = (v: unknown) => (typeof v === 'string' && v.trim() === '' ? undefined : v);
export const optional = <T extends z.ZodTypeAny>(schema: T) =>
  z.preprocess(blankToUndefined, schema.optional());
export const guid = (what: string) => z.string().trim().regex(GUID_PATTERN, `${what} must be a GUID`);
export const guidList = (what: string) =>
  z
    .string()
    .transform((s) =>
      s
        .split(',')
        .map((x) => x.trim())
        .filter(Boolean),
    )
    .pipe(z.array(guid(what)));
export const positiveInt = (what: string, max: number) =>
  z.coerce
    .number({ invalid_type_error: `${what} must be a number` })
    .int(`${what} must be a whole number`)
    .min(1, `${what} must be at least 1`)
    .max(max, `${what} must be at most ${max}`);

/** A whole number from 0 (which turns the thing off, or means "none") to `max`. */
export const wholeNumber = (what: string, max: number) =>
  z.coerce
    .number({ invalid_type_error: `${what} must be a number` })
    .int(`${what} must be a whole number`)
    .min(0, `${what} must be 0 or more`)
    .max(max, `${what} must be at most ${max}`);

export const httpsUrl = (what: string) =>
  z
    .string()
    .trim()
    .url(`${what} must be a URL`)
    .refine((u) => {
      const url = new URL(u);
      return url.protocol === 'https:' || (url.protocol === 'http:' && LOCAL_HOSTS.has(url.hostname));
    }, `${what} must use https (http is allowed only for localhost)`)
    .transform((u) => u.replace(/\/+$/, ''));

export const boolean = (what: string) =>
  z.preprocess(
    (v) => (typeof v === 'string' ? v.trim().toLowerCase() : v),
    z.enum(['true', 'false'], { errorMap: () => ({ message: `${what} must be true or false` }) }),
  );
