import type { TokenCredential } from '@azure/identity';
import { explainGraphFailure } from '../../src/domain/graphErrors';
import type { DirectoryUser } from '../../src/domain/types';
import { setAccountEnabled } from '../../src/graph/accountState';
import { GraphApi, GraphCallError } from '../../src/graph/client';
import {
  PER_USER_LOOKUP_LIMIT,
  markPrivileged,
  privilegedRolesOf,
  privilegedUsers,
} from '../../src/graph/roles';
import { makeTestCertificate } from '../support/cert';
import { trustingFetch } from '../support/trustingFetch';
import { type GraphStandInOptions, GraphStandIn } from '../support/graphStandIn';
import {
  ROLE_TEMPLATES,
  SAMPLE,
  type Tenant,
  fixtureGuid,
  largeTenant,
  sampleTenant,
} from '../support/tenantFixture';

/**
 * roles.ts and accountState.ts through the real Graph SDK (GraphApi) against the Graph stand-in over
 * https (the SDK's global fetch trusts the test certificate for the duration of this file).
 */

const TOKEN = 'roles-test-token';
const cert = makeTestCertificate();
const credential: TokenCredential = {
  getToken: async () => ({ token: TOKEN, expiresOnTimestamp: Date.now() + 3_600_000 }),
};

const originalFetch = globalThis.fetch;
beforeAll(() => {
  globalThis.fetch = trustingFetch(cert.cert);
});
afterAll(() => {
  globalThis.fetch = originalFetch;
});

let standIn: GraphStandIn;
let graph: GraphApi;

async function restart(options: Partial<GraphStandInOptions> = {}): Promise<void> {
  await standIn?.stop();
  standIn = new GraphStandIn({
    tenant: sampleTenant(),
    tls: cert,
    isValidToken: (t) => t === TOKEN,
    ...options,
  });
  const base = await standIn.start();
  graph = new GraphApi(credential, new URL(base).origin, { maxRetries: 0 });
}

beforeEach(() => restart());
afterAll(() => standIn.stop());

const asUser = (p: { id: string; upn: string; name: string }): DirectoryUser => ({
  id: p.id,
  displayName: p.name,
  userPrincipalName: p.upn,
});

async function failure(p: Promise<unknown>): Promise<GraphCallError> {
  const err = await p.then(
    () => undefined,
    (e: unknown) => e,
  );
  expect(err).toBeInstanceOf(GraphCallError);
  return err as GraphCallError;
}

const paths = () => standIn.requests.map((r) => r.path);

const ASSIGNMENTS = '/roleManagement/directory/roleAssignments';
const ELIGIBILITY = '/roleManagement/directory/roleEligibilityScheduleInstances';
const byPrincipal = (id: string) => `principalId eq '${id}'`;

describe('privilegedRolesOf', () => {
  it.each([
    ['a Global Administrator', SAMPLE.globalAdmin, ['Global Administrator']],
    [
      'a role held through a role-assignable group',
      SAMPLE.privilegedViaGroup,
      ['Privileged Authentication Administrator'],
    ],
    ['a User Administrator', SAMPLE.userAdmin, ['User Administrator']],
    ['a PIM-eligible Global Administrator', SAMPLE.eligibleGlobalAdmin, ['Global Administrator (eligible)']],
    [
      'a User Administrator of an administrative unit',
      SAMPLE.auUserAdmin,
      ['User Administrator (administrative unit)'],
    ],
    [
      'an eligibility held through a role-assignable group',
      SAMPLE.eligibleViaGroup,
      ['Security Administrator (eligible)'],
    ],
    ['a holder of a role that is not privileged', SAMPLE.roleHolder, []],
    ['a user eligible only for a role that is not privileged', { id: fixtureGuid('user:lee') }, []],
    ['a user without roles', SAMPLE.lester, []],
  ])('finds %s', async (_what, person, roles) => {
    expect(await privilegedRolesOf(graph, person.id)).toEqual(roles);
  });

  it('asks for role-assignable groups, then active and eligible roles of the user and of each group', async () => {
    const user = SAMPLE.privilegedViaGroup.id;
    const group = SAMPLE.privilegedHelpdeskGroupId;
    await privilegedRolesOf(graph, user);
    expect(standIn.requests[0]).toMatchObject({
      method: 'GET',
      path: `/users/${user}/transitiveMemberOf/microsoft.graph.group`,
      query: { $select: 'id,isAssignableToRole', $top: '999' },
    });
    const asked = standIn.requests.slice(1).map((r) => [r.path, r.query.$filter]);
    expect(asked.sort()).toEqual(
      [
        [ASSIGNMENTS, byPrincipal(group)],
        [ASSIGNMENTS, byPrincipal(user)],
        [ELIGIBILITY, byPrincipal(group)],
        [ELIGIBILITY, byPrincipal(user)],
      ].sort(),
    );
    expect(standIn.requests.every((r) => r.status === 200)).toBe(true);
  });

  it('names each role once: active before eligible, the tenant before an administrative unit', async () => {
    const tenant = sampleTenant();
    tenant.eligibleAssignments!.push(
      {
        principalId: SAMPLE.globalAdmin.id,
        roleTemplateId: ROLE_TEMPLATES.globalAdministrator,
        directoryScopeId: '/',
      },
      {
        principalId: SAMPLE.auUserAdmin.id,
        roleTemplateId: ROLE_TEMPLATES.userAdministrator,
        directoryScopeId: '/',
      },
    );
    tenant.groups
      .find((g) => g.id === SAMPLE.privilegedHelpdeskGroupId)!
      .memberIds.push(SAMPLE.globalAdmin.id);
    await restart({ tenant });
    expect(await privilegedRolesOf(graph, SAMPLE.globalAdmin.id)).toEqual([
      'Global Administrator',
      'Privileged Authentication Administrator',
    ]);
    // active in an administrative unit ranks before eligible for the tenant
    expect(await privilegedRolesOf(graph, SAMPLE.auUserAdmin.id)).toEqual([
      'User Administrator (administrative unit)',
    ]);
  });

  it('surfaces a 403 as GraphCallError, explained as the missing RoleManagement.Read.Directory', async () => {
    standIn.setPermissions(['User.Read.All', 'GroupMember.Read.All', 'User.RevokeSessions.All']);
    const err = await failure(privilegedRolesOf(graph, SAMPLE.eligibleGlobalAdmin.id));
    expect(err).toMatchObject({ status: 403, code: 'Authorization_RequestDenied' });
    expect(err.requestId).toMatch(/^[0-9a-f-]{36}$/);
    expect(explainGraphFailure(err, 'roles').text).toMatch(/RoleManagement\.Read\.Directory/);
  });

  it('fails closed when Graph hides whether groups are role-assignable (no GroupMember.Read.All)', async () => {
    standIn.setPermissions(['User.Read.All', 'RoleManagement.Read.Directory']);
    const err = await failure(privilegedRolesOf(graph, SAMPLE.privilegedViaGroup.id));
    expect(err).toMatchObject({ status: 403, code: 'Authorization_RequestDenied' });
    expect(err.message).toMatch(/GroupMember\.Read\.All/);
  });

  it('reads eligibility as none when the tenant has no Entra ID P2 (no PIM), and still finds active roles', async () => {
    await restart({ tenant: { ...sampleTenant(), pimLicensed: false } });
    expect(await privilegedRolesOf(graph, SAMPLE.eligibleGlobalAdmin.id)).toEqual([]);
    expect(await privilegedRolesOf(graph, SAMPLE.auUserAdmin.id)).toEqual([
      'User Administrator (administrative unit)',
    ]);
    expect(standIn.requests.filter((r) => r.path === ELIGIBILITY).map((r) => r.status)).toContain(400);
  });

  it('answers 404 for an unknown user as GraphCallError', async () => {
    const err = await failure(privilegedRolesOf(graph, 'nobody@contoso.com'));
    expect(err.status).toBe(404);
  });

  it.each([
    ['no list', { wrong: [] }],
    ['an assignment without its role', { value: [{ principalId: SAMPLE.globalAdmin.id }] }],
  ])('fails closed on an answer of unexpected shape: %s', async (_what, body) => {
    const odd = {
      call: async (_m: string, path: string) =>
        path.includes('transitiveMemberOf') ? { status: 200, body: { value: [] } } : { status: 200, body },
    } as unknown as GraphApi;
    const err = await failure(privilegedRolesOf(odd, SAMPLE.globalAdmin.id));
    expect(err).toMatchObject({ code: 'UnexpectedResponse' });
  });
});

describe('privilegedUsers', () => {
  it('maps every holder, active or eligible, at any scope, groups expanded, in a handful of calls', async () => {
    const holders = await privilegedUsers(graph);
    expect(Object.fromEntries(holders)).toEqual({
      [SAMPLE.globalAdmin.id]: ['Global Administrator'],
      [SAMPLE.privilegedViaGroup.id]: ['Privileged Authentication Administrator'],
      [SAMPLE.userAdmin.id]: ['User Administrator'],
      [SAMPLE.eligibleGlobalAdmin.id]: ['Global Administrator (eligible)'],
      [SAMPLE.auUserAdmin.id]: ['User Administrator (administrative unit)'],
      [SAMPLE.eligibleViaGroup.id]: ['Security Administrator (eligible)'],
    });
    // all assignments, all eligibility, the role-assignable groups, and the two that hold privileged roles
    expect(paths().sort()).toEqual(
      [
        ASSIGNMENTS,
        ELIGIBILITY,
        '/groups',
        `/groups/${SAMPLE.privilegedHelpdeskGroupId}/transitiveMembers/microsoft.graph.user`,
        `/groups/${SAMPLE.tierZeroStandbyGroupId}/transitiveMembers/microsoft.graph.user`,
      ].sort(),
    );
    expect(standIn.requests.find((r) => r.path === '/groups')!.query.$filter).toBe(
      'isAssignableToRole eq true',
    );
    expect(standIn.requests.every((r) => r.status === 200)).toBe(true);
  });

  it('expands a group that holds two roles once, and gives its users both', async () => {
    const tenant = sampleTenant();
    tenant.roles.push({
      id: '0b7a4c2d-1e3f-4a5b-8c6d-7e8f9a0b1c2d',
      roleTemplateId: ROLE_TEMPLATES.securityAdministrator,
      displayName: 'Security Administrator',
      memberIds: [SAMPLE.privilegedHelpdeskGroupId, SAMPLE.globalAdmin.id],
      privileged: true,
    });
    await restart({ tenant });
    const holders = await privilegedUsers(graph);
    expect(holders.get(SAMPLE.privilegedViaGroup.id)).toEqual([
      'Privileged Authentication Administrator',
      'Security Administrator',
    ]);
    expect(holders.get(SAMPLE.globalAdmin.id)).toEqual(['Global Administrator', 'Security Administrator']);
    expect(paths().filter((p) => p.startsWith(`/groups/${SAMPLE.privilegedHelpdeskGroupId}`))).toHaveLength(
      1,
    );
  });

  it('follows nextLink through assignments, eligibility and group members alike', async () => {
    const tenant: Tenant = largeTenant(2500);
    const everyone = tenant.users.map((u) => u.id);
    const tier1 = '3c1d2e4f-5a6b-4c7d-8e9f-0a1b2c3d4e5f';
    tenant.groups.push({
      id: tier1,
      displayName: 'Tier 1 Helpdesk',
      memberIds: everyone.slice(1200),
      isAssignableToRole: true,
    });
    const grant = (principalId: string, directoryScopeId = '/') => ({
      principalId,
      roleTemplateId: ROLE_TEMPLATES.helpdeskAdministrator,
      directoryScopeId,
    });
    tenant.scopedAssignments = everyone.slice(0, 250).map((id) => grant(id, '/administrativeUnits/x'));
    tenant.eligibleAssignments = [...everyone.slice(250, 500).map((id) => grant(id)), grant(tier1)];
    await restart({ tenant });
    const holders = await privilegedUsers(graph);
    expect(holders.size).toBe(250 + 250 + 1300);
    expect(holders.get(everyone[0])).toEqual(['Helpdesk Administrator (administrative unit)']);
    expect(holders.get(everyone[300])).toEqual(['Helpdesk Administrator (eligible)']);
    expect(holders.get(everyone[2000])).toEqual(['Helpdesk Administrator (eligible)']);
    expect(paths().filter((p) => p === ASSIGNMENTS).length).toBeGreaterThanOrEqual(3);
    expect(paths().filter((p) => p === ELIGIBILITY).length).toBeGreaterThanOrEqual(3);
    expect(paths().filter((p) => p.startsWith(`/groups/${tier1}`))).toHaveLength(2);
  });

  it('surfaces a 403 as GraphCallError', async () => {
    standIn.setPermissions(['User.Read.All', 'GroupMember.Read.All']);
    const err = await failure(privilegedUsers(graph));
    expect(err).toMatchObject({ status: 403, code: 'Authorization_RequestDenied' });
  });

  it('reads eligibility as none without Entra ID P2', async () => {
    await restart({ tenant: { ...sampleTenant(), pimLicensed: false } });
    const holders = await privilegedUsers(graph);
    expect(holders.has(SAMPLE.eligibleGlobalAdmin.id)).toBe(false);
    expect(holders.get(SAMPLE.auUserAdmin.id)).toEqual(['User Administrator (administrative unit)']);
  });
});

describe('markPrivileged', () => {
  it('asks per user for a few users', async () => {
    const users = [SAMPLE.globalAdmin, SAMPLE.lester, SAMPLE.eligibleGlobalAdmin].map(asUser);
    const marked = await markPrivileged(graph, users);
    expect(marked.map((u) => [u.displayName, u.privilegedRoles])).toEqual([
      ['Patti Fernandez', ['Global Administrator']],
      ['Lester Young', undefined],
      ['Wanda Howard', ['Global Administrator (eligible)']],
    ]);
    expect(paths().filter((p) => p.endsWith('/transitiveMemberOf/microsoft.graph.group'))).toHaveLength(3);
    expect(paths()).not.toContain('/groups');
  });

  it(`reads the roles once for more than ${PER_USER_LOOKUP_LIMIT} users`, async () => {
    const users = sampleTenant().users.map((u) => ({
      id: u.id.toUpperCase(),
      displayName: u.displayName,
      userPrincipalName: u.userPrincipalName,
    }));
    expect(users.length).toBeGreaterThan(PER_USER_LOOKUP_LIMIT);
    const marked = await markPrivileged(graph, users);
    const flagged = marked.filter((u) => u.privilegedRoles?.length).map((u) => u.displayName);
    expect(flagged.sort()).toEqual([
      'Alan Steiner',
      'Bianca Pisani',
      'Grady Archie',
      'Lidia Holloway',
      'Patti Fernandez',
      'Wanda Howard',
    ]);
    // the others are the very objects given: a tenant of 100,000 users is not copied
    const others = marked.filter((u) => !u.privilegedRoles);
    expect(others.length).toBe(users.length - flagged.length);
    expect(others.every((u) => users.includes(u))).toBe(true);
    expect(paths().some((p) => p.includes('transitiveMemberOf'))).toBe(false);
  });

  it('marks nobody for an empty list, without calling Graph', async () => {
    expect(await markPrivileged(graph, [])).toEqual([]);
    expect(paths()).toEqual([]);
  });
});

describe('setAccountEnabled', () => {
  it('blocks and unblocks sign-in with PATCH accountEnabled, returning the request-id', async () => {
    const blocked = await setAccountEnabled(graph, SAMPLE.lester.id, false);
    expect(blocked.requestId).toMatch(/^[0-9a-f-]{36}$/);
    expect(standIn.user(SAMPLE.lester.id)!.accountEnabled).toBe(false);
    const patch = standIn.requests.find((r) => r.method === 'PATCH')!;
    expect(patch).toMatchObject({ path: `/users/${SAMPLE.lester.id}`, status: 204 });

    await setAccountEnabled(graph, SAMPLE.lester.upn, true);
    expect(standIn.user(SAMPLE.lester.id)!.accountEnabled).toBe(true);
  });

  it('without User.EnableDisableAccount.All: 403, explained by name, nothing changed', async () => {
    standIn.setPermissions(['User.Read.All', 'User.RevokeSessions.All', 'GroupMember.Read.All']);
    const err = await failure(setAccountEnabled(graph, SAMPLE.lester.id, false));
    expect(err).toMatchObject({ status: 403, code: 'Authorization_RequestDenied' });
    expect(explainGraphFailure(err, 'block', 'Lester Young').text).toMatch(/User\.EnableDisableAccount\.All/);
    expect(standIn.user(SAMPLE.lester.id)!.accountEnabled).toBe(true);
  });

  it('refuses a privileged target unless the app may act on admins', async () => {
    const err = await failure(setAccountEnabled(graph, SAMPLE.globalAdmin.id, false));
    expect(err.status).toBe(403);
    expect(standIn.user(SAMPLE.globalAdmin.id)!.accountEnabled).toBe(true);

    await restart({ canRevokePrivileged: true });
    await setAccountEnabled(graph, SAMPLE.globalAdmin.id, false);
    expect(standIn.user(SAMPLE.globalAdmin.id)!.accountEnabled).toBe(false);
  });

  it('answers 404 for an unknown user', async () => {
    expect((await failure(setAccountEnabled(graph, 'nobody@contoso.com', false))).status).toBe(404);
  });
});
