import { z } from 'zod';

/**
 * The environment contract (DESIGN.md §2 and later issues), parsed once at start-up.
 * Every problem is reported, one line each, so an admin fixes the deployment in one pass.
 */

const GUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;
const PUBLIC_AUTHORITY_HOSTS = new Set([
  'login.microsoftonline.com',
  'login.microsoftonline.us',
  'login.chinacloudapi.cn',
  'login.partner.microsoftonline.cn',
]);
const LOCAL_HOSTS = new Set(['localhost', '127.0.0.1', '[::1]']);
/** Azure's rules: 3-63 lowercase letters, digits and hyphens, no leading, trailing or double hyphen. */
const CONTAINER_NAME = /^(?=.{3,63}$)[a-z0-9]+(?:-[a-z0-9]+)*$/;
export const DEFAULT_CONTAINER_NAME = 'signout-requests';

const blankToUndefined = (v: unknown) => (typeof v === 'string' && v.trim() === '' ? undefined : v);
const optional = <T extends z.ZodTypeAny>(schema: T) => z.preprocess(blankToUndefined, schema.optional());
const guid = (what: string) => z.string().trim().regex(GUID, `${what} must be a GUID`);
const guidList = (what: string) =>
  z
    .string()
    .transform((s) =>
      s
        .split(',')
        .map((x) => x.trim())
        .filter(Boolean),
    )
    .pipe(z.array(guid(what)));
const positiveInt = (what: string, max: number) =>
  z.coerce
    .number({ invalid_type_error: `${what} must be a number` })
    .int(`${what} must be a whole number`)
    .min(1, `${what} must be at least 1`)
    .max(max, `${what} must be at most ${max}`);

const httpsUrl = (what: string) =>
  z
    .string()
    .trim()
    .url(`${what} must be a URL`)
    .refine((u) => {
      const url = new URL(u);
      return url.protocol === 'https:' || (url.protocol === 'http:' && LOCAL_HOSTS.has(url.hostname));
    }, `${what} must use https (http is allowed only for localhost)`)
    .transform((u) => u.replace(/\/+$/, ''));

const schema = z.object({
  PORT: z.preprocess(blankToUndefined, positiveInt('PORT', 65535).default(3978)),
  BOT_ID: optional(z.string().trim()),
  BOT_PASSWORD: optional(z.string()),
  BOT_TENANT_ID: optional(guid('BOT_TENANT_ID')),
  BOT_TYPE: optional(
    z.enum(['MultiTenant', 'SingleTenant', 'UserAssignedMSI'], {
      errorMap: () => ({ message: 'BOT_TYPE must be MultiTenant, SingleTenant or UserAssignedMSI' }),
    }),
  ),
  AZURE_TENANT_ID: z.preprocess(
    blankToUndefined,
    z.string({ required_error: 'AZURE_TENANT_ID is required' }).pipe(guid('AZURE_TENANT_ID')),
  ),
  AZURE_CLIENT_ID: optional(guid('AZURE_CLIENT_ID')),
  AZURE_CLIENT_SECRET: optional(z.string()),
  AZURE_CLIENT_CERTIFICATE_PATH: optional(z.string()),
  AZURE_AUTHORITY_HOST: optional(httpsUrl('AZURE_AUTHORITY_HOST')),
  GRAPH_BASE_URL: z.preprocess(
    blankToUndefined,
    httpsUrl('GRAPH_BASE_URL').default('https://graph.microsoft.com'),
  ),
  ADMIN_GROUP_ID: optional(guid('ADMIN_GROUP_ID')),
  ADMIN_USER_IDS: z.preprocess(blankToUndefined, guidList('ADMIN_USER_IDS').default('')),
  SECURITY_CHANNEL_ID: optional(
    z
      .string()
      .trim()
      .regex(/^19:[^\s]+@thread\.(tacv2|skype)$/, 'SECURITY_CHANNEL_ID must look like 19:…@thread.tacv2'),
  ),
  DATA_DIR: z.preprocess(blankToUndefined, z.string().default('./data')),
  STORAGE_BACKEND: z.preprocess(
    blankToUndefined,
    z
      .enum(['file', 'blob'], { errorMap: () => ({ message: 'STORAGE_BACKEND must be file or blob' }) })
      .default('file'),
  ),
  // never echoed in a message: it holds the account key
  AZURE_STORAGE_CONNECTION_STRING: optional(
    z
      .string()
      .trim()
      .refine(
        (s) => /(^|;)\s*(AccountKey|SharedAccessSignature)=|UseDevelopmentStorage=true/i.test(s),
        'AZURE_STORAGE_CONNECTION_STRING must be an Azure Storage connection string (AccountName=…;AccountKey=… or BlobEndpoint=…;SharedAccessSignature=…)',
      ),
  ),
  AZURE_STORAGE_CONTAINER_NAME: z.preprocess(
    blankToUndefined,
    z
      .string()
      .trim()
      .regex(
        CONTAINER_NAME,
        'AZURE_STORAGE_CONTAINER_NAME must be 3-63 lowercase letters, digits and hyphens, starting and ending with a letter or digit, without double hyphens',
      )
      .default(DEFAULT_CONTAINER_NAME),
  ),
  CONFIRMATION_TTL_MINUTES: z.preprocess(
    blankToUndefined,
    positiveInt('CONFIRMATION_TTL_MINUTES', 24 * 60).default(15),
  ),
  // advanced: how often unanswered cards expire and interrupted or approved sign-outs start (tests use 1)
  SWEEP_SECONDS: z.preprocess(blankToUndefined, positiveInt('SWEEP_SECONDS', 3600).default(30)),
  APPROVAL_POLICY: z.preprocess(
    blankToUndefined,
    z
      .enum(['none', 'privileged', 'bulk', 'always'], {
        errorMap: () => ({ message: 'APPROVAL_POLICY must be none, privileged, bulk or always' }),
      })
      .default('privileged'),
  ),
  BULK_APPROVAL_THRESHOLD: z.preprocess(
    blankToUndefined,
    positiveInt('BULK_APPROVAL_THRESHOLD', 1_000_000).default(10),
  ),
  APPROVER_GROUP_ID: optional(guid('APPROVER_GROUP_ID')),
  PROTECTED_USER_IDS: z.preprocess(blankToUndefined, guidList('PROTECTED_USER_IDS').default('')),
  PUBLIC_URL: optional(httpsUrl('PUBLIC_URL')),
  LOG_LEVEL: z.preprocess(
    blankToUndefined,
    z
      .enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'], {
        errorMap: () => ({
          message: 'LOG_LEVEL must be one of fatal, error, warn, info, debug, trace, silent',
        }),
      })
      .default('info'),
  ),
});

/** Rules across variables, checked on the raw values so they are reported with every other problem. */
function crossFieldProblems(env: NodeJS.ProcessEnv): string[] {
  const set = (name: string) => typeof env[name] === 'string' && env[name]!.trim() !== '';
  const problems: string[] = [];
  if (set('AZURE_CLIENT_SECRET') && set('AZURE_CLIENT_CERTIFICATE_PATH')) {
    problems.push('set AZURE_CLIENT_SECRET or AZURE_CLIENT_CERTIFICATE_PATH, not both');
  }
  if ((set('AZURE_CLIENT_SECRET') || set('AZURE_CLIENT_CERTIFICATE_PATH')) && !set('AZURE_CLIENT_ID')) {
    problems.push('AZURE_CLIENT_ID is required with a client secret or certificate');
  }
  if (set('BOT_ID') && env.BOT_TYPE !== 'UserAssignedMSI' && !set('BOT_PASSWORD')) {
    problems.push('BOT_PASSWORD is required when BOT_ID is set');
  }
  if (env.STORAGE_BACKEND === 'blob' && !set('AZURE_STORAGE_CONNECTION_STRING')) {
    problems.push('AZURE_STORAGE_CONNECTION_STRING is required when STORAGE_BACKEND is blob');
  }
  if (env.BOT_TYPE === 'SingleTenant' && !set('BOT_TENANT_ID')) {
    problems.push('BOT_TENANT_ID is required for a SingleTenant bot');
  }
  return problems;
}

export type GraphCredentialConfig =
  | { kind: 'secret'; tenantId: string; clientId: string; clientSecret: string; authorityHost?: string }
  | {
      kind: 'certificate';
      tenantId: string;
      clientId: string;
      certificatePath: string;
      authorityHost?: string;
    }
  | { kind: 'managedIdentity'; clientId?: string };

export type StorageConfig =
  { backend: 'file' } | { backend: 'blob'; connectionString: string; containerName: string };

export interface Config {
  port: number;
  bot: {
    appId?: string;
    password?: string;
    tenantId?: string;
    type?: 'MultiTenant' | 'SingleTenant' | 'UserAssignedMSI';
  };
  tenantId: string;
  credential: GraphCredentialConfig;
  /** Disable MSAL instance discovery: the authority is not one of Microsoft's public hosts. */
  disableInstanceDiscovery: boolean;
  graphBaseUrl: string;
  adminGroupId?: string;
  adminUserIds: string[];
  securityChannelId?: string;
  dataDir: string;
  /** where requests and the audit log live (DATA_DIR is still used for the CSV link key) */
  storage: StorageConfig;
  confirmationTtlMinutes: number;
  /** how often the sweep expires cards and starts interrupted or approved jobs */
  sweepSeconds: number;
  approvalPolicy: 'none' | 'privileged' | 'bulk' | 'always';
  bulkApprovalThreshold: number;
  /** who may approve: APPROVER_GROUP_ID, else the admins */
  approverGroupId?: string;
  protectedUserIds: string[];
  /** where the bot is reachable from admins' browsers, for CSV downloads */
  publicUrl: string;
  logLevel: string;
}

export class ConfigError extends Error {
  constructor(readonly problems: string[]) {
    super(`Invalid configuration:\n${problems.map((p) => `  - ${p}`).join('\n')}`);
  }
}

export function loadConfig(env: NodeJS.ProcessEnv = process.env): Config {
  const parsed = schema.safeParse(env);
  const problems = parsed.success
    ? []
    : parsed.error.issues.map((issue) => {
        const name = String(issue.path[0] ?? '');
        return issue.message.startsWith(name) ? issue.message : `${name}: ${issue.message}`;
      });
  problems.push(...crossFieldProblems(env));
  if (!parsed.success || problems.length) throw new ConfigError([...new Set(problems)]);
  const e = parsed.data;
  const authorityHost = e.AZURE_AUTHORITY_HOST;
  const credential: GraphCredentialConfig = e.AZURE_CLIENT_SECRET
    ? {
        kind: 'secret',
        tenantId: e.AZURE_TENANT_ID,
        clientId: e.AZURE_CLIENT_ID!,
        clientSecret: e.AZURE_CLIENT_SECRET,
        authorityHost,
      }
    : e.AZURE_CLIENT_CERTIFICATE_PATH
      ? {
          kind: 'certificate',
          tenantId: e.AZURE_TENANT_ID,
          clientId: e.AZURE_CLIENT_ID!,
          certificatePath: e.AZURE_CLIENT_CERTIFICATE_PATH,
          authorityHost,
        }
      : { kind: 'managedIdentity', clientId: e.AZURE_CLIENT_ID };
  return {
    port: e.PORT,
    bot: { appId: e.BOT_ID, password: e.BOT_PASSWORD, tenantId: e.BOT_TENANT_ID, type: e.BOT_TYPE },
    tenantId: e.AZURE_TENANT_ID.toLowerCase(),
    credential,
    disableInstanceDiscovery: !!authorityHost && !PUBLIC_AUTHORITY_HOSTS.has(new URL(authorityHost).hostname),
    graphBaseUrl: e.GRAPH_BASE_URL,
    adminGroupId: e.ADMIN_GROUP_ID?.toLowerCase(),
    adminUserIds: e.ADMIN_USER_IDS.map((id) => id.toLowerCase()),
    securityChannelId: e.SECURITY_CHANNEL_ID,
    dataDir: e.DATA_DIR,
    storage:
      e.STORAGE_BACKEND === 'blob'
        ? {
            backend: 'blob',
            connectionString: e.AZURE_STORAGE_CONNECTION_STRING!,
            containerName: e.AZURE_STORAGE_CONTAINER_NAME,
          }
        : { backend: 'file' },
    confirmationTtlMinutes: e.CONFIRMATION_TTL_MINUTES,
    sweepSeconds: e.SWEEP_SECONDS,
    approvalPolicy: e.APPROVAL_POLICY,
    bulkApprovalThreshold: e.BULK_APPROVAL_THRESHOLD,
    approverGroupId: (e.APPROVER_GROUP_ID ?? e.ADMIN_GROUP_ID)?.toLowerCase(),
    protectedUserIds: e.PROTECTED_USER_IDS.map((id) => id.toLowerCase()),
    publicUrl: e.PUBLIC_URL ?? `http://localhost:${e.PORT}`,
    logLevel: e.LOG_LEVEL,
  };
}
