import { z } from 'zod';
import { isGuid } from '../domain/guid';
import {
  ALERT_LIMITS,
  ALERT_SEVERITIES,
  type AlertSeverity,
  safeAlertLink,
  type SubmittedAlert,
} from '../domain/webhookAlert';

/**
 * The body of POST /api/alerts, checked field by field. Unknown fields are refused, so a misspelt
 * `userPrincipleName` is a 400 naming it instead of an alert about nobody. Severity is read in any case
 * (Sentinel writes `High`).
 */

const text = (field: string, max: number) =>
  z
    .string({ required_error: `${field} is required`, invalid_type_error: `${field} must be a string` })
    .trim()
    .min(1, `${field} must not be empty`)
    .max(max, `${field} must be at most ${max} characters`);

const schema = z
  .object({
    userPrincipalName: text('userPrincipalName', ALERT_LIMITS.upn)
      .refine(
        (v) => /^[^\s@]+@[^\s@]+$/.test(v),
        'userPrincipalName must be an address like user@contoso.com',
      )
      .optional(),
    userId: z
      .string({ invalid_type_error: 'userId must be a string' })
      .trim()
      .refine(isGuid, 'userId must be an Entra object id (a GUID)')
      .optional(),
    title: text('title', ALERT_LIMITS.title),
    severity: z
      .string({ required_error: 'severity is required', invalid_type_error: 'severity must be a string' })
      .transform((s) => s.trim().toLowerCase())
      .refine((s): s is AlertSeverity => (ALERT_SEVERITIES as readonly string[]).includes(s), {
        message: `severity must be one of ${ALERT_SEVERITIES.join(', ')}`,
      }),
    source: text('source', ALERT_LIMITS.source),
    link: text('link', ALERT_LIMITS.link)
      .refine((v) => safeAlertLink(v) !== undefined, 'link must be an https URL')
      .optional(),
    description: z
      .string({ invalid_type_error: 'description must be a string' })
      .trim()
      .max(ALERT_LIMITS.description, `description must be at most ${ALERT_LIMITS.description} characters`)
      .optional(),
  })
  .strict()
  .superRefine((b, ctx) => {
    if ((b.userPrincipalName === undefined) === (b.userId === undefined)) {
      ctx.addIssue({ code: 'custom', message: 'give exactly one of userPrincipalName and userId' });
    }
  });

/** What the route passes on for a body that is not JSON at all. */
export const NOT_JSON = Symbol('not JSON');

export type AlertBodyCheck = { ok: true; alert: SubmittedAlert } | { ok: false; problem: string };

export function parseAlertBody(body: unknown): AlertBodyCheck {
  if (body === NOT_JSON) return { ok: false, problem: 'the body is not valid JSON' };
  if (typeof body !== 'object' || body === null || Array.isArray(body)) {
    return { ok: false, problem: 'the body must be a JSON object' };
  }
  const parsed = schema.safeParse(body);
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    const problem =
      issue.code === 'unrecognized_keys'
        ? `unknown field ${issue.keys.map((k) => JSON.stringify(k.slice(0, 40))).join(', ')}`
        : issue.message;
    return { ok: false, problem };
  }
  const b = parsed.data;
  return {
    ok: true,
    alert: {
      user: b.userId
        ? { kind: 'objectId', value: b.userId.toLowerCase() }
        : { kind: 'upn', value: b.userPrincipalName! },
      title: b.title,
      severity: b.severity as AlertSeverity,
      source: b.source,
      link: b.link === undefined ? undefined : safeAlertLink(b.link),
      description: b.description || undefined,
    },
  };
}
