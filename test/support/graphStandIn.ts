import * as crypto from 'node:crypto';
import type { IncomingMessage, ServerResponse } from 'node:http';
import * as https from 'node:https';
import type { AddressInfo } from 'node:net';
import { performance } from 'node:perf_hooks';
import { type RequestCost, type ThrottleLimits, requestCost } from '../../src/graph/throttleLimits';
import {
  type FilterSchema,
  ODataQueryError,
  matchesFilter,
  matchesSearch,
  parseFilter,
  parseSearch,
} from './odataFilter';
import type {
  FixtureGroup,
  FixtureRiskDetection,
  FixtureRiskyUser,
  FixtureRole,
  FixtureRoleAssignment,
  FixtureUser,
  Tenant,
} from './tenantFixture';
import { closeServer } from './closeServer';
import { type FixtureSignIn, SignInLog, SignInLogError } from './signInLogStandIn';

export interface GraphStandInOptions {
  tenant: Tenant;
  tls: { cert: string; key: string };
  /** 0 or unset = a free port */
  port?: number;
  /** default 127.0.0.1 */
  host?: string;
  /** asked for every request's bearer token (the Entra stand-in knows which it issued) */
  isValidToken: (bearer: string) => boolean;
  /** per HTTP request; a $batch pays it once plus a small share per item */
  latencyMs?: number;
  jitterMs?: number;
  /** a $batch is held uniformly in [min, max] ms instead, whatever it holds (a slow Graph) */
  batchLatencyMs?: { min: number; max: number };
  /** null/undefined = no throttling */
  limits?: ThrottleLimits | null;
  /** the app's application permissions; default DEFAULT_PERMISSIONS */
  permissions?: string[];
  /**
   * default false: revoking (or disabling) a holder of a privileged role answers 403, as Graph does
   * when the app has not been given Privileged Authentication Administrator
   */
  canRevokePrivileged?: boolean;
  /** Graph's clock for signInSessionsValidFromDateTime and error dates */
  now?: () => Date;
  /** page size of the sign-in logs (default 1,000, Graph's) */
  signInPageSize?: number;
  /** sign-in log entries that appear when a user is signed out (the playground's story) */
  signInsAfterRevoke?: (user: FixtureUser, validFrom: Date) => FixtureSignIn[];
}

/**
 * A canned failure. `path` is tested against the decoded path after the version
 * (e.g. /users/abc/revokeSignInSessions), for top-level requests and $batch items alike.
 * A status of 400 or more replaces the answer; a lower status (e.g. 200) lets the request run and
 * only delays it. `delayMs` holds the request before it is handled (Infinity: until stop()).
 */
export interface Fault {
  method?: string;
  /** 'v1.0' or 'beta'; default either */
  version?: string;
  path: RegExp;
  status: number;
  code?: string;
  message?: string;
  retryAfterSeconds?: number;
  /** the Retry-After header as sent, e.g. an HTTP date; wins over retryAfterSeconds */
  retryAfter?: string;
  /** default 1; Infinity allowed */
  times?: number;
  /** destroy the socket instead of answering (top-level requests only; batch items ignore it) */
  unreachable?: boolean;
  /**
   * carry the request out, then answer with the fault (or destroy the socket): a 503 storm in which
   * the work was done, a connection lost after the revoke
   */
  afterEffect?: boolean;
  delayMs?: number;
}

export interface RecordedRequest {
  method: string;
  /** decoded, after the version: /users/lester@contoso.com */
  path: string;
  query: Record<string, string>;
  /** lower-case names, without authorization */
  headers: Record<string, string>;
  /** 0 when the socket was destroyed by an `unreachable` fault */
  status: number;
  inBatch: boolean;
  /** Date.now() when it arrived */
  at: number;
}

export const DEFAULT_PERMISSIONS = [
  'User.RevokeSessions.All',
  'User.Read.All',
  'GroupMember.Read.All',
  'RoleManagement.Read.Directory',
  'User.EnableDisableAccount.All',
];

/** What the bot asks for alert cards (issue 14); the sample deployment grants them with P2. */
export const IDENTITY_PROTECTION_PERMISSIONS = [
  'IdentityRiskyUser.ReadWrite.All',
  'IdentityRiskEvent.Read.All',
];

/** Application permissions that allow each kind of call (any one suffices). */
const ALLOWED = {
  readUsers: ['User.Read.All', 'User.ReadWrite.All', 'Directory.Read.All', 'Directory.ReadWrite.All'],
  revoke: ['User.RevokeSessions.All', 'Directory.ReadWrite.All'],
  enableDisable: ['User.EnableDisableAccount.All', 'User.ReadWrite.All', 'Directory.ReadWrite.All'],
  readMembership: [
    'GroupMember.Read.All',
    'Group.Read.All',
    'Group.ReadWrite.All',
    'Directory.Read.All',
    'Directory.ReadWrite.All',
  ],
  readRoles: [
    'RoleManagement.Read.Directory',
    'RoleManagement.ReadWrite.Directory',
    'Directory.Read.All',
    'Directory.ReadWrite.All',
  ],
  /** unifiedRoleAssignment list (Microsoft's table for the directory provider) */
  readRoleAssignments: [
    'RoleManagement.Read.Directory',
    'RoleManagement.Read.All',
    'Directory.Read.All',
    'RoleManagement.ReadWrite.Directory',
    'Directory.ReadWrite.All',
  ],
  /** Identity Protection (Entra ID P2) */
  readRiskyUsers: ['IdentityRiskyUser.Read.All', 'IdentityRiskyUser.ReadWrite.All'],
  writeRiskyUsers: ['IdentityRiskyUser.ReadWrite.All'],
  readRiskDetections: ['IdentityRiskEvent.Read.All', 'IdentityRiskEvent.ReadWrite.All'],
  /** roleEligibilityScheduleInstances: Directory.Read.All is not enough */
  readRoleEligibility: [
    'RoleEligibilitySchedule.Read.Directory',
    'RoleEligibilitySchedule.ReadWrite.Directory',
    'RoleManagement.Read.All',
    'RoleManagement.Read.Directory',
    'RoleManagement.ReadWrite.Directory',
  ],
};

const METADATA_ROOT = 'https://graph.microsoft.com';
const JSON_TYPE =
  'application/json;odata.metadata=minimal;odata.streaming=true;IEEE754Compatible=false;charset=utf-8';
const VERSIONS = ['v1.0', 'beta'];
const MAX_BATCH = 20;
const MAX_PAGE = 999;
const DEFAULT_PAGE = 100;
const MAX_CHECK_GROUP_IDS = 20;
const BATCH_ITEM_LATENCY_SHARE = 0.1;

const INSUFFICIENT = 'Insufficient privileges to complete the operation.';

// ---------------------------------------------------------------------------------------------------
// Calls, replies, errors

/** One request to a Graph resource, top-level or a $batch item. */
interface GraphCall {
  method: string;
  version: string;
  /** decoded path segments after the version */
  segments: string[];
  /** '/' + segments, for faults and records */
  path: string;
  /** raw path and query after the version, for requestCost() and nextLinks */
  rawPath: string;
  query: URLSearchParams;
  /** lower-case names */
  headers: Record<string, string>;
  body: unknown;
  requestId: string;
  clientRequestId: string;
  inBatch: boolean;
  at: number;
}

interface GraphReply {
  status: number;
  headers: Record<string, string>;
  /** JSON body; a string is sent as text/plain */
  body?: unknown;
}

class GraphError extends Error {
  constructor(
    readonly status: number,
    readonly code: string,
    message: string,
    readonly headers: Record<string, string> = {},
  ) {
    super(message);
  }
}

const DEFAULT_CODES: Record<number, string> = {
  400: 'BadRequest',
  401: 'InvalidAuthenticationToken',
  403: 'Authorization_RequestDenied',
  404: 'Request_ResourceNotFound',
  405: 'Request_BadRequest',
  409: 'Conflict',
  423: 'Locked',
  424: 'FailedDependency',
  429: 'TooManyRequests',
  500: 'InternalServerError',
  502: 'BadGateway',
  503: 'ServiceUnavailable',
  504: 'GatewayTimeout',
};

const notFound = (id: string) =>
  new GraphError(
    404,
    'Request_ResourceNotFound',
    `Resource '${id}' does not exist or one of its queried reference-property objects are not present.`,
  );
const badRequest = (message: string, code = 'BadRequest') => new GraphError(400, code, message);
const methodNotAllowed = () =>
  new GraphError(405, 'Request_BadRequest', 'Specified HTTP method is not allowed for the request target.');

// ---------------------------------------------------------------------------------------------------
// Router: literal segments match case-insensitively, ':name' matches any one segment

type Handler = (call: GraphCall, params: Record<string, string>) => GraphReply | Promise<GraphReply>;

interface Route {
  method: string;
  pattern: string[];
  handler: Handler;
}

type RouteMatch =
  | { kind: 'found'; handler: Handler; params: Record<string, string> }
  | { kind: 'methodNotAllowed' }
  | { kind: 'notFound'; segment: string };

class Router {
  private readonly routes: Route[] = [];

  add(method: string, pattern: string, handler: Handler): this {
    this.routes.push({ method, pattern: pattern.split('/').filter(Boolean), handler });
    return this;
  }

  match(method: string, segments: string[]): RouteMatch {
    let longest = 0;
    let pathMatched = false;
    for (const route of this.routes) {
      const params: Record<string, string> = {};
      let k = 0;
      while (k < route.pattern.length && k < segments.length) {
        const p = route.pattern[k];
        if (p.startsWith(':')) params[p.slice(1)] = segments[k];
        else if (p.toLowerCase() !== segments[k].toLowerCase()) break;
        k++;
      }
      longest = Math.max(longest, k);
      if (k === route.pattern.length && k === segments.length) {
        if (route.method === method) return { kind: 'found', handler: route.handler, params };
        pathMatched = true;
      }
    }
    if (pathMatched) return { kind: 'methodNotAllowed' };
    return { kind: 'notFound', segment: segments[Math.min(longest, segments.length - 1)] ?? '' };
  }
}

// ---------------------------------------------------------------------------------------------------
// Directory: the tenant indexed for lookups; users are live objects (revokes change them)

class Directory {
  private readonly usersById = new Map<string, FixtureUser>();
  private readonly usersByUpn = new Map<string, FixtureUser>();
  private readonly groupsById = new Map<string, FixtureGroup>();
  /** member id → ids of groups it is a direct member of */
  private readonly parents = new Map<string, string[]>();

  constructor(readonly tenant: Tenant) {
    for (const u of tenant.users) {
      this.usersById.set(u.id.toLowerCase(), u);
      this.usersByUpn.set(u.userPrincipalName.toLowerCase(), u);
    }
    for (const g of tenant.groups) {
      this.groupsById.set(g.id.toLowerCase(), g);
      for (const m of g.memberIds) {
        const key = m.toLowerCase();
        this.parents.set(key, [...(this.parents.get(key) ?? []), g.id]);
      }
    }
  }

  user(idOrUpn: string): FixtureUser | undefined {
    const key = idOrUpn.toLowerCase();
    return this.usersById.get(key) ?? this.usersByUpn.get(key);
  }

  group(id: string): FixtureGroup | undefined {
    return this.groupsById.get(id.toLowerCase());
  }

  /** Ids of every group the object is in, directly or through nested groups. */
  transitiveGroupIds(memberId: string): Set<string> {
    const found = new Set<string>();
    const queue = [memberId];
    while (queue.length > 0) {
      for (const parent of this.parents.get(queue.shift()!.toLowerCase()) ?? []) {
        if (!found.has(parent)) {
          found.add(parent);
          queue.push(parent);
        }
      }
    }
    return found;
  }

  /** Every user in the group, nested groups expanded, each once, in membership order. */
  transitiveUsers(group: FixtureGroup): FixtureUser[] {
    const users: FixtureUser[] = [];
    const seen = new Set<string>();
    const visit = (g: FixtureGroup) => {
      for (const id of g.memberIds) {
        const key = id.toLowerCase();
        if (seen.has(key)) continue;
        seen.add(key);
        const user = this.usersById.get(key);
        const nested = this.groupsById.get(key);
        if (user) users.push(user);
        else if (nested) visit(nested);
      }
    };
    visit(group);
    return users;
  }

  /** Active assignments: every tenant-wide member of an activated role, then the scoped ones. */
  activeAssignments(): RoleGrant[] {
    const tenantWide = this.tenant.roles.flatMap((r) =>
      r.memberIds.map((principalId) => ({
        principalId,
        roleTemplateId: r.roleTemplateId,
        directoryScopeId: '/',
      })),
    );
    return withIds('assignment', [...tenantWide, ...(this.tenant.scopedAssignments ?? [])]);
  }

  eligibleAssignments(): RoleGrant[] {
    return withIds('eligibility', this.tenant.eligibleAssignments ?? []);
  }

  /** Roles held directly or through (role-assignable) groups. */
  roles(userId: string): FixtureRole[] {
    const holders = new Set([userId, ...this.transitiveGroupIds(userId)].map((id) => id.toLowerCase()));
    return this.tenant.roles.filter((r) => r.memberIds.some((m) => holders.has(m.toLowerCase())));
  }
}

/** Stable ids, shaped like Graph's (base64url of the role and principal). */
function withIds(kind: string, grants: FixtureRoleAssignment[]): RoleGrant[] {
  return grants.map((g) => ({
    ...g,
    id: Buffer.from(`${kind}:${g.roleTemplateId}:${g.principalId}:${g.directoryScopeId}`)
      .toString('base64url')
      .slice(0, 43),
  }));
}

// ---------------------------------------------------------------------------------------------------
// Resources as Graph shows them

const USER_DEFAULT_PROPERTIES = [
  'businessPhones',
  'displayName',
  'givenName',
  'jobTitle',
  'mail',
  'mobilePhone',
  'officeLocation',
  'preferredLanguage',
  'surname',
  'userPrincipalName',
  'id',
];

function userResource(u: FixtureUser): Record<string, unknown> {
  const [given, ...rest] = u.displayName.split(' ');
  return {
    businessPhones: [],
    displayName: u.displayName,
    givenName: u.userType === 'Guest' ? null : given,
    jobTitle: null,
    mail: u.mail,
    mobilePhone: null,
    officeLocation: null,
    preferredLanguage: null,
    surname: u.userType === 'Guest' || rest.length === 0 ? null : rest.join(' '),
    userPrincipalName: u.userPrincipalName,
    id: u.id,
    accountEnabled: u.accountEnabled,
    userType: u.userType,
    signInSessionsValidFromDateTime: u.signInSessionsValidFromDateTime,
    createdDateTime: '2025-09-01T08:00:00Z',
    department: null,
    companyName: null,
    employeeId: null,
    usageLocation: null,
    otherMails: [],
    proxyAddresses: u.mail ? [`SMTP:${u.mail}`] : [],
  };
}

function groupResource(g: FixtureGroup): Record<string, unknown> {
  return {
    id: g.id,
    createdDateTime: '2025-09-01T08:00:00Z',
    description: null,
    displayName: g.displayName,
    groupTypes: [],
    isAssignableToRole: g.isAssignableToRole ?? null,
    mail: null,
    mailEnabled: false,
    mailNickname: g.displayName.replace(/[^A-Za-z0-9]/g, ''),
    securityEnabled: true,
    visibility: null,
  };
}

function roleResource(r: FixtureRole): Record<string, unknown> {
  return {
    '@odata.type': '#microsoft.graph.directoryRole',
    id: r.id,
    deletedDateTime: null,
    description: `Built-in role: ${r.displayName}.`,
    displayName: r.displayName,
    roleTemplateId: r.roleTemplateId,
  };
}

interface EntityKind<T> {
  /** entity set name, for @odata.context */
  set: string;
  type: string;
  resource: (item: T) => Record<string, unknown>;
  /** every property $select may name */
  properties: string[];
  /** shown without $select; undefined = all */
  defaults?: string[];
  filter: FilterSchema;
  searchable: string[];
}

const PLACEHOLDER_USER: FixtureUser = {
  id: '',
  displayName: '',
  userPrincipalName: '',
  mail: null,
  accountEnabled: true,
  userType: 'Member',
  signInSessionsValidFromDateTime: '',
};

const USERS: EntityKind<FixtureUser> = {
  set: 'users',
  type: 'microsoft.graph.user',
  resource: userResource,
  properties: Object.keys(userResource(PLACEHOLDER_USER)),
  defaults: USER_DEFAULT_PROPERTIES,
  filter: {
    resource: 'User',
    properties: {
      id: 'string',
      displayName: 'string',
      userPrincipalName: 'string',
      mail: 'string',
      userType: 'string',
      accountEnabled: 'boolean',
    },
    startsWith: ['displayName', 'userPrincipalName', 'mail'],
  },
  searchable: ['displayName', 'mail', 'userPrincipalName'],
};

const GROUPS: EntityKind<FixtureGroup> = {
  set: 'groups',
  type: 'microsoft.graph.group',
  resource: groupResource,
  properties: Object.keys(groupResource({ id: '', displayName: '', memberIds: [] })),
  filter: {
    resource: 'Group',
    properties: { id: 'string', displayName: 'string', isAssignableToRole: 'boolean' },
    startsWith: ['displayName'],
  },
  searchable: ['displayName'],
};

/** A role assignment or eligibility as the unified RBAC endpoints show it. */
interface RoleGrant extends FixtureRoleAssignment {
  id: string;
}

function roleAssignmentResource(a: RoleGrant): Record<string, unknown> {
  return {
    id: a.id,
    principalId: a.principalId,
    directoryScopeId: a.directoryScopeId,
    roleDefinitionId: a.roleTemplateId,
    appScopeId: null,
  };
}

function eligibilityInstanceResource(a: RoleGrant): Record<string, unknown> {
  return {
    id: a.id,
    principalId: a.principalId,
    roleDefinitionId: a.roleTemplateId,
    directoryScopeId: a.directoryScopeId,
    appScopeId: null,
    startDateTime: '2025-09-01T08:00:00Z',
    endDateTime: null,
    memberType: 'Direct',
    roleEligibilityScheduleId: a.id,
  };
}

const GRANT_FILTER = {
  principalId: 'string',
  roleDefinitionId: 'string',
  directoryScopeId: 'string',
} as const;
const PLACEHOLDER_GRANT: RoleGrant = { id: '', principalId: '', roleTemplateId: '', directoryScopeId: '/' };

const ROLE_ASSIGNMENTS: EntityKind<RoleGrant> = {
  set: 'roleManagement/directory/roleAssignments',
  type: 'microsoft.graph.unifiedRoleAssignment',
  resource: roleAssignmentResource,
  properties: Object.keys(roleAssignmentResource(PLACEHOLDER_GRANT)),
  filter: {
    resource: 'UnifiedRoleAssignment',
    properties: { id: 'string', ...GRANT_FILTER },
    startsWith: [],
  },
  searchable: [],
};

const ELIGIBILITY_INSTANCES: EntityKind<RoleGrant> = {
  set: 'roleManagement/directory/roleEligibilityScheduleInstances',
  type: 'microsoft.graph.unifiedRoleEligibilityScheduleInstance',
  resource: eligibilityInstanceResource,
  properties: Object.keys(eligibilityInstanceResource(PLACEHOLDER_GRANT)),
  filter: {
    resource: 'UnifiedRoleEligibilityScheduleInstance',
    properties: { id: 'string', memberType: 'string', ...GRANT_FILTER },
    startsWith: [],
  },
  searchable: [],
};

/** A directoryRole as its own entity set shows it (no @odata.type: it is the declared type). */
function directoryRoleResource(r: FixtureRole): Record<string, unknown> {
  const { '@odata.type': _type, ...rest } = roleResource(r);
  return rest;
}

const DIRECTORY_ROLES: EntityKind<FixtureRole> = {
  set: 'directoryRoles',
  type: 'microsoft.graph.directoryRole',
  resource: directoryRoleResource,
  properties: Object.keys(
    directoryRoleResource({ id: '', roleTemplateId: '', displayName: '', memberIds: [], privileged: false }),
  ),
  filter: {
    resource: 'DirectoryRole',
    properties: { id: 'string', displayName: 'string', roleTemplateId: 'string' },
    startsWith: [],
  },
  searchable: [],
};

/** A riskyUser with the names Graph copies from the directory. */
interface RiskyUserView extends FixtureRiskyUser {
  userDisplayName: string;
  userPrincipalName: string;
}

function riskyUserResource(r: RiskyUserView): Record<string, unknown> {
  return {
    id: r.id,
    isDeleted: false,
    isProcessing: false,
    riskLastUpdatedDateTime: r.riskLastUpdatedDateTime,
    riskLevel: r.riskLevel,
    riskState: r.riskState,
    riskDetail: r.riskDetail,
    userDisplayName: r.userDisplayName,
    userPrincipalName: r.userPrincipalName,
  };
}

const PLACEHOLDER_RISKY: RiskyUserView = {
  id: '',
  riskLevel: 'none',
  riskState: 'none',
  riskDetail: 'none',
  riskLastUpdatedDateTime: '',
  userDisplayName: '',
  userPrincipalName: '',
};

const RISKY_USERS: EntityKind<RiskyUserView> = {
  set: 'identityProtection/riskyUsers',
  type: 'microsoft.graph.riskyUser',
  resource: riskyUserResource,
  properties: Object.keys(riskyUserResource(PLACEHOLDER_RISKY)),
  filter: {
    resource: 'RiskyUser',
    properties: {
      id: 'string',
      riskLevel: 'string',
      riskState: 'string',
      riskDetail: 'string',
      userDisplayName: 'string',
      userPrincipalName: 'string',
    },
    startsWith: ['userDisplayName', 'userPrincipalName'],
  },
  searchable: [],
};

interface RiskDetectionView extends FixtureRiskDetection {
  userDisplayName: string;
  userPrincipalName: string;
}

function riskDetectionResource(d: RiskDetectionView): Record<string, unknown> {
  return {
    id: d.id,
    requestId: `req-${d.id.slice(0, 8)}`,
    correlationId: `cor-${d.id.slice(0, 8)}`,
    riskEventType: d.riskEventType,
    riskState: 'atRisk',
    riskLevel: d.riskLevel,
    riskDetail: 'none',
    source: 'IdentityProtection',
    detectionTimingType: 'realtime',
    activity: 'signin',
    tokenIssuerType: 'AzureAD',
    ipAddress: d.ipAddress,
    location: { ...d.location, geoCoordinates: null },
    activityDateTime: d.detectedDateTime,
    detectedDateTime: d.detectedDateTime,
    lastUpdatedDateTime: d.detectedDateTime,
    userId: d.userId,
    userDisplayName: d.userDisplayName,
    userPrincipalName: d.userPrincipalName,
    additionalInfo: '[]',
  };
}

const RISK_DETECTIONS: EntityKind<RiskDetectionView> = {
  set: 'identityProtection/riskDetections',
  type: 'microsoft.graph.riskDetection',
  resource: riskDetectionResource,
  properties: Object.keys(
    riskDetectionResource({
      id: '',
      userId: '',
      riskEventType: '',
      riskLevel: 'low',
      detectedDateTime: '',
      ipAddress: '',
      location: { city: '', state: '', countryOrRegion: '' },
      userDisplayName: '',
      userPrincipalName: '',
    }),
  ),
  filter: {
    resource: 'RiskDetection',
    properties: {
      id: 'string',
      userId: 'string',
      riskEventType: 'string',
      riskLevel: 'string',
      riskState: 'string',
    },
    startsWith: [],
  },
  searchable: [],
};

/** Members of a directory role's page size: Graph returns up to 1,000 and does not take $top. */
const ROLE_MEMBERS_PAGE = 1000;

/** The chosen properties in Graph's order; `$select` replaces the defaults (id only if selected). */
function shape<T>(kind: EntityKind<T>, item: T, select: string[] | undefined): Record<string, unknown> {
  const full = kind.resource(item);
  const keys = select ?? kind.defaults ?? Object.keys(full);
  const out: Record<string, unknown> = {};
  for (const k of keys) out[k] = full[k];
  return out;
}

/** Parses $select against the entity's properties (case-insensitive, canonical names returned). */
function parseSelect<T>(kind: EntityKind<T>, call: GraphCall): string[] | undefined {
  const raw = call.query.get('$select');
  if (raw === null) return undefined;
  return raw
    .split(',')
    .map((s) => s.trim())
    .filter(Boolean)
    .map((name) => {
      const canonical = kind.properties.find((k) => k.toLowerCase() === name.toLowerCase());
      if (!canonical) throw badRequest(`Could not find a property named '${name}' on type '${kind.type}'.`);
      return canonical;
    });
}

function contextUrl(call: GraphCall, set: string, select: string[] | undefined, entity: boolean): string {
  const projection = select ? `(${select.join(',')})` : '';
  return `${METADATA_ROOT}/${call.version}/$metadata#${set}${projection}${entity ? '/$entity' : ''}`;
}

// ---------------------------------------------------------------------------------------------------
// Throttling: server-side token buckets; a request that does not fit takes nothing

interface Bucket {
  capacity: number;
  perMs: number;
  tokens: number;
  at: number;
}

class Throttle {
  private ru!: Bucket;
  private writes!: Bucket;

  constructor(private readonly limits: ThrottleLimits) {
    this.refillAll(performance.now());
  }

  refillAll(now: number): void {
    const l = this.limits;
    this.ru = {
      capacity: l.resourceUnits,
      perMs: l.resourceUnits / l.ruWindowMs,
      tokens: l.resourceUnits,
      at: now,
    };
    this.writes = { capacity: l.writes, perMs: l.writes / l.writeWindowMs, tokens: l.writes, at: now };
  }

  /** Takes the cost and returns 0, or returns the ms until it would fit. */
  take(cost: RequestCost, now: number): number {
    const wait = Math.max(waitFor(this.ru, cost.resourceUnits, now), waitFor(this.writes, cost.writes, now));
    if (wait > 0) return wait;
    this.ru.tokens -= cost.resourceUnits;
    this.writes.tokens -= cost.writes;
    return 0;
  }
}

function waitFor(b: Bucket, amount: number, now: number): number {
  b.tokens = Math.min(b.capacity, b.tokens + Math.max(0, now - b.at) * b.perMs);
  b.at = Math.max(b.at, now);
  if (amount <= b.tokens) return 0;
  if (amount > b.capacity) return b.capacity / b.perMs;
  return (amount - b.tokens) / b.perMs;
}

// ---------------------------------------------------------------------------------------------------
// The server

/**
 * Microsoft Graph, as much of it as Sign-out Bot uses, over https: users, groups, directory roles,
 * revokeSignInSessions, JSON $batch, Graph's error bodies and headers, permissions, resource-unit
 * throttling with Retry-After, and injectable faults. The real Graph SDK talks to it in integration
 * tests, the playground and benchmarks.
 */
export class GraphStandIn {
  readonly hostname = 'localhost' as const;
  requests: RecordedRequest[] = [];
  /** the sign-in logs and token lifetime policies (test/support/signInLogStandIn.ts) */
  readonly signInLog: SignInLog;

  private readonly directory: Directory;
  private readonly router: Router;
  private readonly throttle?: Throttle;
  private readonly now: () => Date;
  private permissions: Set<string>;
  private faults: { fault: Fault; left: number }[] = [];
  private readonly revokes = new Map<string, number>();
  private throttled = 0;
  private server?: https.Server;
  private origin = '';
  private readonly holds = new Set<() => void>();
  private batchGate?: { cut: Promise<void>; arrived: () => void };
  private random = mulberry32(0x5eed);

  constructor(private readonly o: GraphStandInOptions) {
    this.directory = new Directory(o.tenant);
    this.throttle = o.limits ? new Throttle(o.limits) : undefined;
    this.now = o.now ?? (() => new Date());
    this.permissions = new Set(o.permissions ?? DEFAULT_PERMISSIONS);
    this.signInLog = new SignInLog({
      signIns: o.tenant.signIns,
      licensed: o.tenant.signInLogsLicensed,
      policies: o.tenant.tokenLifetimePolicies,
      pageSize: o.signInPageSize,
      now: this.now,
    });
    this.router = this.routes();
  }

  /** @returns the base URL, e.g. https://localhost:PORT/v1.0 */
  async start(): Promise<string> {
    const server = https.createServer({ cert: this.o.tls.cert, key: this.o.tls.key }, (req, res) => {
      this.serve(req, res).catch((err: unknown) => {
        if (!res.headersSent && !res.destroyed) {
          res.writeHead(500, { 'Content-Type': 'application/json' });
          res.end(JSON.stringify({ error: { code: 'InternalServerError', message: String(err) } }));
        }
      });
    });
    await new Promise<void>((resolve, reject) => {
      server.once('error', reject);
      server.listen(this.o.port ?? 0, this.o.host ?? '127.0.0.1', () => resolve());
    });
    this.server = server;
    this.origin = `https://${this.hostname}:${(server.address() as AddressInfo).port}`;
    return this.baseUrl;
  }

  get baseUrl(): string {
    return `${this.origin}/v1.0`;
  }

  async stop(): Promise<void> {
    for (const release of [...this.holds]) release();
    const server = this.server;
    this.server = undefined;
    await closeServer(server);
  }

  inject(fault: Fault): void {
    this.faults.push({ fault, left: fault.times ?? 1 });
  }

  clearFaults(): void {
    this.faults = [];
  }

  /**
   * Holds each $batch that arrives from now on before Graph sees it, as a stalled network would, until
   * drop() (or stop()) cuts their connections: they never reach Graph. `arrived` resolves when the
   * first one comes in.
   */
  holdBatches(): { arrived: Promise<void>; drop: () => void } {
    let cut!: () => void;
    let arrived!: () => void;
    const first = new Promise<void>((r) => (arrived = r));
    const gate = { cut: new Promise<void>((r) => (cut = r)), arrived: () => arrived() };
    this.batchGate = gate;
    const drop = () => {
      if (this.batchGate === gate) this.batchGate = undefined;
      this.holds.delete(drop);
      cut();
    };
    this.holds.add(drop);
    return { arrived: first, drop };
  }

  setPermissions(p: string[]): void {
    this.permissions = new Set(p);
  }

  /** Revoke calls answered 200 for this user (guests included: Graph accepts them). */
  revokeCount(userId: string): number {
    return this.revokes.get(userId.toLowerCase()) ?? 0;
  }

  /** When the first and the last revoke answered 200 (Date.now() ms), for the benchmarks. */
  readonly revokeTimes: { first?: number; last?: number } = {};

  /** Every user's revoke count so far (lower-case ids), e.g. to tell a later job's revokes apart. */
  revokeCounts(): Map<string, number> {
    return new Map(this.revokes);
  }

  /** 429s sent, top-level and per $batch item, faults included. */
  throttledCount(): number {
    return this.throttled;
  }

  /** The live user (revokes and PATCHes change it). */
  user(idOrUpn: string): FixtureUser | undefined {
    return this.directory.user(idOrUpn);
  }

  /** Identity Protection's record of a user (live: the bot's confirm and dismiss change it). */
  riskyUser(userId: string): FixtureRiskyUser | undefined {
    return (this.o.tenant.riskyUsers ?? []).find((r) => r.id.toLowerCase() === userId.toLowerCase());
  }

  /**
   * Changes (or creates) a user's risk as Entra would: `riskLastUpdatedDateTime` moves to now unless
   * given.
   */
  setRisk(userId: string, change: Partial<FixtureRiskyUser>): FixtureRiskyUser {
    const list = (this.o.tenant.riskyUsers ??= []);
    let record = this.riskyUser(userId);
    if (!record) {
      record = {
        id: userId,
        riskLevel: 'none',
        riskState: 'none',
        riskDetail: 'none',
        riskLastUpdatedDateTime: '',
      };
      list.push(record);
    }
    Object.assign(record, { riskLastUpdatedDateTime: this.graphNow() }, change);
    return record;
  }

  /** Adds a risk detection for a user. */
  addRiskDetection(d: FixtureRiskDetection): void {
    (this.o.tenant.riskDetections ??= []).push(d);
  }

  setIdentityProtectionLicensed(licensed: boolean): void {
    this.o.tenant.identityProtectionLicensed = licensed;
  }

  /** Forgets counters, recorded requests and faults, and refills the throttle buckets. */
  reset(): void {
    this.requests = [];
    this.faults = [];
    this.revokes.clear();
    this.throttled = 0;
    this.throttle?.refillAll(performance.now());
  }

  // ----- HTTP layer --------------------------------------------------------------------------------

  private async serve(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const at = Date.now();
    const text = await readBody(req);
    const url = new URL(req.url ?? '/', this.origin);
    const [versionSegment = '', ...rest] = url.pathname.split('/').filter(Boolean);
    const headers = headersOf(req);
    const requestId = crypto.randomUUID();
    const call = this.makeCall({
      method: req.method ?? 'GET',
      version: versionSegment,
      rawSegments: rest,
      search: url.search,
      headers,
      body: undefined,
      requestId,
      clientRequestId: headers['client-request-id'] ?? requestId,
      inBatch: false,
      at,
    });

    const reply = await this.answerTopLevel(call, req, text);
    if (reply === 'destroyed') {
      this.record(call, 0);
      req.socket.destroy();
      return;
    }
    this.record(call, reply.status);
    this.send(res, call, reply);
  }

  private async answerTopLevel(
    call: GraphCall,
    req: IncomingMessage,
    text: string,
  ): Promise<GraphReply | 'destroyed'> {
    try {
      if (!VERSIONS.includes(call.version)) throw badRequest(`Invalid version: ${call.version}`);
      const body = parseJsonBody(text);
      const isBatch = call.path.toLowerCase() === '/$batch';
      const items = isBatch && isObject(body.value) ? body.value.requests : undefined;
      const itemCount = Array.isArray(items) ? Math.min(items.length, MAX_BATCH) : 0;
      const gate = isBatch ? this.batchGate : undefined;
      if (gate) {
        gate.arrived();
        await gate.cut;
        return 'destroyed';
      }
      await this.hold(isBatch ? this.batchLatency(itemCount) : this.latency());
      this.authenticate(req.headers.authorization);
      if (body.error) throw body.error;
      call.body = body.value;
      if (isBatch) return await this.batch(call);
      const fault = this.takeFault(call);
      if (fault?.unreachable) {
        await this.hold(fault.delayMs ?? 0);
        if (fault.afterEffect) await this.route(call).catch(() => undefined);
        return 'destroyed';
      }
      return await this.execute(call, fault);
    } catch (err) {
      return this.errorReply(call, err);
    }
  }

  private authenticate(authorization: string | undefined): void {
    const challenge = {
      'WWW-Authenticate':
        'Bearer realm="", authorization_uri="https://login.microsoftonline.com/common/oauth2/authorize", client_id="00000003-0000-0000-c000-000000000000"',
    };
    const token = /^Bearer\s+(\S+)\s*$/i.exec(authorization ?? '')?.[1];
    if (!token) throw new GraphError(401, 'InvalidAuthenticationToken', 'Access token is empty.', challenge);
    if (!this.o.isValidToken(token)) {
      throw new GraphError(401, 'InvalidAuthenticationToken', 'Access token validation failure.', challenge);
    }
  }

  private send(res: ServerResponse, call: GraphCall, reply: GraphReply): void {
    if (res.destroyed || res.writableEnded) return;
    const headers: Record<string, string> = {
      'Cache-Control': 'no-cache',
      'Strict-Transport-Security': 'max-age=31536000',
      'request-id': call.requestId,
      'client-request-id': call.clientRequestId,
      'x-ms-ags-diagnostic': JSON.stringify({
        ServerInfo: {
          DataCenter: 'Stand-in',
          Slice: 'E',
          Ring: '5',
          ScaleUnit: '000',
          RoleInstance: this.hostname,
        },
      }),
      ...reply.headers,
    };
    if (reply.body === undefined || reply.status === 204) {
      res.writeHead(reply.status, headers).end();
    } else if (typeof reply.body === 'string') {
      res.writeHead(reply.status, { ...headers, 'Content-Type': 'text/plain' }).end(reply.body);
    } else {
      res
        .writeHead(reply.status, { ...headers, 'Content-Type': JSON_TYPE, 'OData-Version': '4.0' })
        .end(JSON.stringify(reply.body));
    }
  }

  private makeCall(p: {
    method: string;
    version: string;
    rawSegments: string[];
    search: string;
    headers: Record<string, string>;
    body: unknown;
    requestId: string;
    clientRequestId: string;
    inBatch: boolean;
    at: number;
  }): GraphCall {
    const segments = p.rawSegments.map(safeDecode);
    return {
      method: p.method.toUpperCase(),
      version: p.version,
      segments,
      path: `/${segments.join('/')}`,
      rawPath: `/${p.rawSegments.join('/')}${p.search}`,
      query: new URLSearchParams(p.search),
      headers: p.headers,
      body: p.body,
      requestId: p.requestId,
      clientRequestId: p.clientRequestId,
      inBatch: p.inBatch,
      at: p.at,
    };
  }

  private record(call: GraphCall, status: number): void {
    if (status === 429) this.throttled++;
    this.requests.push({
      method: call.method,
      path: call.path,
      query: Object.fromEntries(call.query),
      headers: call.headers,
      status,
      inBatch: call.inBatch,
      at: call.at,
    });
  }

  // ----- Shared pipeline: faults, throttling, routing ----------------------------------------------

  private takeFault(call: GraphCall): Fault | undefined {
    const entry = this.faults.find(({ fault }) => {
      if (fault.method && fault.method.toUpperCase() !== call.method) return false;
      if (fault.version && fault.version !== call.version) return false;
      if (call.inBatch && fault.unreachable) return false;
      fault.path.lastIndex = 0;
      return fault.path.test(call.path);
    });
    if (!entry) return undefined;
    entry.left--;
    if (entry.left <= 0) this.faults = this.faults.filter((f) => f !== entry);
    return entry.fault;
  }

  /** Runs one call (top-level or batch item) after a fault had its say; never throws. */
  private async execute(call: GraphCall, fault: Fault | undefined): Promise<GraphReply> {
    try {
      if (fault?.delayMs) await this.hold(fault.delayMs);
      if (fault && fault.status >= 400) {
        if (fault.afterEffect) await this.route(call).catch(() => undefined);
        const retryAfter =
          fault.retryAfter ?? fault.retryAfterSeconds ?? (fault.status === 429 ? 1 : undefined);
        throw new GraphError(
          fault.status,
          fault.code ?? DEFAULT_CODES[fault.status] ?? 'UnknownError',
          fault.message ?? (fault.status === 429 ? 'Too many requests' : `Injected fault ${fault.status}`),
          retryAfter === undefined ? {} : { 'Retry-After': String(retryAfter) },
        );
      }
      const cost = requestCost(call.method, call.rawPath);
      const wait = this.throttle?.take(cost, performance.now()) ?? 0;
      if (wait > 0) {
        const seconds = Math.max(1, Math.ceil(wait / 1000));
        throw new GraphError(429, 'TooManyRequests', 'Too many requests', { 'Retry-After': String(seconds) });
      }
      const reply = await this.route(call);
      return { ...reply, headers: { ...reply.headers, 'x-ms-resource-unit': String(cost.resourceUnits) } };
    } catch (err) {
      return this.errorReply(call, err);
    }
  }

  private async route(call: GraphCall): Promise<GraphReply> {
    const match = this.router.match(call.method, call.segments);
    if (match.kind === 'methodNotAllowed') {
      throw methodNotAllowed();
    }
    if (match.kind === 'notFound') throw badRequest(`Resource not found for the segment '${match.segment}'.`);
    try {
      return await match.handler(call, match.params);
    } catch (err) {
      if (err instanceof SignInLogError) throw new GraphError(err.status, err.code, err.message);
      throw err;
    }
  }

  private errorReply(call: GraphCall, err: unknown): GraphReply {
    const e =
      err instanceof GraphError
        ? err
        : new GraphError(500, 'InternalServerError', `Stand-in failure: ${String(err)}`);
    return {
      status: e.status,
      headers: e.headers,
      body: {
        error: {
          code: e.code,
          message: e.message,
          innerError: {
            date: this.now().toISOString().slice(0, 19),
            'request-id': call.requestId,
            'client-request-id': call.clientRequestId,
          },
        },
      },
    };
  }

  private require(anyOf: string[]): void {
    if (!anyOf.some((p) => this.permissions.has(p))) {
      throw new GraphError(403, 'Authorization_RequestDenied', INSUFFICIENT);
    }
  }

  private batchLatency(itemCount: number): number {
    const slow = this.o.batchLatencyMs;
    if (slow) return slow.min + (slow.max - slow.min) * this.random();
    return this.latency() * (1 + itemCount * BATCH_ITEM_LATENCY_SHARE);
  }

  private latency(): number {
    return (this.o.latencyMs ?? 0) + (this.o.jitterMs ?? 0) * this.random();
  }

  /** Waits `ms` (Infinity: until stop()); stop() releases every wait. */
  private hold(ms: number): Promise<void> {
    if (!(ms > 0)) return Promise.resolve();
    return new Promise((resolve) => {
      const release = () => {
        clearTimeout(timer);
        this.holds.delete(release);
        resolve();
      };
      const timer = Number.isFinite(ms) ? setTimeout(release, ms) : undefined;
      this.holds.add(release);
    });
  }

  // ----- $batch ------------------------------------------------------------------------------------

  private async batch(call: GraphCall): Promise<GraphReply> {
    if (call.method !== 'POST') {
      throw methodNotAllowed();
    }
    const items = validateBatch(call.body);
    const byId = new Map(items.map((item) => [item.id, item]));
    const answers = new Map<string, Promise<BatchAnswer>>();

    const run = (item: BatchItem): Promise<BatchAnswer> => {
      let answer = answers.get(item.id);
      if (!answer) {
        answer = (async () => {
          const deps = await Promise.all((item.dependsOn ?? []).map((id) => run(byId.get(id)!)));
          const itemCall = this.itemCall(call, item);
          const reply = deps.some((d) => d.status >= 400)
            ? this.errorReply(itemCall, new GraphError(424, 'FailedDependency', 'Failed dependency.'))
            : await this.runItem(itemCall, item);
          this.record(itemCall, reply.status);
          return batchAnswer(item.id, reply);
        })();
        answers.set(item.id, answer);
      }
      return answer;
    };

    const responses = await Promise.all(items.map(run));
    // Graph does not keep the order of the request; clients must match answers by id
    return { status: 200, headers: {}, body: { responses: responses.reverse() } };
  }

  private itemCall(batch: GraphCall, item: BatchItem): GraphCall {
    const relative = item.url.startsWith('/') ? item.url : `/${item.url}`;
    const parsed = new URL(`https://batch.invalid${relative}`);
    const headers: Record<string, string> = {};
    for (const [k, v] of Object.entries(item.headers ?? {})) headers[k.toLowerCase()] = String(v);
    return this.makeCall({
      method: item.method,
      version: batch.version,
      rawSegments: parsed.pathname.split('/').filter(Boolean),
      search: parsed.search,
      headers,
      body: item.body,
      requestId: crypto.randomUUID(),
      clientRequestId: batch.clientRequestId,
      inBatch: true,
      at: Date.now(),
    });
  }

  private async runItem(call: GraphCall, item: BatchItem): Promise<GraphReply> {
    if (/^[a-z][a-z0-9+.-]*:/i.test(item.url)) {
      return this.errorReply(call, badRequest('Invalid request URL: a batch item URL must be relative.'));
    }
    if (call.path.toLowerCase() === '/$batch') {
      return this.errorReply(call, badRequest('Nested batch requests are not supported.'));
    }
    return this.execute(call, this.takeFault(call));
  }

  // ----- Endpoints ---------------------------------------------------------------------------------

  private routes(): Router {
    return new Router()
      .add('GET', 'me', () => {
        throw badRequest('/me request is only valid with delegated authentication flow.');
      })
      .add('GET', 'organization', (c) => this.getOrganization(c))
      .add('GET', 'users', (c) => this.listUsers(c))
      .add('GET', 'users/$count', (c) => this.countUsers(c))
      .add('GET', 'users/:id', (c, p) => this.getUser(c, p.id))
      .add('PATCH', 'users/:id', (c, p) => this.patchUser(c, p.id))
      .add('POST', 'users/:id/revokeSignInSessions', (c, p) => this.revokeSignInSessions(c, p.id))
      .add('POST', 'users/:id/checkMemberGroups', (c, p) => this.checkMemberGroups(c, p.id))
      .add('GET', 'users/:id/transitiveMemberOf/microsoft.graph.directoryRole', (c, p) =>
        this.userDirectoryRoles(c, p.id),
      )
      .add('GET', 'users/:id/transitiveMemberOf/microsoft.graph.group', (c, p) => this.userGroups(c, p.id))
      .add('GET', 'roleManagement/directory/roleAssignments', (c) => this.roleAssignments(c))
      .add('GET', 'roleManagement/directory/roleEligibilityScheduleInstances', (c) => this.roleEligibility(c))
      .add('GET', 'directoryRoles', (c) => this.listDirectoryRoles(c))
      .add('GET', 'directoryRoles/:id', (c, p) => this.getDirectoryRole(c, p.id))
      .add('GET', 'directoryRoles/:id/members', (c, p) => this.directoryRoleMembers(c, p.id))
      .add('GET', 'groups', (c) => this.listGroups(c))
      .add('GET', 'groups/:id', (c, p) => this.getGroup(c, p.id))
      .add('GET', 'groups/:id/transitiveMembers/microsoft.graph.user', (c, p) => this.groupUsers(c, p.id))
      .add('GET', 'identityProtection/riskyUsers', (c) => this.listRiskyUsers(c))
      .add('GET', 'identityProtection/riskyUsers/:id', (c, p) => this.getRiskyUser(c, p.id))
      .add('POST', 'identityProtection/riskyUsers/confirmCompromised', (c) => this.answerRisk(c, 'confirm'))
      .add('POST', 'identityProtection/riskyUsers/dismiss', (c) => this.answerRisk(c, 'dismiss'))
      .add('GET', 'identityProtection/riskDetections', (c) => this.listRiskDetections(c))
      .add('GET', 'auditLogs/signIns', (c) =>
        this.signInLog.list({
          version: c.version,
          query: c.query,
          permissions: this.permissions,
          nextLink: (offset) => this.nextLink(c, offset),
        }),
      )
      .add('GET', 'policies/tokenLifetimePolicies', (c) =>
        this.signInLog.tokenLifetimePolicies({
          version: c.version,
          query: c.query,
          permissions: this.permissions,
        }),
      );
  }

  // ----- Identity Protection (Entra ID P2) -----------------------------------------------------------

  /** Graph's seven-decimal timestamps. */
  private graphNow(): string {
    return this.now().toISOString().replace(/Z$/, '0000Z');
  }

  /** Without P2 Graph refuses Identity Protection with 403, like a missing permission but with its own code. */
  private requireIdentityProtection(permissions: string[]): void {
    this.require(permissions);
    if (this.o.tenant.identityProtectionLicensed === false) {
      throw new GraphError(
        403,
        'Authentication_RequestFromNonPremiumTenantOrB2CTenant',
        'Your tenant is not licensed for this feature.',
      );
    }
  }

  private riskyUserView(r: FixtureRiskyUser): RiskyUserView {
    const user = this.directory.user(r.id);
    return {
      ...r,
      userDisplayName: user?.displayName ?? '',
      userPrincipalName: user?.userPrincipalName ?? '',
    };
  }

  private listRiskyUsers(call: GraphCall): GraphReply {
    this.requireIdentityProtection(ALLOWED.readRiskyUsers);
    const top = call.query.get('$top');
    if (top !== null && Number(top) > 500) {
      throw badRequest(`Invalid page size specified: '${top}'. Must be between 1 and 500 inclusive.`);
    }
    return this.list(
      call,
      RISKY_USERS,
      (this.o.tenant.riskyUsers ?? []).map((r) => this.riskyUserView(r)),
    );
  }

  private getRiskyUser(call: GraphCall, id: string): GraphReply {
    this.requireIdentityProtection(ALLOWED.readRiskyUsers);
    allowQuery(call, ['$select']);
    const record = this.riskyUser(id);
    if (!record) throw notFound(id);
    const select = parseSelect(RISKY_USERS, call);
    return ok({
      '@odata.context': contextUrl(call, RISKY_USERS.set, select, true),
      ...shape(RISKY_USERS, this.riskyUserView(record), select),
    });
  }

  /** confirmCompromised and dismiss: {"userIds": [...]}, 204; every id must be a user of the tenant. */
  private answerRisk(call: GraphCall, answer: 'confirm' | 'dismiss'): GraphReply {
    this.requireIdentityProtection(ALLOWED.writeRiskyUsers);
    allowQuery(call, []);
    const ids = isObject(call.body) ? call.body.userIds : undefined;
    if (!Array.isArray(ids) || ids.length === 0 || !ids.every((i) => typeof i === 'string')) {
      throw badRequest("Invalid request: the body must contain 'userIds', a non-empty array of user ids.");
    }
    if (ids.length > 60) throw badRequest('A maximum of 60 user ids can be submitted at once.');
    for (const id of ids) if (!this.directory.user(id)) throw notFound(id);
    for (const id of ids) {
      this.setRisk(
        this.directory.user(id)!.id,
        answer === 'confirm'
          ? {
              riskLevel: 'high',
              riskState: 'confirmedCompromised',
              riskDetail: 'adminConfirmedUserCompromised',
            }
          : { riskLevel: 'none', riskState: 'dismissed', riskDetail: 'adminDismissedAllRiskForUser' },
      );
    }
    return { status: 204, headers: {} };
  }

  private listRiskDetections(call: GraphCall): GraphReply {
    this.requireIdentityProtection(ALLOWED.readRiskDetections);
    const views = (this.o.tenant.riskDetections ?? []).map((d) => {
      const user = this.directory.user(d.userId);
      return {
        ...d,
        userDisplayName: user?.displayName ?? '',
        userPrincipalName: user?.userPrincipalName ?? '',
      };
    });
    return this.list(call, RISK_DETECTIONS, views);
  }

  private getOrganization(call: GraphCall): GraphReply {
    allowQuery(call, ['$select']);
    const t = this.o.tenant;
    const label = t.primaryDomain.split('.')[0];
    const org = {
      id: t.tenantId,
      displayName: label.charAt(0).toUpperCase() + label.slice(1),
      tenantType: 'AAD',
      verifiedDomains: [
        {
          capabilities: 'Email, OfficeCommunicationsOnline',
          isDefault: true,
          isInitial: false,
          name: t.primaryDomain,
          type: 'Managed',
        },
        {
          capabilities: 'Email, OfficeCommunicationsOnline',
          isDefault: false,
          isInitial: true,
          name: `${label}.onmicrosoft.com`,
          type: 'Managed',
        },
      ],
    };
    return ok({ '@odata.context': contextUrl(call, 'organization', undefined, false), value: [org] });
  }

  private findUser(idOrUpn: string): FixtureUser {
    const user = this.directory.user(idOrUpn);
    if (!user) throw notFound(idOrUpn);
    return user;
  }

  private getUser(call: GraphCall, id: string): GraphReply {
    this.require(ALLOWED.readUsers);
    allowQuery(call, ['$select']);
    const user = this.findUser(id);
    const select = parseSelect(USERS, call);
    return ok({ '@odata.context': contextUrl(call, 'users', select, true), ...shape(USERS, user, select) });
  }

  private listUsers(call: GraphCall): GraphReply {
    this.require(ALLOWED.readUsers);
    return this.list(call, USERS, this.o.tenant.users);
  }

  private countUsers(call: GraphCall): GraphReply {
    this.require(ALLOWED.readUsers);
    allowQuery(call, ['$filter', '$search']);
    requireEventual(call, '$count');
    return { status: 200, headers: {}, body: String(this.query(call, USERS, this.o.tenant.users).length) };
  }

  private revokeSignInSessions(call: GraphCall, id: string): GraphReply {
    this.require(ALLOWED.revoke);
    allowQuery(call, []);
    const user = this.findUser(id);
    this.refusePrivileged(user);
    // a guest's sessions live in their home tenant: Graph answers true and changes nothing here
    if (user.userType !== 'Guest') {
      user.signInSessionsValidFromDateTime = this.now()
        .toISOString()
        .replace(/\.\d{3}Z$/, 'Z');
      const after = this.o.signInsAfterRevoke?.(user, new Date(user.signInSessionsValidFromDateTime));
      if (after) this.signInLog.add(after);
    }
    this.revokes.set(user.id.toLowerCase(), this.revokeCount(user.id) + 1);
    const at = Date.now();
    this.revokeTimes.first ??= at;
    this.revokeTimes.last = at;
    return ok({ '@odata.context': `${METADATA_ROOT}/${call.version}/$metadata#Edm.Boolean`, value: true });
  }

  private patchUser(call: GraphCall, id: string): GraphReply {
    this.require(ALLOWED.enableDisable);
    allowQuery(call, []);
    const body = call.body;
    if (!isObject(body)) throw badRequest('Empty Payload. JSON content expected.');
    const unsupported = Object.keys(body).filter((k) => k !== 'accountEnabled');
    if (unsupported.length > 0) {
      throw badRequest(`The Graph stand-in only updates accountEnabled, not '${unsupported.join("', '")}'.`);
    }
    const user = this.findUser(id);
    if ('accountEnabled' in body) {
      if (typeof body.accountEnabled !== 'boolean') {
        throw badRequest("Invalid value specified for property 'accountEnabled' of resource 'User'.");
      }
      this.refusePrivileged(user);
      user.accountEnabled = body.accountEnabled;
    }
    return { status: 204, headers: {} };
  }

  /** Graph refuses sensitive actions on admins unless the app holds Privileged Authentication Administrator. */
  private refusePrivileged(user: FixtureUser): void {
    if (this.o.canRevokePrivileged) return;
    if (this.directory.roles(user.id).some((r) => r.privileged)) {
      throw new GraphError(403, 'Authorization_RequestDenied', INSUFFICIENT);
    }
  }

  private checkMemberGroups(call: GraphCall, id: string): GraphReply {
    this.require(ALLOWED.readMembership);
    const groupIds = isObject(call.body) ? call.body.groupIds : undefined;
    if (!Array.isArray(groupIds) || !groupIds.every((g) => typeof g === 'string')) {
      throw badRequest("Invalid request: the body must contain 'groupIds', an array of group ids.");
    }
    if (groupIds.length > MAX_CHECK_GROUP_IDS) {
      throw badRequest(`The number of ids in 'groupIds' exceeds the limit of ${MAX_CHECK_GROUP_IDS}.`);
    }
    const user = this.findUser(id);
    const memberOf = new Set([...this.directory.transitiveGroupIds(user.id)].map((g) => g.toLowerCase()));
    const value = groupIds.filter((g) => memberOf.has(g.toLowerCase())).map((g) => g.toLowerCase());
    return ok({
      '@odata.context': `${METADATA_ROOT}/${call.version}/$metadata#Collection(Edm.String)`,
      value,
    });
  }

  private userDirectoryRoles(call: GraphCall, id: string): GraphReply {
    this.require(ALLOWED.readRoles);
    allowQuery(call, ['$select']);
    const user = this.findUser(id);
    const value = this.directory.roles(user.id).map(roleResource);
    return ok({ '@odata.context': contextUrl(call, 'directoryRoles', undefined, false), value });
  }

  /**
   * The groups the user is in, directly or through nested groups. With User.Read.All alone Graph
   * returns them "with limited information": only their ids.
   */
  private userGroups(call: GraphCall, id: string): GraphReply {
    this.require([...ALLOWED.readUsers, ...ALLOWED.readMembership]);
    const user = this.findUser(id);
    const ids = this.directory.transitiveGroupIds(user.id);
    const groups = this.o.tenant.groups.filter((g) => ids.has(g.id));
    if (!ALLOWED.readMembership.some((p) => this.permissions.has(p))) {
      allowQuery(call, ['$select', '$top', '$skiptoken']);
      return ok({
        '@odata.context': contextUrl(call, 'groups', undefined, false),
        value: groups.map((g) => ({ '@odata.type': '#microsoft.graph.group', id: g.id })),
      });
    }
    return this.list(call, GROUPS, groups);
  }

  /** Active role assignments, any scope; $filter on principalId, roleDefinitionId, directoryScopeId. */
  private roleAssignments(call: GraphCall): GraphReply {
    this.require(ALLOWED.readRoleAssignments);
    return this.list(call, ROLE_ASSIGNMENTS, this.directory.activeAssignments());
  }

  /** PIM eligibility, any scope; needs Entra ID P2, as Graph does. */
  private roleEligibility(call: GraphCall): GraphReply {
    this.require(ALLOWED.readRoleEligibility);
    if (this.o.tenant.pimLicensed === false) {
      throw new GraphError(
        400,
        'AadPremiumLicenseRequired',
        'The tenant needs to have Microsoft Entra ID P2 or Microsoft Entra ID Governance license.',
      );
    }
    return this.list(call, ELIGIBILITY_INSTANCES, this.directory.eligibleAssignments());
  }

  /**
   * Activated roles only, as Graph lists them: the fixture's roles are the tenant's directoryRole
   * objects; a built-in role template nobody was assigned is not among them. $select and $filter
   * (eq) only, no paging.
   */
  private listDirectoryRoles(call: GraphCall): GraphReply {
    this.require(ALLOWED.readRoles);
    allowQuery(call, ['$select', '$filter']);
    const select = parseSelect(DIRECTORY_ROLES, call);
    const value = this.query(call, DIRECTORY_ROLES, this.o.tenant.roles).map((r) =>
      shape(DIRECTORY_ROLES, r, select),
    );
    return ok({ '@odata.context': contextUrl(call, DIRECTORY_ROLES.set, select, false), value });
  }

  /** By object id or, as Graph allows, by role template id; a role that is not activated is 404. */
  private findDirectoryRole(id: string): FixtureRole {
    const key = id.toLowerCase();
    const role =
      this.o.tenant.roles.find((r) => r.id.toLowerCase() === key) ??
      this.o.tenant.roles.find((r) => r.roleTemplateId.toLowerCase() === key);
    if (!role) throw notFound(id);
    return role;
  }

  private getDirectoryRole(call: GraphCall, id: string): GraphReply {
    this.require(ALLOWED.readRoles);
    allowQuery(call, ['$select']);
    const role = this.findDirectoryRole(id);
    const select = parseSelect(DIRECTORY_ROLES, call);
    return ok({
      '@odata.context': contextUrl(call, DIRECTORY_ROLES.set, select, true),
      ...shape(DIRECTORY_ROLES, role, select),
    });
  }

  /**
   * The role's direct members, users and (role-assignable) groups, as directoryObjects carrying
   * @odata.type; groups are not expanded. $select only (not $top); pages of 1,000.
   */
  private directoryRoleMembers(call: GraphCall, id: string): GraphReply {
    this.require(ALLOWED.readRoles);
    allowQuery(call, ['$select', '$skiptoken']);
    const role = this.findDirectoryRole(id);
    const raw = call.query.get('$select');
    const select =
      raw === null
        ? undefined
        : raw
            .split(',')
            .map((name) => name.trim())
            .filter(Boolean)
            .map((name) => {
              const known = [...USERS.properties, ...GROUPS.properties].find(
                (k) => k.toLowerCase() === name.toLowerCase(),
              );
              if (!known) {
                throw badRequest(
                  `Could not find a property named '${name}' on type 'microsoft.graph.directoryObject'.`,
                );
              }
              return known;
            });
    const members: Record<string, unknown>[] = [];
    for (const memberId of role.memberIds) {
      const user = this.directory.user(memberId);
      const group = user ? undefined : this.directory.group(memberId);
      if (user)
        members.push(
          member('#microsoft.graph.user', shape(USERS, user, undefined), userResource(user), select),
        );
      else if (group)
        members.push(member('#microsoft.graph.group', groupResource(group), groupResource(group), select));
    }
    const offset = readSkipToken(call.query.get('$skiptoken'));
    const body: Record<string, unknown> = {
      '@odata.context': `${METADATA_ROOT}/${call.version}/$metadata#directoryObjects${select ? `(${select.join(',')})` : ''}`,
    };
    if (offset + ROLE_MEMBERS_PAGE < members.length) {
      body['@odata.nextLink'] = this.nextLink(call, offset + ROLE_MEMBERS_PAGE);
    }
    body.value = members.slice(offset, offset + ROLE_MEMBERS_PAGE);
    return ok(body);
  }

  private listGroups(call: GraphCall): GraphReply {
    this.require(ALLOWED.readMembership);
    return this.list(call, GROUPS, this.o.tenant.groups);
  }

  private getGroup(call: GraphCall, id: string): GraphReply {
    this.require(ALLOWED.readMembership);
    allowQuery(call, ['$select']);
    const group = this.directory.group(id);
    if (!group) throw notFound(id);
    const select = parseSelect(GROUPS, call);
    return ok({
      '@odata.context': contextUrl(call, 'groups', select, true),
      ...shape(GROUPS, group, select),
    });
  }

  private groupUsers(call: GraphCall, id: string): GraphReply {
    this.require(ALLOWED.readMembership);
    const group = this.directory.group(id);
    if (!group) throw notFound(id);
    return this.list(call, USERS, this.directory.transitiveUsers(group));
  }

  // ----- Collections: $filter, $search, $count, $select, $top, paging --------------------------------

  private query<T>(call: GraphCall, kind: EntityKind<T>, items: T[]): T[] {
    const filter = call.query.get('$filter');
    const search = call.query.get('$search');
    if (search !== null) requireEventual(call, '$search');
    try {
      const f = filter === null ? undefined : parseFilter(filter, kind.filter);
      const s = search === null ? undefined : parseSearch(search, kind.searchable);
      return items.filter((item) => {
        const r = kind.resource(item);
        return (!f || matchesFilter(f, r)) && (!s || matchesSearch(s, r));
      });
    } catch (err) {
      if (err instanceof ODataQueryError) throw badRequest(err.message);
      throw err;
    }
  }

  private list<T>(call: GraphCall, kind: EntityKind<T>, items: T[]): GraphReply {
    allowQuery(call, ['$select', '$filter', '$search', '$count', '$top', '$skiptoken']);
    const count = call.query.get('$count');
    if (count !== null && !/^(true|false)$/i.test(count))
      throw badRequest(`Invalid value '${count}' for $count.`);
    const withCount = count?.toLowerCase() === 'true';
    if (withCount) requireEventual(call, '$count');
    const select = parseSelect(kind, call);
    const top = pageSize(call.query.get('$top'));
    const offset = readSkipToken(call.query.get('$skiptoken'));
    const matched = this.query(call, kind, items);
    const page = matched.slice(offset, offset + top);

    const body: Record<string, unknown> = { '@odata.context': contextUrl(call, kind.set, select, false) };
    if (withCount) body['@odata.count'] = matched.length;
    if (offset + top < matched.length) body['@odata.nextLink'] = this.nextLink(call, offset + top);
    body.value = page.map((item) => shape(kind, item, select));
    return ok(body);
  }

  private nextLink(call: GraphCall, offset: number): string {
    const params = [...call.query].filter(([k]) => k !== '$skiptoken');
    params.push(['$skiptoken', Buffer.from(JSON.stringify({ offset })).toString('base64url')]);
    const query = params.map(([k, v]) => `${k}=${encodeURIComponent(v)}`).join('&');
    return `${this.origin}/${call.version}/${call.segments.map(encodeURIComponent).join('/')}?${query}`;
  }
}

// ---------------------------------------------------------------------------------------------------
// $batch payload

interface BatchItem {
  id: string;
  method: string;
  url: string;
  headers?: Record<string, unknown>;
  body?: unknown;
  dependsOn?: string[];
}

interface BatchAnswer {
  id: string;
  status: number;
  headers: Record<string, string>;
  body?: unknown;
}

function validateBatch(body: unknown): BatchItem[] {
  const requests = isObject(body) ? body.requests : undefined;
  if (!Array.isArray(requests) || requests.length === 0) {
    throw badRequest("Invalid batch payload format: 'requests' must be a non-empty array.");
  }
  if (requests.length > MAX_BATCH) {
    throw badRequest(`The number of requests in a batch exceeds the limit of ${MAX_BATCH}.`);
  }
  const ids = new Set<string>();
  for (const r of requests) {
    if (
      !isObject(r) ||
      typeof r.id !== 'string' ||
      !r.id ||
      typeof r.method !== 'string' ||
      typeof r.url !== 'string'
    ) {
      throw badRequest("Invalid batch payload format: every request needs 'id', 'method' and 'url'.");
    }
    if (r.headers !== undefined && !isObject(r.headers)) {
      throw badRequest(`Invalid batch payload format: the headers of request ${r.id} must be an object.`);
    }
    if (
      r.dependsOn !== undefined &&
      !(Array.isArray(r.dependsOn) && r.dependsOn.every((d) => typeof d === 'string'))
    ) {
      throw badRequest(`Invalid batch payload format: dependsOn of request ${r.id} must be an array of ids.`);
    }
    if (ids.has(r.id)) throw badRequest(`Batch request ids must be unique: '${r.id}' is repeated.`);
    ids.add(r.id);
    const headerNames = isObject(r.headers) ? Object.keys(r.headers).map((h) => h.toLowerCase()) : [];
    if (r.body !== undefined && !headerNames.includes('content-type')) {
      throw badRequest(`Write request id : ${r.id} does not contain Content-Type header or body.`);
    }
  }
  const items = requests as BatchItem[];
  for (const item of items) {
    for (const dep of item.dependsOn ?? []) {
      if (!ids.has(dep))
        throw badRequest(`Request ${item.id} depends on '${dep}', which is not in the batch.`);
    }
  }
  assertAcyclic(items);
  return items;
}

function assertAcyclic(items: BatchItem[]): void {
  const byId = new Map(items.map((i) => [i.id, i]));
  const state = new Map<string, 'visiting' | 'done'>();
  const visit = (id: string) => {
    if (state.get(id) === 'done') return;
    if (state.get(id) === 'visiting') throw badRequest(`The dependencies of request ${id} form a cycle.`);
    state.set(id, 'visiting');
    for (const dep of byId.get(id)?.dependsOn ?? []) visit(dep);
    state.set(id, 'done');
  };
  for (const item of items) visit(item.id);
}

function batchAnswer(id: string, reply: GraphReply): BatchAnswer {
  const headers: Record<string, string> = { 'Cache-Control': 'no-cache', ...reply.headers };
  if (reply.body === undefined || reply.status === 204) return { id, status: reply.status, headers };
  headers['Content-Type'] = typeof reply.body === 'string' ? 'text/plain' : JSON_TYPE;
  return { id, status: reply.status, headers, body: reply.body };
}

// ---------------------------------------------------------------------------------------------------
// Small helpers

const ok = (body: unknown): GraphReply => ({ status: 200, headers: {}, body });

/** A directoryObject in a mixed collection: its type, then the selected properties it has. */
function member(
  type: string,
  defaults: Record<string, unknown>,
  full: Record<string, unknown>,
  select: string[] | undefined,
): Record<string, unknown> {
  if (!select) return { '@odata.type': type, ...defaults };
  const out: Record<string, unknown> = { '@odata.type': type };
  for (const k of select) if (k in full) out[k] = full[k];
  return out;
}

function isObject(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

function allowQuery(call: GraphCall, allowed: string[]): void {
  for (const key of call.query.keys()) {
    if (key.startsWith('$') && !allowed.includes(key)) {
      throw badRequest(`Query option '${key}' is not supported by this resource in the Graph stand-in.`);
    }
  }
}

function requireEventual(call: GraphCall, option: string): void {
  if (call.headers['consistencylevel']?.toLowerCase() !== 'eventual') {
    const message =
      option === '$search'
        ? "Request with $search query parameter only works through MSGraph with a special request header: 'ConsistencyLevel: eventual'"
        : "$count is not currently supported without the request header 'ConsistencyLevel: eventual'.";
    throw badRequest(message, 'Request_UnsupportedQuery');
  }
}

function pageSize(raw: string | null): number {
  if (raw === null) return DEFAULT_PAGE;
  const n = Number(raw);
  if (!/^\d+$/.test(raw) || n < 1 || n > MAX_PAGE) {
    throw badRequest(`Invalid page size specified: '${raw}'. Must be between 1 and ${MAX_PAGE} inclusive.`);
  }
  return n;
}

function readSkipToken(raw: string | null): number {
  if (raw === null) return 0;
  try {
    const { offset } = JSON.parse(Buffer.from(raw, 'base64url').toString('utf8')) as { offset?: unknown };
    if (typeof offset === 'number' && Number.isInteger(offset) && offset >= 0) return offset;
  } catch {
    // fall through
  }
  throw badRequest('Invalid $skiptoken.', 'Request_BadRequest');
}

/** A bad payload is reported only after authentication, as Graph does. */
function parseJsonBody(text: string): { value?: unknown; error?: GraphError } {
  if (!text.trim()) return {};
  try {
    return { value: JSON.parse(text) };
  } catch {
    return {
      error: badRequest(
        'Unable to read JSON request payload. Please ensure Content-Type header is set and payload is of valid JSON format.',
      ),
    };
  }
}

function safeDecode(segment: string): string {
  try {
    return decodeURIComponent(segment);
  } catch {
    return segment;
  }
}

function headersOf(req: IncomingMessage): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [name, value] of Object.entries(req.headers)) {
    if (name === 'authorization' || value === undefined) continue;
    out[name] = Array.isArray(value) ? value.join(', ') : value;
  }
  return out;
}

function readBody(req: IncomingMessage): Promise<string> {
  return new Promise((resolve, reject) => {
    let text = '';
    req.setEncoding('utf8');
    req.on('data', (chunk: string) => (text += chunk));
    req.on('end', () => resolve(text));
    req.on('error', reject);
  });
}

/** Small seeded PRNG, so a benchmark's jitter is the same on every run. */
function mulberry32(seed: number): () => number {
  let a = seed;
  return () => {
    a = (a + 0x6d2b79f5) | 0;
    let t = Math.imul(a ^ (a >>> 15), 1 | a);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}
