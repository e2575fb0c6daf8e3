import os from 'node:os';
import { z } from 'zod';
import {
  blankToUndefined,
  boolean,
  CONTAINER_NAME,
  DEFAULT_CONTAINER_NAME,
  guid,
  guidList,
  httpsUrl,
  MAX_CSV_LINK_TTL_HOURS,
  optional,
  positiveInt,
  PUBLIC_AUTHORITY_HOSTS,
  wholeNumber,
} from './configFields';
import { APPROVAL_POLICIES } from './domain/approvalPolicy';
import { RISK_LEVELS } from './domain/riskLevel';
import { DEFAULT_FOLLOW_UP_MINUTES, parseFollowUpMinutes } from './domain/followUps';

/**
 * The environment contract (DESIGN.md §2 and later issues), parsed once at start-up.
 * Every problem is reported, one line each, so an admin fixes the deployment in one pass.
 */

export { DEFAULT_CONTAINER_NAME, MAX_CSV_LINK_TTL_HOURS };
import type { ChannelAuthOverrides, Config, GraphCredentialConfig } from './configTypes';
export type { ChannelAuthOverrides, Config, GraphCredentialConfig, StorageConfig } from './configTypes';

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
  LOCAL_MODE: optional(boolean('LOCAL_MODE')),
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
  // advanced: a job whose runner has not renewed its claim for this long is taken over (tests use 2)
  JOB_LEASE_SECONDS: z.preprocess(blankToUndefined, positiveInt('JOB_LEASE_SECONDS', 3600).default(60)),
  INSTANCE_ID: optional(
    z
      .string()
      .trim()
      .regex(/^[A-Za-z0-9._:-]{1,200}$/, 'INSTANCE_ID must be 1-200 letters, digits and . _ : -'),
  ),
  APPROVAL_POLICY: z.preprocess(
    blankToUndefined,
    z
      .enum(APPROVAL_POLICIES, {
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
  CSV_LINK_TTL_HOURS: z.preprocess(
    blankToUndefined,
    positiveInt('CSV_LINK_TTL_HOURS', MAX_CSV_LINK_TTL_HOURS).default(24),
  ),
  // scheduled sign-outs (issue 13): a reminder this long before (0 = none); how late a missed one may start
  SCHEDULE_REMINDER_MINUTES: z.preprocess(
    blankToUndefined,
    wholeNumber('SCHEDULE_REMINDER_MINUTES', 24 * 60).default(15),
  ),
  SCHEDULE_GRACE_MINUTES: z.preprocess(
    blankToUndefined,
    wholeNumber('SCHEDULE_GRACE_MINUTES', 24 * 60).default(60),
  ),
  // how often the bot looks for schedules that are due; at most 30, so a job starts within 30 s of its time
  SCHEDULE_TICK_SECONDS: z.preprocess(blankToUndefined, positiveInt('SCHEDULE_TICK_SECONDS', 30).default(10)),
  DELIVERY_CLAIM_SECONDS: z.preprocess(
    blankToUndefined,
    positiveInt('DELIVERY_CLAIM_SECONDS', 600).default(30),
  ),
  CONNECTOR_TIMEOUT_SECONDS: z.preprocess(
    blankToUndefined,
    positiveInt('CONNECTOR_TIMEOUT_SECONDS', 120).default(15),
  ),
  SHUTDOWN_GRACE_SECONDS: z.preprocess(
    blankToUndefined,
    positiveInt('SHUTDOWN_GRACE_SECONDS', 600).default(20),
  ),
  GRAPH_MAX_PAUSE_SECONDS: z.preprocess(
    blankToUndefined,
    positiveInt('GRAPH_MAX_PAUSE_SECONDS', 3600).default(300),
  ),
  // 0 turns the Identity Protection poll off
  RISKY_USERS_POLL_SECONDS: z.preprocess(
    blankToUndefined,
    z.coerce
      .number({ invalid_type_error: 'RISKY_USERS_POLL_SECONDS must be a number' })
      .int('RISKY_USERS_POLL_SECONDS must be a whole number')
      .min(0, 'RISKY_USERS_POLL_SECONDS must be 0 (off) or more')
      .max(86_400, 'RISKY_USERS_POLL_SECONDS must be at most 86400')
      .default(300),
  ),
  RISKY_USERS_MIN_LEVEL: z.preprocess(
    (v) => (typeof v === 'string' ? blankToUndefined(v.trim().toLowerCase()) : v),
    z
      .enum(RISK_LEVELS, {
        errorMap: () => ({ message: 'RISKY_USERS_MIN_LEVEL must be low, medium or high' }),
      })
      .default('high'),
  ),
  // advanced: the wait after Graph refused the poll (a permission or Entra ID P2 missing); tests use 1
  RISKY_USERS_RETRY_SECONDS: z.preprocess(
    blankToUndefined,
    positiveInt('RISKY_USERS_RETRY_SECONDS', 86_400).default(3600),
  ),
  // unset: the default; empty (or off): no follow-ups
  FOLLOW_UP_MINUTES: z
    .string()
    .optional()
    .transform((v, ctx) => {
      if (v === undefined) return [...DEFAULT_FOLLOW_UP_MINUTES];
      const parsed = parseFollowUpMinutes(v.trim().toLowerCase() === 'off' ? '' : v);
      if (Array.isArray(parsed)) return parsed;
      ctx.addIssue({ code: z.ZodIssueCode.custom, message: parsed.problem });
      return z.NEVER;
    }),
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

/** Every variable the schema reads, for the check that the deployment passes each one on. */
export const CONFIG_KEYS: readonly string[] = Object.keys(schema.shape);

/**
 * Test-only: where the integration tests' stand-ins sign channel tokens and issue the bot's own connector
 * token; and how many times faster than Graph's the Graph stand-in's throttle windows run (the
 * benchmarks compress time ×10), so the bot paces against what the stand-in enforces. Unset in every
 * deployment, so botbuilder keeps Microsoft's endpoints and the bot Graph's limits; refused in
 * production. Kept apart from the operator settings above (they are not in the configuration table on
 * purpose).
 */
const testOnlySchema = z.object({
  TEST_ONLY_CHANNEL_OPENID_METADATA_URL: optional(httpsUrl('TEST_ONLY_CHANNEL_OPENID_METADATA_URL')),
  TEST_ONLY_CHANNEL_TOKEN_ISSUER: optional(z.string().trim()),
  TEST_ONLY_BOT_LOGIN_URL: optional(httpsUrl('TEST_ONLY_BOT_LOGIN_URL')),
  TEST_ONLY_GRAPH_THROTTLE_COMPRESSION: z.preprocess(
    blankToUndefined,
    positiveInt('TEST_ONLY_GRAPH_THROTTLE_COMPRESSION', 100).default(1),
  ),
});
const TEST_ONLY_NAMES = Object.keys(testOnlySchema.shape);
/** test-only variables that replace the Bot Framework's endpoints, which only matter with BOT_ID */
const INBOUND_TEST_ONLY_NAMES = TEST_ONLY_NAMES.filter((n) => n !== 'TEST_ONLY_GRAPH_THROTTLE_COMPRESSION');

/** Rules across variables, checked on the raw values so they are reported with every other problem. */
function crossFieldProblems(env: NodeJS.ProcessEnv): string[] {
  const set = (name: string) => typeof env[name] === 'string' && env[name]!.trim() !== '';
  const problems: string[] = [];
  const localMode = env.LOCAL_MODE?.trim().toLowerCase() === 'true';
  const production = env.NODE_ENV?.trim() === 'production' ? 'NODE_ENV=production' : undefined;
  const appService = set('WEBSITE_INSTANCE_ID')
    ? 'WEBSITE_INSTANCE_ID is set (Azure App Service)'
    : undefined;
  if (!set('BOT_ID') && !localMode) {
    problems.push(
      "BOT_ID is not set: set BOT_ID (the bot's Entra app) to serve Teams, or LOCAL_MODE=true to run without inbound authentication on 127.0.0.1 (tests and the playground only)",
    );
  }
  if (localMode && set('BOT_ID')) {
    problems.push('LOCAL_MODE=true turns off inbound authentication: unset it when BOT_ID is set');
  }
  for (const where of [production, appService]) {
    if (localMode && where) {
      problems.push(`LOCAL_MODE=true is refused because ${where}: it turns off inbound authentication`);
    }
  }
  const testOnly = TEST_ONLY_NAMES.filter(set);
  if (testOnly.length) {
    const names = testOnly.join(', ');
    for (const where of [production, appService]) {
      if (where) problems.push(`${names} are for the integration tests only, and refused because ${where}`);
    }
    const inbound = INBOUND_TEST_ONLY_NAMES.filter(set);
    if (inbound.length && !set('BOT_ID'))
      problems.push(`${inbound.join(', ')} need BOT_ID: they configure inbound authentication`);
    if (set('TEST_ONLY_CHANNEL_OPENID_METADATA_URL') !== set('TEST_ONLY_CHANNEL_TOKEN_ISSUER')) {
      problems.push('set TEST_ONLY_CHANNEL_OPENID_METADATA_URL and TEST_ONLY_CHANNEL_TOKEN_ISSUER together');
    }
    if (set('TEST_ONLY_BOT_LOGIN_URL') && set('BOT_ID') && !set('BOT_PASSWORD')) {
      problems.push('TEST_ONLY_BOT_LOGIN_URL needs BOT_PASSWORD');
    }
  }
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

export class ConfigError extends Error {
  constructor(readonly problems: string[]) {
    super(`Invalid configuration:\n${problems.map((p) => `  - ${p}`).join('\n')}`);
  }
}

export function loadConfig(env: NodeJS.ProcessEnv = process.env): Config {
  const parsed = schema.merge(testOnlySchema).safeParse(env);
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
  const localMode = e.LOCAL_MODE === 'true';
  const testOnly: ChannelAuthOverrides = {
    openIdMetadataUrl: e.TEST_ONLY_CHANNEL_OPENID_METADATA_URL,
    tokenIssuer: e.TEST_ONLY_CHANNEL_TOKEN_ISSUER,
    loginUrl: e.TEST_ONLY_BOT_LOGIN_URL,
  };
  return {
    port: e.PORT,
    localMode,
    listenHost: localMode ? '127.0.0.1' : undefined,
    bot: {
      appId: e.BOT_ID,
      password: e.BOT_PASSWORD,
      tenantId: e.BOT_TENANT_ID,
      type: e.BOT_TYPE,
      testOnly: Object.values(testOnly).some(Boolean) ? testOnly : undefined,
    },
    tenantId: e.AZURE_TENANT_ID.toLowerCase(),
    credential,
    authorityHost,
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
    jobLeaseSeconds: e.JOB_LEASE_SECONDS,
    instanceId: e.INSTANCE_ID ?? (env.WEBSITE_INSTANCE_ID?.trim() || `${os.hostname()}:${process.pid}`),
    approvalPolicy: e.APPROVAL_POLICY,
    bulkApprovalThreshold: e.BULK_APPROVAL_THRESHOLD,
    approverGroupId: (e.APPROVER_GROUP_ID ?? e.ADMIN_GROUP_ID)?.toLowerCase(),
    protectedUserIds: e.PROTECTED_USER_IDS.map((id) => id.toLowerCase()),
    publicUrl: e.PUBLIC_URL ?? `http://localhost:${e.PORT}`,
    csvLinkTtlHours: e.CSV_LINK_TTL_HOURS,
    schedule: {
      reminderMinutes: e.SCHEDULE_REMINDER_MINUTES,
      graceMinutes: e.SCHEDULE_GRACE_MINUTES,
      tickSeconds: e.SCHEDULE_TICK_SECONDS,
    },
    deliveryClaimSeconds: e.DELIVERY_CLAIM_SECONDS,
    waits: {
      connectorTimeoutMs: e.CONNECTOR_TIMEOUT_SECONDS * 1000,
      shutdownGraceMs: e.SHUTDOWN_GRACE_SECONDS * 1000,
      graphMaxPauseMs: e.GRAPH_MAX_PAUSE_SECONDS * 1000,
    },
    graphThrottleCompression: e.TEST_ONLY_GRAPH_THROTTLE_COMPRESSION,
    riskyUsers: {
      pollSeconds: e.RISKY_USERS_POLL_SECONDS,
      minLevel: e.RISKY_USERS_MIN_LEVEL,
      retrySeconds: e.RISKY_USERS_RETRY_SECONDS,
    },
    followUpMinutes: e.FOLLOW_UP_MINUTES,
    logLevel: e.LOG_LEVEL,
  };
}
