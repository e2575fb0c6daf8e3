import type { ApprovalPolicy } from './domain/approvalPolicy';
import type { RiskLevel } from './domain/riskLevel';

/** The parsed configuration (src/config.ts reads it from the environment). */

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

/** Test-only replacements for Microsoft's Bot Framework endpoints (see testOnlySchema). */
export interface ChannelAuthOverrides {
  openIdMetadataUrl?: string;
  tokenIssuer?: string;
  loginUrl?: string;
}

export interface Config {
  port: number;
  /** LOCAL_MODE=true: no BOT_ID, no inbound token check, reachable from this machine only */
  localMode: boolean;
  /** the address to listen on: 127.0.0.1 in local mode, else every interface */
  listenHost?: string;
  bot: {
    appId?: string;
    password?: string;
    tenantId?: string;
    type?: 'MultiTenant' | 'SingleTenant' | 'UserAssignedMSI';
    /** test-only, never set in a deployment */
    testOnly?: ChannelAuthOverrides;
  };
  tenantId: string;
  credential: GraphCredentialConfig;
  /** AZURE_AUTHORITY_HOST, when set (else Microsoft's public cloud) */
  authorityHost?: string;
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
  /** how long a job's claim lasts without renewal (renewed every quarter of it) */
  jobLeaseSeconds: number;
  /** this process in job claims: INSTANCE_ID, else WEBSITE_INSTANCE_ID, else host name and process id */
  instanceId: string;
  approvalPolicy: ApprovalPolicy;
  bulkApprovalThreshold: number;
  /** who may approve: APPROVER_GROUP_ID, else the admins */
  approverGroupId?: string;
  protectedUserIds: string[];
  /** where the bot is reachable from admins' browsers, for CSV downloads */
  publicUrl: string;
  /** lifetime of a CSV download link */
  csvLinkTtlHours: number;
  /** scheduled sign-outs (issue 13) */
  schedule: {
    /** the reminder goes out this long before the time; 0 = none */
    reminderMinutes: number;
    /** a schedule the bot missed (it was down) still starts up to this late */
    graceMinutes: number;
    /** how often the bot looks for schedules that are due */
    tickSeconds: number;
  };
  /** how long a delivery claim lives unless its holder renews it (see DeliveryLedger) */
  deliveryClaimSeconds: number;
  /** test-only: Graph's throttle windows divided by this (the stand-in's compressed time); 1 otherwise */
  graphThrottleCompression: number;
  /** how long the bot waits for what (docs/decisions.md, Durability) */
  waits: {
    /** each call to the Bot Connector: a post, a card update, a reply */
    connectorTimeoutMs: number;
    /** from SIGTERM to exit, whatever is still in flight */
    shutdownGraceMs: number;
    /** the longest pause a Graph Retry-After may impose on a bulk job */
    graphMaxPauseMs: number;
  };
  /** Identity Protection's risky users: a card per user and episode (issue 14) */
  riskyUsers: {
    /** 0: off (also without SECURITY_CHANNEL_ID) */
    pollSeconds: number;
    minLevel: RiskLevel;
    /** after Graph refused the poll for want of a permission or a licence */
    retrySeconds: number;
  };
  /** minutes after a sign-out's valid-from at which its verify result is posted; empty = none */
  followUpMinutes: number[];
  logLevel: string;
}
