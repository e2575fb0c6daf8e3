/**
 * The part of the Graph stand-in that serves the Entra sign-in logs and the token lifetime policies, as
 * Graph does:
 * - `GET /v1.0/auditLogs/signIns`: interactive sign-ins only; `signInEventTypes` is not a v1.0 filter;
 * - `GET /beta/auditLogs/signIns`: interactive sign-ins, or with
 *   `signInEventTypes/any(t: t eq 'nonInteractiveUser')` the non-interactive ones (token refreshes);
 * - `$filter` on userId, userPrincipalName, appDisplayName, ipAddress (eq), createdDateTime (eq, ge, le)
 *   and status/errorCode (eq), joined by `and`; anything else is a 400 with Graph's wording;
 * - newest first, pages of `pageSize` (default 1,000, Graph's maximum) via `@odata.nextLink`, `$top`;
 * - AuditLog.Read.All and Directory.Read.All (Microsoft's documented least set for an application), and
 *   a tenant without Entra ID P1/P2 gets 403 Authentication_RequestFromNonPremiumTenantOrB2CTenant;
 * - `GET /policies/tokenLifetimePolicies` with Policy.Read.All.
 * Faults, throttling and authentication are the Graph stand-in's own pipeline.
 */

export interface FixtureSignIn {
  /** default: derived from the other fields */
  id?: string;
  userId: string;
  userPrincipalName?: string;
  userDisplayName?: string;
  /** ISO */
  createdDateTime: string;
  appDisplayName: string;
  appId?: string;
  ipAddress?: string;
  city?: string;
  countryOrRegion?: string;
  device?: { displayName?: string; operatingSystem?: string; browser?: string };
  clientAppUsed?: string;
  /** default 0 (success) */
  errorCode?: number;
  failureReason?: string;
  interactive: boolean;
  /** authenticationRequirement multiFactorAuthentication; default false */
  mfa?: boolean;
}

export interface FixtureTokenLifetimePolicy {
  id: string;
  displayName: string;
  isOrganizationDefault: boolean;
  /** JSON strings, as Graph returns them */
  definition: string[];
}

/** A failure the stand-in turns into Graph's error body (status, code, message). */
export class SignInLogError extends Error {
  constructor(
    readonly status: number,
    readonly code: string,
    message: string,
  ) {
    super(message);
  }
}

export interface SignInLogRequest {
  version: string;
  query: URLSearchParams;
  permissions: ReadonlySet<string>;
  /** Graph's @odata.nextLink for the same request at `offset` */
  nextLink: (offset: number) => string;
}

export const SIGN_IN_PERMISSIONS = ['AuditLog.Read.All', 'Directory.Read.All'];
export const POLICY_PERMISSIONS = ['Policy.Read.All', 'Policy.ReadWrite.ApplicationConfiguration'];
/** What the bot needs for verify and "out everywhere by", on top of the stand-in's DEFAULT_PERMISSIONS. */
export const VERIFY_PERMISSIONS = [...SIGN_IN_PERMISSIONS, 'Policy.Read.All'];

const MAX_PAGE = 1000;
const METADATA_ROOT = 'https://graph.microsoft.com';
const INSUFFICIENT = 'Insufficient privileges to complete the operation.';

export class SignInLog {
  private entries: FixtureSignIn[];
  pageSize: number;
  licensed: boolean;
  policies: FixtureTokenLifetimePolicy[];
  private readonly now: () => Date;

  constructor(o: {
    signIns?: FixtureSignIn[];
    licensed?: boolean;
    policies?: FixtureTokenLifetimePolicy[];
    pageSize?: number;
    /** Graph's clock: an entry dated later is not in the logs yet */
    now?: () => Date;
  }) {
    this.now = o.now ?? (() => new Date());
    this.entries = [...(o.signIns ?? [])];
    this.licensed = o.licensed ?? true;
    this.policies = o.policies ?? [];
    this.pageSize = o.pageSize ?? MAX_PAGE;
  }

  add(entries: FixtureSignIn[]): void {
    this.entries.push(...entries);
  }

  clear(): void {
    this.entries = [];
  }

  list(r: SignInLogRequest): { status: number; headers: Record<string, string>; body: unknown } {
    if (!SIGN_IN_PERMISSIONS.every((p) => r.permissions.has(p))) {
      throw new SignInLogError(403, 'Authorization_RequestDenied', INSUFFICIENT);
    }
    if (!this.licensed) {
      throw new SignInLogError(
        403,
        'Authentication_RequestFromNonPremiumTenantOrB2CTenant',
        "Neither tenant is B2C or tenant doesn't have premium license",
      );
    }
    for (const key of r.query.keys()) {
      if (key.startsWith('$') && !['$filter', '$top', '$skiptoken'].includes(key)) {
        throw badRequest(`Query option '${key}' is not supported by this resource in the Graph stand-in.`);
      }
    }
    const filter = parseSignInFilter(r.query.get('$filter') ?? '', r.version === 'beta');
    const top = pageSize(r.query.get('$top'), this.pageSize);
    const offset = readSkipToken(r.query.get('$skiptoken'));
    const now = this.now().getTime();
    const matched = this.entries
      .filter((e) => Date.parse(e.createdDateTime) <= now)
      .filter((e) => e.interactive !== filter.nonInteractive && filter.clauses.every((c) => matches(c, e)))
      .sort((a, b) => Date.parse(b.createdDateTime) - Date.parse(a.createdDateTime));
    const body: Record<string, unknown> = {
      '@odata.context': `${METADATA_ROOT}/${r.version}/$metadata#auditLogs/signIns`,
    };
    if (offset + top < matched.length) body['@odata.nextLink'] = r.nextLink(offset + top);
    body.value = matched.slice(offset, offset + top).map((e) => resource(e, r.version));
    return { status: 200, headers: {}, body };
  }

  tokenLifetimePolicies(r: Omit<SignInLogRequest, 'nextLink'>): {
    status: number;
    headers: Record<string, string>;
    body: unknown;
  } {
    if (!POLICY_PERMISSIONS.some((p) => r.permissions.has(p))) {
      throw new SignInLogError(403, 'Authorization_RequestDenied', INSUFFICIENT);
    }
    return {
      status: 200,
      headers: {},
      body: {
        '@odata.context': `${METADATA_ROOT}/${r.version}/$metadata#policies/tokenLifetimePolicies`,
        value: this.policies.map((p) => ({ ...p, deletedDateTime: null, description: null })),
      },
    };
  }
}

function resource(e: FixtureSignIn, version: string): Record<string, unknown> {
  const errorCode = e.errorCode ?? 0;
  const r: Record<string, unknown> = {
    id: e.id ?? idOf(e),
    createdDateTime: e.createdDateTime,
    userDisplayName: e.userDisplayName ?? null,
    userPrincipalName: e.userPrincipalName ?? null,
    userId: e.userId,
    appId: e.appId ?? '00000002-0000-0ff1-ce00-000000000000',
    appDisplayName: e.appDisplayName,
    ipAddress: e.ipAddress ?? '',
    clientAppUsed: e.clientAppUsed ?? (e.interactive ? 'Browser' : 'Mobile Apps and Desktop clients'),
    correlationId: idOf({ ...e, appDisplayName: `correlation:${e.appDisplayName}` }),
    conditionalAccessStatus: 'notApplied',
    isInteractive: e.interactive,
    riskDetail: 'none',
    riskLevelAggregated: 'none',
    riskLevelDuringSignIn: 'none',
    riskState: 'none',
    riskEventTypes_v2: [],
    resourceDisplayName: 'Office 365 Exchange Online',
    status: {
      errorCode,
      failureReason: errorCode === 0 ? 'Other.' : (e.failureReason ?? 'Other.'),
      additionalDetails: null,
    },
    deviceDetail: {
      deviceId: '',
      displayName: e.device?.displayName ?? '',
      operatingSystem: e.device?.operatingSystem ?? '',
      browser: e.device?.browser ?? '',
      isCompliant: false,
      isManaged: false,
      trustType: '',
    },
    location: {
      city: e.city ?? '',
      state: '',
      countryOrRegion: e.countryOrRegion ?? '',
      geoCoordinates: {},
    },
    appliedConditionalAccessPolicies: [],
  };
  if (version === 'beta') {
    r.signInEventTypes = [e.interactive ? 'interactiveUser' : 'nonInteractiveUser'];
    r.authenticationRequirement = e.mfa ? 'multiFactorAuthentication' : 'singleFactorAuthentication';
  } else {
    r.authenticationRequirement = e.mfa ? 'multiFactorAuthentication' : 'singleFactorAuthentication';
  }
  return r;
}

function idOf(e: FixtureSignIn): string {
  let h = 0x811c9dc5;
  for (const c of `${e.userId}|${e.createdDateTime}|${e.appDisplayName}|${e.interactive}|${e.errorCode ?? 0}`) {
    h = Math.imul(h ^ c.charCodeAt(0), 0x01000193) >>> 0;
  }
  const hex = h.toString(16).padStart(8, '0');
  return `${hex}-${hex.slice(0, 4)}-4${hex.slice(1, 4)}-8${hex.slice(4, 7)}-${hex}${hex.slice(0, 4)}0100`;
}

// ---------------------------------------------------------------------------------------------------
// $filter: the clauses the signIn resource supports, joined by `and`

type Clause =
  | { property: 'userId' | 'userPrincipalName' | 'appDisplayName' | 'ipAddress'; value: string }
  | { property: 'createdDateTime'; op: 'eq' | 'ge' | 'le'; at: number }
  | { property: 'status/errorCode'; value: number };

const STRING_PROPERTIES = ['userId', 'userPrincipalName', 'appDisplayName', 'ipAddress'] as const;
const ANY_NON_INTERACTIVE = /^signInEventTypes\/any\(\s*(\w+)\s*:\s*\1\s+eq\s+'(\w+)'\s*\)$/i;
const DATE_TIME = /^\d{4}-\d{2}-\d{2}(?:T\d{2}:\d{2}(?::\d{2}(?:\.\d{1,7})?)?(?:Z|[+-]\d{2}:\d{2}))?$/;

function badRequest(message: string): SignInLogError {
  return new SignInLogError(400, 'BadRequest', message);
}

/** Splits on ` and ` outside quotes and parentheses. */
function splitAnd(input: string): string[] {
  const parts: string[] = [];
  let depth = 0;
  let quoted = false;
  let start = 0;
  for (let i = 0; i < input.length; i++) {
    const c = input[i];
    if (c === "'") {
      if (quoted && input[i + 1] === "'") i++;
      else quoted = !quoted;
    } else if (!quoted && c === '(') depth++;
    else if (!quoted && c === ')') depth--;
    else if (!quoted && depth === 0 && /^\sand\s/i.test(input.slice(i, i + 5))) {
      parts.push(input.slice(start, i));
      start = i + 5;
      i += 4;
    }
  }
  if (quoted || depth !== 0) throw badRequest(`Invalid filter clause: Syntax error in '${input}'.`);
  parts.push(input.slice(start));
  return parts.map((p) => p.trim());
}

export function parseSignInFilter(
  input: string,
  beta: boolean,
): { clauses: Clause[]; nonInteractive: boolean } {
  if (!input.trim()) return { clauses: [], nonInteractive: false };
  const clauses: Clause[] = [];
  let nonInteractive = false;
  for (const part of splitAnd(input)) {
    const any = ANY_NON_INTERACTIVE.exec(part);
    if (/^signInEventTypes\b/i.test(part)) {
      if (!beta) {
        throw badRequest(
          "Invalid filter clause: Could not find a property named 'signInEventTypes' on type 'microsoft.graph.signIn'.",
        );
      }
      if (!any) throw badRequest(`Invalid filter clause: Syntax error in '${part}'.`);
      if (any[2] === 'nonInteractiveUser') nonInteractive = true;
      else if (any[2] !== 'interactiveUser')
        throw badRequest(`Invalid filter clause: unsupported value '${any[2]}'.`);
      continue;
    }
    const m = /^([A-Za-z/]+)\s+(eq|ge|le|gt|lt|ne)\s+(.+)$/i.exec(part);
    if (!m) throw badRequest(`Invalid filter clause: Syntax error in '${part}'.`);
    const [, name, rawOp, literal] = m;
    const op = rawOp.toLowerCase();
    const property = name.toLowerCase();
    const str = STRING_PROPERTIES.find((p) => p.toLowerCase() === property);
    if (str) {
      if (op !== 'eq') throw unsupported(str);
      clauses.push({ property: str, value: stringLiteral(literal, part) });
    } else if (property === 'createddatetime') {
      if (op !== 'eq' && op !== 'ge' && op !== 'le') throw unsupported('createdDateTime');
      if (!DATE_TIME.test(literal))
        throw badRequest(`Invalid filter clause: '${literal}' is not a DateTimeOffset.`);
      clauses.push({ property: 'createdDateTime', op, at: Date.parse(literal) });
    } else if (property === 'status/errorcode') {
      if (op !== 'eq') throw unsupported('status/errorCode');
      if (!/^-?\d+$/.test(literal)) throw badRequest(`Invalid filter clause: '${literal}' is not an Int32.`);
      clauses.push({ property: 'status/errorCode', value: Number(literal) });
    } else {
      throw unsupported(name);
    }
  }
  return { clauses, nonInteractive };
}

function unsupported(property: string): SignInLogError {
  return badRequest(
    `Invalid filter clause: unsupported query filter clause specified for property '${property}' of resource 'signIn'.`,
  );
}

function stringLiteral(literal: string, part: string): string {
  if (!/^'(?:[^']|'')*'$/.test(literal))
    throw badRequest(`Invalid filter clause: Syntax error in '${part}'.`);
  return literal.slice(1, -1).replace(/''/g, "'");
}

function matches(c: Clause, e: FixtureSignIn): boolean {
  switch (c.property) {
    case 'createdDateTime': {
      const at = Date.parse(e.createdDateTime);
      return c.op === 'eq' ? at === c.at : c.op === 'ge' ? at >= c.at : at <= c.at;
    }
    case 'status/errorCode':
      return (e.errorCode ?? 0) === c.value;
    default: {
      const v = e[c.property];
      return typeof v === 'string' && v.toLowerCase() === c.value.toLowerCase();
    }
  }
}

function pageSize(raw: string | null, max: number): number {
  if (raw === null) return max;
  const n = Number(raw);
  if (!/^\d+$/.test(raw) || n < 1 || n > MAX_PAGE) {
    throw badRequest(`Invalid page size specified: '${raw}'. Must be between 1 and ${MAX_PAGE} inclusive.`);
  }
  return Math.min(n, max);
}

function readSkipToken(raw: string | null): number {
  if (raw === null) return 0;
  try {
    const { offset } = JSON.parse(Buffer.from(raw, 'base64url').toString('utf8')) as { offset?: unknown };
    if (typeof offset === 'number' && Number.isInteger(offset) && offset >= 0) return offset;
  } catch {
    // fall through
  }
  throw new SignInLogError(400, 'Request_BadRequest', 'Invalid $skiptoken.');
}
