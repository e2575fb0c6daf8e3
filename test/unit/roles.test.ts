import type { TokenCredential } from '@azure/identity';
import { explainGraphFailure } from '../../src/core/graphErrors';
import type { DirectoryUser } from '../../src/core/types';
import { accountEnabledOf, setAccountEnabled } from '../../src/graph/accountState';
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
import { ROLE_TEMPLATES, SAMPLE, type Tenant, largeTenant, sampleTenant } from '../support/tenantFixture';

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

describe('privilegedRolesOf', () => {
  it.each([
    ['a Global Administrator', SAMPLE.globalAdmin, ['Global Administrator']],
    [
      'a role held through a role-assignable group',
      SAMPLE.privilegedViaGroup,
      ['Privileged Authentication Administrator'],
    ],
    ['a User Administrator', SAMPLE.userAdmin, ['User Administrator']],
    ['a holder of a role that is not privileged', SAMPLE.roleHolder, []],
    ['a user without roles', SAMPLE.lester, []],
  ])('finds %s', async (_what, person, roles) => {
    expect(await privilegedRolesOf(graph, person.id)).toEqual(roles);
  });

  it('asks transitiveMemberOf for roles with $select, in one call', async () => {
    await privilegedRolesOf(graph, SAMPLE.globalAdmin.upn);
    expect(standIn.requests).toEqual([
      expect.objectContaining({
        method: 'GET',
        path: `/users/${SAMPLE.globalAdmin.upn}/transitiveMemberOf/microsoft.graph.directoryRole`,
        query: { $select: 'displayName,roleTemplateId' },
        status: 200,
      }),
    ]);
  });

  it('lists each role once, direct and through a group alike', async () => {
    const tenant = sampleTenant();
    tenant.groups
      .find((g) => g.id === SAMPLE.privilegedHelpdeskGroupId)!
      .memberIds.push(SAMPLE.globalAdmin.id);
    tenant.roles
      .find((r) => r.roleTemplateId === ROLE_TEMPLATES.globalAdministrator)!
      .memberIds.push(SAMPLE.privilegedHelpdeskGroupId);
    await restart({ tenant });
    expect(await privilegedRolesOf(graph, SAMPLE.globalAdmin.id)).toEqual([
      'Global Administrator',
      'Privileged Authentication Administrator',
    ]);
  });

  it('surfaces a 403 as GraphCallError, explained as the missing RoleManagement.Read.Directory', async () => {
    standIn.setPermissions(['User.Read.All', 'GroupMember.Read.All', 'User.RevokeSessions.All']);
    const err = await failure(privilegedRolesOf(graph, SAMPLE.globalAdmin.id));
    expect(err).toMatchObject({ status: 403, code: 'Authorization_RequestDenied' });
    expect(err.requestId).toMatch(/^[0-9a-f-]{36}$/);
    expect(explainGraphFailure(err, 'roles').text).toMatch(/RoleManagement\.Read\.Directory/);
  });

  it('answers 404 for an unknown user as GraphCallError', async () => {
    const err = await failure(privilegedRolesOf(graph, 'nobody@contoso.com'));
    expect(err.status).toBe(404);
  });

  it('fails closed when Graph returns roles with limited information (no template id)', async () => {
    const limited = {
      call: async () => ({
        status: 200,
        body: { value: [{ '@odata.type': '#microsoft.graph.directoryRole', id: 'x' }] },
      }),
    } as unknown as GraphApi;
    const err = await failure(privilegedRolesOf(limited, SAMPLE.globalAdmin.id));
    expect(err).toMatchObject({ status: 403, code: 'Authorization_RequestDenied' });
    expect(err.message).toMatch(/RoleManagement\.Read\.Directory/);
  });
});

describe('privilegedUsers', () => {
  it('maps every holder of a privileged role, groups expanded, in a handful of calls', async () => {
    const holders = await privilegedUsers(graph);
    expect(Object.fromEntries(holders)).toEqual({
      [SAMPLE.globalAdmin.id]: ['Global Administrator'],
      [SAMPLE.privilegedViaGroup.id]: ['Privileged Authentication Administrator'],
      [SAMPLE.userAdmin.id]: ['User Administrator'],
    });
    // the list of roles, the members of the three privileged ones, the one role-assignable group
    expect(paths()).toHaveLength(5);
    expect(paths()[0]).toBe('/directoryRoles');
    expect(standIn.requests[0].query).toEqual({ $select: 'id,displayName,roleTemplateId' });
    expect(paths().filter((p) => p.endsWith('/members'))).toHaveLength(3);
    expect(paths()).toContain(
      `/groups/${SAMPLE.privilegedHelpdeskGroupId}/transitiveMembers/microsoft.graph.user`,
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
    expect(paths().filter((p) => p.startsWith('/groups/'))).toHaveLength(1);
  });

  it('follows nextLink through role members and group members alike', async () => {
    const tenant: Tenant = largeTenant(2500);
    const everyone = tenant.users.map((u) => u.id);
    tenant.groups.push({
      id: '3c1d2e4f-5a6b-4c7d-8e9f-0a1b2c3d4e5f',
      displayName: 'Tier 1 Helpdesk',
      memberIds: everyone.slice(1200),
      isAssignableToRole: true,
    });
    tenant.roles.push({
      id: '6e5d4c3b-2a19-4f8e-9d7c-6b5a49382716',
      roleTemplateId: ROLE_TEMPLATES.helpdeskAdministrator,
      displayName: 'Helpdesk Administrator',
      memberIds: [...everyone.slice(0, 1200), '3c1d2e4f-5a6b-4c7d-8e9f-0a1b2c3d4e5f'],
      privileged: true,
    });
    await restart({ tenant });
    const holders = await privilegedUsers(graph);
    expect(holders.size).toBe(2500);
    expect(paths().filter((p) => p.endsWith('/members'))).toHaveLength(2);
    expect(paths().filter((p) => p.startsWith('/groups/'))).toHaveLength(2);
  });

  it('surfaces a 403 as GraphCallError', async () => {
    standIn.setPermissions(['User.Read.All', 'GroupMember.Read.All']);
    const err = await failure(privilegedUsers(graph));
    expect(err).toMatchObject({ status: 403, code: 'Authorization_RequestDenied' });
  });
});

describe('markPrivileged', () => {
  it('asks per user for a few users', async () => {
    const users = [SAMPLE.globalAdmin, SAMPLE.lester, SAMPLE.privilegedViaGroup].map(asUser);
    const marked = await markPrivileged(graph, users);
    expect(marked.map((u) => [u.displayName, u.privilegedRoles])).toEqual([
      ['Patti Fernandez', ['Global Administrator']],
      ['Lester Young', []],
      ['Grady Archie', ['Privileged Authentication Administrator']],
    ]);
    expect(paths().every((p) => p.endsWith('/transitiveMemberOf/microsoft.graph.directoryRole'))).toBe(true);
    expect(paths()).toHaveLength(3);
  });

  it(`reads the roles once for more than ${PER_USER_LOOKUP_LIMIT} users`, async () => {
    const users = sampleTenant().users.map((u) => ({
      id: u.id.toUpperCase(),
      displayName: u.displayName,
      userPrincipalName: u.userPrincipalName,
    }));
    expect(users.length).toBeGreaterThan(PER_USER_LOOKUP_LIMIT);
    const marked = await markPrivileged(graph, users);
    const flagged = marked.filter((u) => u.privilegedRoles!.length > 0).map((u) => u.displayName);
    expect(flagged.sort()).toEqual(['Grady Archie', 'Lidia Holloway', 'Patti Fernandez']);
    expect(marked.every((u) => Array.isArray(u.privilegedRoles))).toBe(true);
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
    expect(await accountEnabledOf(graph, SAMPLE.lester.id)).toBe(false);
    const patch = standIn.requests.find((r) => r.method === 'PATCH')!;
    expect(patch).toMatchObject({ path: `/users/${SAMPLE.lester.id}`, status: 204 });

    await setAccountEnabled(graph, SAMPLE.lester.upn, true);
    expect(await accountEnabledOf(graph, SAMPLE.lester.id)).toBe(true);
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
