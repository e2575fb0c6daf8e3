import { createHash } from 'node:crypto';
import type { FixtureSignIn, FixtureTokenLifetimePolicy } from './signInLogStandIn';

/**
 * The directory the Graph stand-in serves: a small contoso.com with every case the bot must handle
 * (nested groups, privileged roles held directly, through a role-assignable group, only eligible
 * through PIM or only in an administrative unit, a guest, a disabled account, a mail alias, ambiguous
 * and unusual names), and a generator of large tenants for benchmarks. Ids are deterministic, so tests, logs and the playground agree across runs.
 */

export interface FixtureUser {
  id: string;
  displayName: string;
  userPrincipalName: string;
  mail: string | null;
  accountEnabled: boolean;
  userType: 'Member' | 'Guest';
  /** ISO, UTC */
  signInSessionsValidFromDateTime: string;
}

export interface FixtureGroup {
  id: string;
  displayName: string;
  /** user or group ids (groups nest) */
  memberIds: string[];
  isAssignableToRole?: boolean;
}

export interface FixtureRole {
  /** the directoryRole object's id (differs from its template id, as in Entra) */
  id: string;
  roleTemplateId: string;
  displayName: string;
  /** users or role-assignable groups */
  memberIds: string[];
  /** Entra marks the role PRIVILEGED: revoking its holders needs Privileged Authentication Administrator */
  privileged: boolean;
}

/** A role granted to a principal at a scope, beyond the tenant-wide active members of `roles`. */
export interface FixtureRoleAssignment {
  /** a user or a role-assignable group */
  principalId: string;
  /** roleDefinitionId: for a built-in role, its template id */
  roleTemplateId: string;
  /** '/' for the whole tenant, '/administrativeUnits/{id}' for an administrative unit */
  directoryScopeId: string;
}

export interface Tenant {
  tenantId: string;
  primaryDomain: string;
  users: FixtureUser[];
  groups: FixtureGroup[];
  /** activated directory roles and their tenant-wide active members */
  roles: FixtureRole[];
  /** active assignments at other scopes (administrative units) */
  scopedAssignments?: FixtureRoleAssignment[];
  /** PIM eligibility (roleEligibilityScheduleInstances) */
  eligibleAssignments?: FixtureRoleAssignment[];
  /** default true; false: no Entra ID P2, so Graph refuses the PIM endpoints (400 AadPremiumLicenseRequired) */
  pimLicensed?: boolean;
  /** Identity Protection's risky users (only users Entra has ever held at risk have a record) */
  riskyUsers?: FixtureRiskyUser[];
  riskDetections?: FixtureRiskDetection[];
  /** default true; false: no Entra ID P2, so Graph answers the Identity Protection endpoints 403 */
  identityProtectionLicensed?: boolean;
  /** the sign-in logs (interactive and non-interactive entries) */
  signIns?: FixtureSignIn[];
  /** default true; false: no Entra ID P1/P2, so Graph refuses the sign-in logs (403) */
  signInLogsLicensed?: boolean;
  tokenLifetimePolicies?: FixtureTokenLifetimePolicy[];
}

/** A riskyUser record; Graph fills in the user's names from the directory. */
export interface FixtureRiskyUser {
  id: string;
  riskLevel: 'low' | 'medium' | 'high' | 'hidden' | 'none';
  riskState: 'atRisk' | 'confirmedCompromised' | 'dismissed' | 'remediated' | 'confirmedSafe' | 'none';
  riskDetail: string;
  /** ISO, UTC, with Graph's seven decimals */
  riskLastUpdatedDateTime: string;
}

export interface FixtureRiskDetection {
  id: string;
  userId: string;
  riskEventType: string;
  riskLevel: 'low' | 'medium' | 'high';
  detectedDateTime: string;
  ipAddress: string;
  location: { city: string; state: string; countryOrRegion: string };
}

export interface SamplePerson {
  id: string;
  upn: string;
  name: string;
}

/** A GUID that looks like a random (v4) one but is derived from `seed`. */
export function fixtureGuid(seed: string): string {
  const h = createHash('sha1').update(`signout-bot-fixture:${seed}`).digest('hex');
  const variant = ((parseInt(h[16], 16) & 0x3) | 0x8).toString(16);
  return `${h.slice(0, 8)}-${h.slice(8, 12)}-4${h.slice(13, 16)}-${variant}${h.slice(17, 20)}-${h.slice(20, 32)}`;
}

/** Microsoft's built-in role template ids (the same in every tenant). */
export const ROLE_TEMPLATES = {
  globalAdministrator: '62e90394-69f5-4237-9190-012177145e10',
  privilegedAuthenticationAdministrator: '7be44c8a-adaf-4e2a-84d6-ab2649e08a13',
  userAdministrator: 'fe930be7-5e62-47db-91af-98c3a49a38b1',
  helpdeskAdministrator: '729827e3-9c14-49f7-bb1b-9608f156bbb8',
  securityAdministrator: '194ae4cb-b126-40b2-bd5b-6091b380977d',
  messageCenterReader: '790c1fb9-7f7d-4f88-86a1-ef1f95c05c1b',
} as const;

const DOMAIN = 'contoso.com';
const TENANT_ID = 'c0a7f3e2-5b1d-4e8a-9f26-3d4b5a6c7e81';
const FOREIGN_TENANT_ID = 'f4b1c8d2-7e3a-4c59-8b16-2a9d0e4f6c73';

interface UserSpec {
  key: string;
  name: string;
  alias: string;
  /** default `${alias}@contoso.com`; null = no mailbox */
  mail?: string | null;
  upn?: string;
  enabled?: boolean;
  guest?: boolean;
  validFrom: string;
}

// prettier-ignore
const USER_SPECS: UserSpec[] = [
  { key: 'lester', name: 'Lester Young', alias: 'lester', validFrom: '2026-03-02T08:15:00Z' },
  { key: 'admin', name: 'Alex Wilber', alias: 'alexw', validFrom: '2026-01-12T07:30:11Z' },
  { key: 'secondAdmin', name: 'Megan Bowen', alias: 'meganb', validFrom: '2026-01-19T16:02:45Z' },
  { key: 'nonAdmin', name: 'Diego Siciliani', alias: 'diegos', validFrom: '2026-02-03T10:44:09Z' },
  { key: 'globalAdmin', name: 'Patti Fernandez', alias: 'pattif', validFrom: '2026-01-05T09:00:00Z' },
  { key: 'privilegedViaGroup', name: 'Grady Archie', alias: 'gradya', validFrom: '2026-02-14T14:14:14Z' },
  { key: 'userAdmin', name: 'Lidia Holloway', alias: 'lidiah', validFrom: '2026-02-20T11:25:37Z' },
  { key: 'roleHolder', name: 'Nestor Wilke', alias: 'nestorw', validFrom: '2026-02-21T08:05:52Z' },
  { key: 'eligibleGlobalAdmin', name: 'Wanda Howard', alias: 'wandah', validFrom: '2026-02-21T09:17:03Z' },
  { key: 'auUserAdmin', name: 'Alan Steiner', alias: 'alans', validFrom: '2026-02-21T10:28:14Z' },
  { key: 'eligibleViaGroup', name: 'Bianca Pisani', alias: 'biancap', validFrom: '2026-02-21T11:39:25Z' },
  {
    key: 'guest', name: 'Jordan Miller', alias: 'jordan', guest: true,
    upn: 'jordan_fabrikam.com#EXT#@contoso.com', mail: 'jordan@fabrikam.com', validFrom: '2026-02-27T18:40:03Z',
  },
  { key: 'disabled', name: 'Isaiah Langer', alias: 'isaiahl', enabled: false, validFrom: '2026-01-30T12:00:00Z' },
  {
    key: 'aliasUser', name: 'Johanna Lorenz', alias: 'johannal', mail: 'johanna.lorenz@contoso.com',
    validFrom: '2026-03-04T13:31:20Z',
  },
  { key: 'chrisGreenSales', name: 'Chris Green', alias: 'chris.green', validFrom: '2026-02-10T09:12:00Z' },
  { key: 'chrisGreenIt', name: 'Chris Green', alias: 'cgreen', validFrom: '2026-02-11T15:47:29Z' },
  { key: 'obrien', name: "Conor O'Brien", alias: 'conor.obrien', validFrom: '2026-02-24T07:58:41Z' },
  { key: 'zoe', name: 'Zoë Ångström', alias: 'zoe.angstrom', validFrom: '2026-02-25T17:03:16Z' },
  { key: 'liLei', name: '李雷', alias: 'lilei', validFrom: '2026-02-26T01:22:48Z' },
  { key: 'testUser1', name: 'Test User 1', alias: 'testuser1', mail: null, validFrom: '2026-03-01T00:00:01Z' },
  { key: 'testUser2', name: 'Test User 2', alias: 'testuser2', mail: null, validFrom: '2026-03-01T00:00:02Z' },
  { key: 'testUser3', name: 'Test User 3', alias: 'testuser3', mail: null, validFrom: '2026-03-01T00:00:03Z' },
  { key: 'testUser4', name: 'Test User 4', alias: 'testuser4', mail: null, validFrom: '2026-03-01T00:00:04Z' },
  { key: 'testUser5', name: 'Test User 5', alias: 'testuser5', mail: null, validFrom: '2026-03-01T00:00:05Z' },
  { key: 'testUser6', name: 'Test User 6', alias: 'testuser6', mail: null, validFrom: '2026-03-01T00:00:06Z' },
  { key: 'adele', name: 'Adele Vance', alias: 'adelev', validFrom: '2026-02-02T08:08:08Z' },
  { key: 'joni', name: 'Joni Sherman', alias: 'jonis', validFrom: '2026-02-05T12:30:00Z' },
  { key: 'lee', name: 'Lee Gu', alias: 'leeg', validFrom: '2026-02-06T09:45:12Z' },
  { key: 'lynne', name: 'Lynne Robbins', alias: 'lynner', validFrom: '2026-02-07T16:20:33Z' },
  { key: 'miriam', name: 'Miriam Graham', alias: 'miriamg', validFrom: '2026-02-08T10:10:10Z' },
  { key: 'pradeep', name: 'Pradeep Gupta', alias: 'pradeepg', validFrom: '2026-02-09T11:11:11Z' },
  { key: 'henrietta', name: 'Henrietta Mueller', alias: 'henriettam', validFrom: '2026-02-12T13:13:13Z' },
  { key: 'allan', name: 'Allan Deyoung', alias: 'allande', validFrom: '2026-02-13T08:48:02Z' },
  { key: 'debra', name: 'Debra Berger', alias: 'debrab', validFrom: '2026-02-16T14:02:59Z' },
  { key: 'irvin', name: 'Irvin Sayers', alias: 'irvins', validFrom: '2026-02-17T15:36:24Z' },
  { key: 'christie', name: 'Christie Cline', alias: 'christiec', validFrom: '2026-02-18T08:30:45Z' },
  { key: 'enrico', name: 'Enrico Cattaneo', alias: 'enricoc', validFrom: '2026-02-18T09:41:07Z' },
  { key: 'emily', name: 'Emily Braun', alias: 'emilyb', validFrom: '2026-02-18T10:52:19Z' },
  { key: 'gerhart', name: 'Gerhart Moller', alias: 'gerhartm', validFrom: '2026-02-19T07:03:31Z' },
  { key: 'brian', name: 'Brian Johnson', alias: 'brianj', validFrom: '2026-02-19T08:14:43Z' },
  { key: 'cameron', name: 'Cameron White', alias: 'cameronw', validFrom: '2026-02-19T09:25:55Z' },
  { key: 'delia', name: 'Delia Dennis', alias: 'deliad', validFrom: '2026-02-22T10:36:07Z' },
  { key: 'raul', name: 'Raul Razo', alias: 'raulr', validFrom: '2026-02-22T11:47:19Z' },
  { key: 'sanjay', name: 'Sanjay Shah', alias: 'sanjays', validFrom: '2026-02-23T12:58:31Z' },
  { key: 'ben', name: 'Ben Walters', alias: 'benw', validFrom: '2026-02-23T14:09:43Z' },
  { key: 'kat', name: 'Kat Larsson', alias: 'katl', validFrom: '2026-02-23T15:20:55Z' },
  { key: 'mona', name: 'Mona Kane', alias: 'monak', validFrom: '2026-02-28T16:32:07Z' },
];

const userId = (key: string) => fixtureGuid(`user:${key}`);
const groupId = (key: string) => fixtureGuid(`group:${key}`);
const roleId = (key: string) => fixtureGuid(`role:${key}`);

function buildUser(s: UserSpec): FixtureUser {
  const upn = s.upn ?? `${s.alias}@${DOMAIN}`;
  return {
    id: userId(s.key),
    displayName: s.name,
    userPrincipalName: upn,
    mail: s.mail === undefined ? upn : s.mail,
    accountEnabled: s.enabled ?? true,
    userType: s.guest ? 'Guest' : 'Member',
    signInSessionsValidFromDateTime: s.validFrom,
  };
}

const person = (key: string): SamplePerson => {
  const spec = USER_SPECS.find((s) => s.key === key);
  if (!spec) throw new Error(`no fixture user ${key}`);
  const u = buildUser(spec);
  return { id: u.id, upn: u.userPrincipalName, name: u.displayName };
};

const users = (...keys: string[]) => keys.map(userId);

const GROUPS = {
  adminGroupId: groupId('secops-admins'),
  secOpsOnCallGroupId: groupId('secops-on-call'),
  privilegedHelpdeskGroupId: groupId('privileged-helpdesk'),
  tierZeroStandbyGroupId: groupId('tier-0-standby'),
  migrationGroupId: groupId('migration-wave-1'),
  migrationPilotGroupId: groupId('migration-wave-1-pilot'),
  salesGroupId: groupId('sales'),
  allStaffGroupId: groupId('all-staff'),
};

function sampleGroups(): FixtureGroup[] {
  return [
    {
      id: GROUPS.adminGroupId,
      displayName: 'SecOps Admins',
      // Megan is an admin only through the nested on-call group
      memberIds: [...users('admin'), GROUPS.secOpsOnCallGroupId],
    },
    { id: GROUPS.secOpsOnCallGroupId, displayName: 'SecOps On-Call', memberIds: users('secondAdmin') },
    {
      id: GROUPS.privilegedHelpdeskGroupId,
      displayName: 'Privileged Helpdesk',
      memberIds: users('privilegedViaGroup'),
      isAssignableToRole: true,
    },
    {
      id: GROUPS.tierZeroStandbyGroupId,
      displayName: 'Tier 0 Standby',
      // eligible (PIM) for Security Administrator: its members may activate the role
      memberIds: users('eligibleViaGroup'),
      isAssignableToRole: true,
    },
    {
      id: GROUPS.migrationGroupId,
      displayName: 'Migration Wave 1',
      memberIds: [
        ...users('lester', 'testUser1', 'testUser2', 'testUser3', 'chrisGreenSales', 'obrien', 'zoe'),
        ...users('liLei', 'guest', 'disabled', 'aliasUser'),
        GROUPS.migrationPilotGroupId,
      ],
    },
    {
      id: GROUPS.migrationPilotGroupId,
      displayName: 'Migration Wave 1 - Pilot',
      // Lester is in both: transitive listings must return him once
      memberIds: users('adele', 'joni', 'lester'),
    },
    { id: GROUPS.salesGroupId, displayName: 'Sales', memberIds: users('chrisGreenSales', 'lynne', 'miriam') },
  ];
}

function sampleRoles(): FixtureRole[] {
  const role = (
    key: string,
    displayName: string,
    templateId: string,
    memberIds: string[],
    privileged: boolean,
  ) => ({
    id: roleId(key),
    roleTemplateId: templateId,
    displayName,
    memberIds,
    privileged,
  });
  return [
    role(
      'global-admin',
      'Global Administrator',
      ROLE_TEMPLATES.globalAdministrator,
      users('globalAdmin'),
      true,
    ),
    role(
      'privileged-auth-admin',
      'Privileged Authentication Administrator',
      ROLE_TEMPLATES.privilegedAuthenticationAdministrator,
      [GROUPS.privilegedHelpdeskGroupId],
      true,
    ),
    role('user-admin', 'User Administrator', ROLE_TEMPLATES.userAdministrator, users('userAdmin'), true),
    role(
      'message-center-reader',
      'Message Center Reader',
      ROLE_TEMPLATES.messageCenterReader,
      users('roleHolder'),
      false,
    ),
  ];
}

const EMEA_UNIT_ID = fixtureGuid('administrative-unit:emea');

function sampleScopedAssignments(): FixtureRoleAssignment[] {
  return [
    {
      principalId: userId('auUserAdmin'),
      roleTemplateId: ROLE_TEMPLATES.userAdministrator,
      directoryScopeId: `/administrativeUnits/${EMEA_UNIT_ID}`,
    },
  ];
}

function sampleEligibleAssignments(): FixtureRoleAssignment[] {
  return [
    {
      principalId: userId('eligibleGlobalAdmin'),
      roleTemplateId: ROLE_TEMPLATES.globalAdministrator,
      directoryScopeId: '/',
    },
    {
      principalId: GROUPS.tierZeroStandbyGroupId,
      roleTemplateId: ROLE_TEMPLATES.securityAdministrator,
      directoryScopeId: '/',
    },
    // not privileged: never flagged
    { principalId: userId('lee'), roleTemplateId: ROLE_TEMPLATES.messageCenterReader, directoryScopeId: '/' },
  ];
}

/**
 * Identity Protection in the sample tenant: Kat Larsson is at high risk (the playground's alert card),
 * Mona Kane at medium risk (below the default RISKY_USERS_MIN_LEVEL), Ben Walters' risk was dismissed.
 */
function sampleRiskyUsers(): FixtureRiskyUser[] {
  return [
    {
      id: userId('kat'),
      riskLevel: 'high',
      riskState: 'atRisk',
      riskDetail: 'none',
      riskLastUpdatedDateTime: '2026-11-22T06:41:12.3456789Z',
    },
    {
      id: userId('mona'),
      riskLevel: 'medium',
      riskState: 'atRisk',
      riskDetail: 'none',
      riskLastUpdatedDateTime: '2026-11-21T19:02:40.1234567Z',
    },
    {
      id: userId('ben'),
      riskLevel: 'none',
      riskState: 'dismissed',
      riskDetail: 'adminDismissedAllRiskForUser',
      riskLastUpdatedDateTime: '2026-11-20T09:15:00.0000000Z',
    },
  ];
}

function sampleRiskDetections(): FixtureRiskDetection[] {
  const detection = (
    n: number,
    key: string,
    riskEventType: string,
    riskLevel: FixtureRiskDetection['riskLevel'],
    detectedDateTime: string,
    ipAddress: string,
    location: FixtureRiskDetection['location'],
  ): FixtureRiskDetection => ({
    id: fixtureGuid(`risk-detection:${n}`),
    userId: userId(key),
    riskEventType,
    riskLevel,
    detectedDateTime,
    ipAddress,
    location,
  });
  const lagos = { city: 'Lagos', state: 'Lagos', countryOrRegion: 'NG' };
  const seattle = { city: 'Seattle', state: 'Washington', countryOrRegion: 'US' };
  return [
    detection(1, 'kat', 'unfamiliarFeatures', 'medium', '2026-11-22T05:02:11Z', '198.51.100.23', lagos),
    detection(2, 'kat', 'anonymizedIPAddress', 'medium', '2026-11-22T05:10:45Z', '185.220.101.4', {
      city: '',
      state: '',
      countryOrRegion: 'DE',
    }),
    detection(3, 'kat', 'unlikelyTravel', 'high', '2026-11-22T06:38:02Z', '198.51.100.23', lagos),
    detection(4, 'kat', 'passwordSpray', 'high', '2026-11-22T06:40:59Z', '203.0.113.77', seattle),
    detection(5, 'kat', 'leakedCredentials', 'high', '2026-11-21T23:00:00Z', '', {
      city: '',
      state: '',
      countryOrRegion: '',
    }),
    detection(6, 'kat', 'unfamiliarFeatures', 'low', '2026-11-18T08:00:00Z', '203.0.113.10', seattle),
    detection(7, 'mona', 'unfamiliarFeatures', 'medium', '2026-11-21T19:00:00Z', '192.0.2.44', seattle),
  ];
}

/** Everyone in the sample tenant the tests name, plus group ids. */
export const SAMPLE = {
  tenantId: TENANT_ID,
  /** a tenant the bot must refuse */
  foreignTenantId: FOREIGN_TENANT_ID,
  primaryDomain: DOMAIN,
  initialDomain: 'contoso.onmicrosoft.com',
  organizationName: 'Contoso',
  /** the usual target */
  lester: person('lester'),
  /** direct member of SecOps Admins */
  admin: person('admin'),
  /** member of SecOps Admins through the nested group SecOps On-Call */
  secondAdmin: person('secondAdmin'),
  /** in no admin group */
  nonAdmin: person('nonAdmin'),
  /** Global Administrator (privileged) */
  globalAdmin: person('globalAdmin'),
  /** Privileged Authentication Administrator through the role-assignable group Privileged Helpdesk */
  privilegedViaGroup: person('privilegedViaGroup'),
  /** User Administrator (privileged) */
  userAdmin: person('userAdmin'),
  /** Message Center Reader, a role that is not privileged: revoking works */
  roleHolder: person('roleHolder'),
  /** eligible (PIM) for Global Administrator, not active */
  eligibleGlobalAdmin: person('eligibleGlobalAdmin'),
  /** User Administrator of the administrative unit EMEA (active, not tenant-wide) */
  auUserAdmin: person('auUserAdmin'),
  /** eligible for Security Administrator through the role-assignable group Tier 0 Standby */
  eligibleViaGroup: person('eligibleViaGroup'),
  /** role-assignable, eligible for Security Administrator */
  tierZeroStandbyGroupId: GROUPS.tierZeroStandbyGroupId,
  emeaUnitId: EMEA_UNIT_ID,
  /** B2B guest from fabrikam.com */
  guest: person('guest'),
  /** at high risk in Identity Protection, with six risk detections */
  riskyKat: person('kat'),
  /** at medium risk */
  riskyMona: person('mona'),
  /** risk dismissed */
  dismissedBen: person('ben'),
  /** accountEnabled false */
  disabled: person('disabled'),
  /** mail johanna.lorenz@contoso.com differs from the UPN johannal@contoso.com */
  aliasUser: person('aliasUser'),
  aliasMail: 'johanna.lorenz@contoso.com',
  /** two different users with the display name "Chris Green" */
  chrisGreens: [person('chrisGreenSales'), person('chrisGreenIt')],
  obrien: person('obrien'),
  zoe: person('zoe'),
  liLei: person('liLei'),
  /** "Test User 1" … "Test User 6", no mailbox */
  testUsers: [1, 2, 3, 4, 5, 6].map((n) => person(`testUser${n}`)),
  /** SecOps Admins: Alex Wilber directly, Megan Bowen through SecOps On-Call */
  adminGroupId: GROUPS.adminGroupId,
  secOpsOnCallGroupId: GROUPS.secOpsOnCallGroupId,
  privilegedHelpdeskGroupId: GROUPS.privilegedHelpdeskGroupId,
  /** Migration Wave 1: 11 direct users + the nested group Migration Wave 1 - Pilot */
  migrationGroupId: GROUPS.migrationGroupId,
  migrationPilotGroupId: GROUPS.migrationPilotGroupId,
  /** every user in Migration Wave 1, transitively, each once (includes the guest and the disabled user) */
  migrationMemberIds: [
    ...users('lester', 'testUser1', 'testUser2', 'testUser3', 'chrisGreenSales', 'obrien', 'zoe'),
    ...users('liLei', 'guest', 'disabled', 'aliasUser', 'adele', 'joni'),
  ],
  salesGroupId: GROUPS.salesGroupId,
  /** largeTenant() only: everyone */
  allStaffGroupId: GROUPS.allStaffGroupId,
  roleTemplates: ROLE_TEMPLATES,
};

/** The sample tenant; a fresh deep copy each call, so a test's revokes never leak into another's. */
export function sampleTenant(): Tenant {
  return {
    tenantId: TENANT_ID,
    primaryDomain: DOMAIN,
    users: USER_SPECS.map(buildUser),
    groups: sampleGroups(),
    roles: sampleRoles(),
    scopedAssignments: sampleScopedAssignments(),
    eligibleAssignments: sampleEligibleAssignments(),
    riskyUsers: sampleRiskyUsers(),
    riskDetections: sampleRiskDetections(),
  };
}

// prettier-ignore
const FIRST_NAMES = [
  'Ava', 'Ben', 'Carla', 'Dmitri', 'Elif', 'Farah', 'Goran', 'Hana', 'Ivan', 'Jun', 'Kofi', 'Lena', 'Mateo',
  'Noor', 'Olga', 'Priya', 'Quinn', 'Rafael', 'Sofia', 'Tomás', 'Uma', 'Viktor', 'Wen', 'Yusuf', 'Zara',
];
// prettier-ignore
const LAST_NAMES = [
  'Adams', 'Bauer', 'Chen', 'Dubois', 'Eriksen', 'Fischer', 'Garcia', 'Haddad', 'Ito', 'Jansen', 'Kowalski',
  'Larsen', 'Moreau', 'Novak', 'Okafor', 'Petrov', 'Rossi', 'Silva', 'Tanaka', 'Ueda', 'Varga', 'Weber',
];

/**
 * A contoso-like tenant of exactly `userCount` users for benchmarks: the sample's admin (same id, in
 * SecOps Admins, so the sandbox's ADMIN_GROUP_ID works) plus generated members, and one group
 * "All Staff" (SAMPLE.allStaffGroupId) with everyone. No privileged roles, so every revoke can succeed.
 */
export function largeTenant(userCount: number): Tenant {
  if (!Number.isInteger(userCount) || userCount < 1)
    throw new RangeError('userCount must be a positive integer');
  const admin = buildUser(USER_SPECS.find((s) => s.key === 'admin')!);
  const generated: FixtureUser[] = [];
  for (let i = 1; i < userCount; i++) {
    const first = FIRST_NAMES[i % FIRST_NAMES.length];
    const last = LAST_NAMES[Math.floor(i / FIRST_NAMES.length) % LAST_NAMES.length];
    const upn = `${asciiAlias(first)}.${asciiAlias(last)}${i}@${DOMAIN}`;
    generated.push({
      id: fixtureGuid(`large:user:${i}`),
      displayName: `${first} ${last}`,
      userPrincipalName: upn,
      mail: upn,
      accountEnabled: true,
      userType: 'Member',
      signInSessionsValidFromDateTime: '2026-01-01T00:00:00Z',
    });
  }
  const all = [admin, ...generated];
  return {
    tenantId: TENANT_ID,
    primaryDomain: DOMAIN,
    users: all,
    groups: [
      { id: GROUPS.adminGroupId, displayName: 'SecOps Admins', memberIds: [admin.id] },
      { id: GROUPS.allStaffGroupId, displayName: 'All Staff', memberIds: all.map((u) => u.id) },
    ],
    roles: [],
  };
}

function asciiAlias(name: string): string {
  return name
    .normalize('NFD')
    .replace(/[\u0300-\u036f]/g, '')
    .toLowerCase();
}
