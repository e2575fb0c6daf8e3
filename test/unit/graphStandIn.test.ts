import * as https from 'node:https';
import { makeTestCertificate } from '../support/cert';
import { type GraphStandInOptions, GraphStandIn } from '../support/graphStandIn';
import { ROLE_TEMPLATES, SAMPLE, largeTenant, sampleTenant } from '../support/tenantFixture';

const TOKEN = 'valid-token';
const NOW = new Date('2026-11-22T12:34:56.789Z');
const cert = makeTestCertificate();

interface Answer {
  status: number;
  headers: Record<string, string | string[] | undefined>;
  text: string;
  body: any;
}

/** One https request trusting the test certificate (no NODE_TLS_REJECT_UNAUTHORIZED). */
function request(
  url: string,
  o: { method?: string; token?: string | null; headers?: Record<string, string>; body?: unknown } = {},
): Promise<Answer> {
  const data = o.body === undefined ? undefined : JSON.stringify(o.body);
  const headers: Record<string, string> = { ...o.headers };
  if (o.token !== null) headers.Authorization = `Bearer ${o.token ?? TOKEN}`;
  if (data) headers['Content-Type'] = 'application/json';
  return new Promise((resolve, reject) => {
    const req = https.request(url, { method: o.method ?? 'GET', ca: cert.cert, headers }, (res) => {
      let text = '';
      res.setEncoding('utf8');
      res.on('data', (c: string) => (text += c));
      res.on('end', () => {
        const json = (res.headers['content-type'] ?? '').startsWith('application/json');
        resolve({
          status: res.statusCode ?? 0,
          headers: res.headers,
          text,
          body: json ? JSON.parse(text) : text,
        });
      });
    });
    req.on('error', reject);
    req.end(data);
  });
}

describe('GraphStandIn', () => {
  let graph: GraphStandIn;
  let base: string;
  const get = (path: string, o: Parameters<typeof request>[1] = {}) => request(`${base}${path}`, o);
  const post = (path: string, body: unknown = {}, o: Parameters<typeof request>[1] = {}) =>
    request(`${base}${path}`, { ...o, method: 'POST', body });
  const revoke = (id: string) => post(`/users/${encodeURIComponent(id)}/revokeSignInSessions`);

  async function restart(options: Partial<GraphStandInOptions> = {}): Promise<void> {
    await graph?.stop();
    graph = new GraphStandIn({
      tenant: sampleTenant(),
      tls: cert,
      isValidToken: (t) => t === TOKEN,
      now: () => NOW,
      ...options,
    });
    base = await graph.start();
  }

  beforeEach(() => restart());
  afterAll(() => graph.stop());

  describe('authentication and envelope', () => {
    it('refuses a request without a bearer token, in Graph error shape with request ids', async () => {
      const res = await get(`/users/${SAMPLE.lester.id}`, { token: null });
      expect(res.status).toBe(401);
      expect(res.body.error.code).toBe('InvalidAuthenticationToken');
      expect(res.body.error.innerError['request-id']).toBe(res.headers['request-id']);
      expect(res.body.error.innerError.date).toBe('2026-11-22T12:34:56');
      expect(res.headers['www-authenticate']).toMatch(/^Bearer /);
    });

    it('refuses a token the identity stand-in did not issue', async () => {
      const res = await get(`/users/${SAMPLE.lester.id}`, { token: 'forged' });
      expect(res.status).toBe(401);
      expect(res.body.error.code).toBe('InvalidAuthenticationToken');
    });

    it('echoes client-request-id and records requests without the authorization header', async () => {
      const res = await get(`/users/${SAMPLE.lester.id}`, { headers: { 'client-request-id': 'abc-123' } });
      expect(res.status).toBe(200);
      expect(res.headers['client-request-id']).toBe('abc-123');
      expect(res.headers['request-id']).toMatch(/^[0-9a-f-]{36}$/);
      const [recorded] = graph.requests;
      expect(recorded).toMatchObject({
        method: 'GET',
        path: `/users/${SAMPLE.lester.id}`,
        status: 200,
        inBatch: false,
      });
      expect(recorded.headers.authorization).toBeUndefined();
      expect(recorded.headers['client-request-id']).toBe('abc-123');
    });

    it('answers an unknown segment like Graph, and serves /beta the same way', async () => {
      const res = await get('/users/x/frobnicate');
      expect(res.status).toBe(400);
      expect(res.body.error).toMatchObject({
        code: 'BadRequest',
        message: "Resource not found for the segment 'frobnicate'.",
      });
      const beta = await request(`${base.replace('/v1.0', '/beta')}/users/${SAMPLE.lester.id}`);
      expect(beta.status).toBe(200);
      expect(beta.body['@odata.context']).toBe('https://graph.microsoft.com/beta/$metadata#users/$entity');
    });
  });

  describe('users', () => {
    it('returns default properties only: no accountEnabled nor sign-in time unless selected', async () => {
      const res = await get(`/users/${encodeURIComponent('LESTER@contoso.com')}`);
      expect(res.status).toBe(200);
      expect(res.body).toMatchObject({ id: SAMPLE.lester.id, userPrincipalName: 'lester@contoso.com' });
      expect(res.body).not.toHaveProperty('accountEnabled');
      expect(res.body).not.toHaveProperty('signInSessionsValidFromDateTime');
    });

    it('returns exactly the $select-ed properties, with the projection in @odata.context', async () => {
      const res = await get(
        `/users/${SAMPLE.lester.id}?$select=signInSessionsValidFromDateTime,accountEnabled`,
      );
      expect(res.body).toEqual({
        '@odata.context':
          'https://graph.microsoft.com/v1.0/$metadata#users(signInSessionsValidFromDateTime,accountEnabled)/$entity',
        signInSessionsValidFromDateTime: '2026-03-02T08:15:00Z',
        accountEnabled: true,
      });
      const bad = await get(`/users/${SAMPLE.lester.id}?$select=nope`);
      expect(bad.status).toBe(400);
    });

    it('finds a guest by a UPN with #EXT# encoded', async () => {
      const res = await get(`/users/${encodeURIComponent(SAMPLE.guest.upn)}?$select=id,userType,mail`);
      expect(res.status).toBe(200);
      expect(res.body).toMatchObject({ id: SAMPLE.guest.id, userType: 'Guest', mail: 'jordan@fabrikam.com' });
    });

    it("answers 404 with Graph's body for an unknown user", async () => {
      const res = await get('/users/nobody@contoso.com');
      expect(res.status).toBe(404);
      expect(res.body).toEqual({
        error: {
          code: 'Request_ResourceNotFound',
          message:
            "Resource 'nobody@contoso.com' does not exist or one of its queried reference-property objects are not present.",
          innerError: {
            date: '2026-11-22T12:34:56',
            'request-id': res.headers['request-id'],
            'client-request-id': res.headers['client-request-id'],
          },
        },
      });
    });

    it('needs User.Read.All', async () => {
      graph.setPermissions(['User.RevokeSessions.All']);
      const res = await get(`/users/${SAMPLE.lester.id}`);
      expect(res.status).toBe(403);
      expect(res.body.error).toMatchObject({
        code: 'Authorization_RequestDenied',
        message: 'Insufficient privileges to complete the operation.',
      });
    });

    it('enables and disables an account with PATCH, given the permission', async () => {
      const res = await request(`${base}/users/${SAMPLE.lester.id}`, {
        method: 'PATCH',
        body: { accountEnabled: false },
      });
      expect(res.status).toBe(204);
      expect(graph.user(SAMPLE.lester.upn)?.accountEnabled).toBe(false);
      graph.setPermissions(['User.Read.All']);
      const denied = await request(`${base}/users/${SAMPLE.lester.id}`, {
        method: 'PATCH',
        body: { accountEnabled: true },
      });
      expect(denied.status).toBe(403);
      expect(graph.user(SAMPLE.lester.id)?.accountEnabled).toBe(false);
    });
  });

  describe('$filter', () => {
    const filter = (f: string) => get(`/users?$filter=${encodeURIComponent(f)}&$select=id,displayName`);
    const ids = (res: Answer) => res.body.value.map((u: { id: string }) => u.id).sort();

    it('matches an escaped quote and non-ASCII names exactly', async () => {
      expect(ids(await filter("displayName eq 'Conor O''Brien'"))).toEqual([SAMPLE.obrien.id]);
      expect(ids(await filter("displayName eq '李雷'"))).toEqual([SAMPLE.liLei.id]);
      expect(ids(await filter("displayName eq 'zoë ångström'"))).toEqual([SAMPLE.zoe.id]);
    });

    it('finds a user by mail alias, by ambiguous name, by prefix and by id list', async () => {
      expect(ids(await filter(`mail eq '${SAMPLE.aliasMail}'`))).toEqual([SAMPLE.aliasUser.id]);
      expect(ids(await filter("displayName eq 'Chris Green'"))).toEqual(
        SAMPLE.chrisGreens.map((p) => p.id).sort(),
      );
      expect((await filter("startswith(displayName,'Test User')")).body.value).toHaveLength(6);
      const pair = [SAMPLE.lester.id, SAMPLE.guest.id];
      expect(ids(await filter(`id in ('${pair[0]}', '${pair[1]}')`))).toEqual([...pair].sort());
      expect(
        ids(await filter(`mail eq 'lester@contoso.com' or userPrincipalName eq '${SAMPLE.admin.upn}'`)),
      ).toEqual([SAMPLE.lester.id, SAMPLE.admin.id].sort());
    });

    it.each([
      ["mail eq 'x' or 1 eq 1'"],
      ["displayName eq 'Conor O'Brien'"],
      ["displayName eq 'unterminated"],
      ["jobTitle eq 'x'"],
      ["displayName ne 'x'"],
      ['accountEnabled eq 1'],
      [''],
    ])('refuses %j with 400 instead of matching anyone', async (f) => {
      const res = await filter(f);
      expect(res.status).toBe(400);
      expect(res.body.error.code).toBe('BadRequest');
      expect(res.body.error.message).toMatch(/^Invalid filter clause/);
    });

    it('filters groups by display name', async () => {
      const res = await get(`/groups?$filter=${encodeURIComponent("displayName eq 'secops admins'")}`);
      expect(res.body.value.map((g: { id: string }) => g.id)).toEqual([SAMPLE.adminGroupId]);
    });
  });

  describe('revokeSignInSessions', () => {
    it('moves signInSessionsValidFromDateTime to now, to the second, and answers true', async () => {
      const res = await revoke(SAMPLE.lester.upn);
      expect(res.status).toBe(200);
      expect(res.body).toEqual({
        '@odata.context': 'https://graph.microsoft.com/v1.0/$metadata#Edm.Boolean',
        value: true,
      });
      const read = await get(`/users/${SAMPLE.lester.id}?$select=signInSessionsValidFromDateTime`);
      expect(read.body.signInSessionsValidFromDateTime).toBe('2026-11-22T12:34:56Z');
      expect(graph.revokeCount(SAMPLE.lester.id)).toBe(1);
    });

    it('accepts a guest but changes nothing', async () => {
      const before = graph.user(SAMPLE.guest.id)!.signInSessionsValidFromDateTime;
      const res = await revoke(SAMPLE.guest.id);
      expect(res.status).toBe(200);
      expect(graph.user(SAMPLE.guest.id)!.signInSessionsValidFromDateTime).toBe(before);
    });

    it('refuses privileged role holders, directly or through a role-assignable group', async () => {
      for (const p of [SAMPLE.globalAdmin, SAMPLE.privilegedViaGroup]) {
        const res = await revoke(p.id);
        expect(res.status).toBe(403);
        expect(res.body.error.code).toBe('Authorization_RequestDenied');
        expect(graph.revokeCount(p.id)).toBe(0);
      }
      expect((await revoke(SAMPLE.roleHolder.id)).status).toBe(200);
    });

    it('revokes privileged holders when the app may', async () => {
      await restart({ canRevokePrivileged: true });
      expect((await revoke(SAMPLE.globalAdmin.id)).status).toBe(200);
      expect(graph.user(SAMPLE.globalAdmin.id)!.signInSessionsValidFromDateTime).toBe('2026-11-22T12:34:56Z');
    });

    it('needs User.RevokeSessions.All, and answers 404 for an unknown user', async () => {
      expect((await revoke('00000000-0000-4000-8000-000000000000')).status).toBe(404);
      graph.setPermissions(['User.Read.All']);
      expect((await revoke(SAMPLE.lester.id)).status).toBe(403);
      expect(graph.revokeCount(SAMPLE.lester.id)).toBe(0);
    });
  });

  describe('membership and roles', () => {
    const check = (userId: string) =>
      post(`/users/${userId}/checkMemberGroups`, { groupIds: [SAMPLE.adminGroupId, SAMPLE.salesGroupId] });

    it('checkMemberGroups is transitive', async () => {
      expect((await check(SAMPLE.admin.id)).body.value).toEqual([SAMPLE.adminGroupId]);
      expect((await check(SAMPLE.secondAdmin.id)).body.value).toEqual([SAMPLE.adminGroupId]);
      expect((await check(SAMPLE.nonAdmin.id)).body.value).toEqual([]);
      expect((await check('nobody@contoso.com')).status).toBe(404);
      graph.setPermissions(['User.Read.All']);
      expect((await check(SAMPLE.admin.id)).status).toBe(403);
    });

    it('lists directory roles held through a role-assignable group', async () => {
      const res = await get(
        `/users/${SAMPLE.privilegedViaGroup.id}/transitiveMemberOf/microsoft.graph.directoryRole`,
      );
      expect(res.body.value).toEqual([
        expect.objectContaining({
          displayName: 'Privileged Authentication Administrator',
          roleTemplateId: '7be44c8a-adaf-4e2a-84d6-ab2649e08a13',
        }),
      ]);
      expect(
        (await get(`/users/${SAMPLE.lester.id}/transitiveMemberOf/microsoft.graph.directoryRole`)).body.value,
      ).toEqual([]);
    });

    it('pages through transitive members, nested groups expanded, each user once', async () => {
      const seen: string[] = [];
      let url: string | undefined =
        `${base}/groups/${SAMPLE.migrationGroupId}/transitiveMembers/microsoft.graph.user?$select=id&$top=5`;
      let pages = 0;
      while (url) {
        const res = await request(url);
        expect(res.status).toBe(200);
        expect(res.body.value.length).toBeLessThanOrEqual(5);
        seen.push(...res.body.value.map((u: { id: string }) => u.id));
        url = res.body['@odata.nextLink'];
        if (url) expect(url).toMatch(/^https:\/\/localhost:\d+\/v1\.0\/groups\/.+\$skiptoken=/);
        pages++;
      }
      expect(pages).toBe(Math.ceil(SAMPLE.migrationMemberIds.length / 5));
      expect([...seen].sort()).toEqual([...SAMPLE.migrationMemberIds].sort());
    });

    it('rejects a page size over 999', async () => {
      expect((await get('/users?$top=1000')).status).toBe(400);
    });
  });

  describe('directoryRoles', () => {
    const roleId = async (templateId: string): Promise<string> => {
      const res = await get(
        `/directoryRoles?$filter=${encodeURIComponent(`roleTemplateId eq '${templateId}'`)}`,
      );
      return res.body.value[0].id;
    };

    it('lists activated roles only, with $select and the projection in @odata.context', async () => {
      const res = await get('/directoryRoles?$select=id,displayName,roleTemplateId');
      expect(res.status).toBe(200);
      expect(res.body['@odata.context']).toBe(
        'https://graph.microsoft.com/v1.0/$metadata#directoryRoles(id,displayName,roleTemplateId)',
      );
      expect(res.body.value.map((r: { displayName: string }) => r.displayName)).toEqual([
        'Global Administrator',
        'Privileged Authentication Administrator',
        'User Administrator',
        'Message Center Reader',
      ]);
      expect(Object.keys(res.body.value[0])).toEqual(['id', 'displayName', 'roleTemplateId']);
      // a built-in role nobody holds is not activated, so Graph does not list it
      const templates = res.body.value.map((r: { roleTemplateId: string }) => r.roleTemplateId);
      expect(templates).not.toContain(ROLE_TEMPLATES.securityAdministrator);
      // the object id differs from the template id, as in Entra
      expect(res.body.value[0].id).not.toBe(ROLE_TEMPLATES.globalAdministrator);
    });

    it('filters by roleTemplateId, gets one role by object or template id, and takes no $top', async () => {
      const id = await roleId(ROLE_TEMPLATES.globalAdministrator);
      const byId = await get(`/directoryRoles/${id}?$select=displayName`);
      expect(byId.body).toEqual({
        '@odata.context': 'https://graph.microsoft.com/v1.0/$metadata#directoryRoles(displayName)/$entity',
        displayName: 'Global Administrator',
      });
      const byTemplate = await get(`/directoryRoles/${ROLE_TEMPLATES.globalAdministrator}`);
      expect(byTemplate.body).toMatchObject({ id, roleTemplateId: ROLE_TEMPLATES.globalAdministrator });
      expect(byTemplate.body).not.toHaveProperty('@odata.type');
      expect((await get(`/directoryRoles/${ROLE_TEMPLATES.securityAdministrator}`)).status).toBe(404);
      expect((await get('/directoryRoles?$top=5')).status).toBe(400);
      expect((await get('/directoryRoles?$select=nope')).status).toBe(400);
    });

    it('lists members as typed directoryObjects: users, and role-assignable groups unexpanded', async () => {
      const admins = await get(`/directoryRoles/${await roleId(ROLE_TEMPLATES.globalAdministrator)}/members`);
      expect(admins.status).toBe(200);
      expect(admins.body['@odata.context']).toBe(
        'https://graph.microsoft.com/v1.0/$metadata#directoryObjects',
      );
      expect(admins.body.value).toEqual([
        expect.objectContaining({
          '@odata.type': '#microsoft.graph.user',
          id: SAMPLE.globalAdmin.id,
          userPrincipalName: SAMPLE.globalAdmin.upn,
        }),
      ]);
      const viaGroup = await get(
        `/directoryRoles/${ROLE_TEMPLATES.privilegedAuthenticationAdministrator}/members?$select=id`,
      );
      expect(viaGroup.body.value).toEqual([
        { '@odata.type': '#microsoft.graph.group', id: SAMPLE.privilegedHelpdeskGroupId },
      ]);
      expect(
        (await get(`/directoryRoles/${ROLE_TEMPLATES.globalAdministrator}/members?$select=id&$top=10`))
          .status,
      ).toBe(400);
      expect((await get(`/directoryRoles/${ROLE_TEMPLATES.securityAdministrator}/members`)).status).toBe(404);
    });

    it('pages members at 1,000', async () => {
      const tenant = largeTenant(1500);
      tenant.roles.push({
        id: '5d9b3c1e-0000-4000-8000-000000000001',
        roleTemplateId: ROLE_TEMPLATES.helpdeskAdministrator,
        displayName: 'Helpdesk Administrator',
        memberIds: tenant.users.map((u) => u.id),
        privileged: true,
      });
      await restart({ tenant });
      const first = await get(`/directoryRoles/${ROLE_TEMPLATES.helpdeskAdministrator}/members?$select=id`);
      expect(first.body.value).toHaveLength(1000);
      const next = await request(first.body['@odata.nextLink']);
      expect(next.body.value).toHaveLength(500);
      expect(next.body['@odata.nextLink']).toBeUndefined();
    });

    it('needs a role-reading permission for every role endpoint', async () => {
      const paths = [
        '/directoryRoles',
        `/directoryRoles/${ROLE_TEMPLATES.globalAdministrator}`,
        `/directoryRoles/${ROLE_TEMPLATES.globalAdministrator}/members`,
      ];
      graph.setPermissions(['User.Read.All', 'GroupMember.Read.All']);
      for (const path of paths) {
        const res = await get(path);
        expect(res.status).toBe(403);
        expect(res.body.error.code).toBe('Authorization_RequestDenied');
      }
      graph.setPermissions(['Directory.Read.All']);
      for (const path of paths) expect((await get(path)).status).toBe(200);
    });
  });

  describe('unified role management (roleAssignments, roleEligibilityScheduleInstances)', () => {
    const ASSIGNMENTS = '/roleManagement/directory/roleAssignments';
    const ELIGIBILITY = '/roleManagement/directory/roleEligibilityScheduleInstances';
    const byPrincipal = (id: string) => `$filter=${encodeURIComponent(`principalId eq '${id}'`)}`;

    it('lists active assignments by principal, at any scope, with roleDefinitionId as the template id', async () => {
      const res = await get(`${ASSIGNMENTS}?${byPrincipal(SAMPLE.auUserAdmin.id)}`);
      expect(res.status).toBe(200);
      expect(res.body['@odata.context']).toBe(
        'https://graph.microsoft.com/v1.0/$metadata#roleManagement/directory/roleAssignments',
      );
      expect(res.body.value).toEqual([
        {
          id: expect.any(String),
          principalId: SAMPLE.auUserAdmin.id,
          directoryScopeId: `/administrativeUnits/${SAMPLE.emeaUnitId}`,
          roleDefinitionId: ROLE_TEMPLATES.userAdministrator,
          appScopeId: null,
        },
      ]);
      const group = await get(
        `${ASSIGNMENTS}?${byPrincipal(SAMPLE.privilegedHelpdeskGroupId)}&$select=roleDefinitionId`,
      );
      expect(group.body.value).toEqual([
        { roleDefinitionId: ROLE_TEMPLATES.privilegedAuthenticationAdministrator },
      ]);
      // not a transitive listing: a group member's own assignments only
      expect((await get(`${ASSIGNMENTS}?${byPrincipal(SAMPLE.privilegedViaGroup.id)}`)).body.value).toEqual(
        [],
      );
    });

    it('lists eligibility instances by principal, a group’s for the group', async () => {
      const user = await get(`${ELIGIBILITY}?${byPrincipal(SAMPLE.eligibleGlobalAdmin.id)}`);
      expect(user.body.value).toEqual([
        expect.objectContaining({
          principalId: SAMPLE.eligibleGlobalAdmin.id,
          roleDefinitionId: ROLE_TEMPLATES.globalAdministrator,
          directoryScopeId: '/',
          memberType: 'Direct',
        }),
      ]);
      const group = await get(`${ELIGIBILITY}?${byPrincipal(SAMPLE.tierZeroStandbyGroupId)}`);
      expect(group.body.value.map((i: any) => i.roleDefinitionId)).toEqual([
        ROLE_TEMPLATES.securityAdministrator,
      ]);
      expect((await get(`${ELIGIBILITY}?${byPrincipal(SAMPLE.globalAdmin.id)}`)).body.value).toEqual([]);
    });

    it('pages unfiltered lists with @odata.nextLink', async () => {
      const tenant = largeTenant(300);
      tenant.eligibleAssignments = tenant.users.map((u) => ({
        principalId: u.id,
        roleTemplateId: ROLE_TEMPLATES.helpdeskAdministrator,
        directoryScopeId: '/',
      }));
      await restart({ tenant });
      const ids: string[] = [];
      let next: string | undefined = `${base}${ELIGIBILITY}`;
      while (next) {
        const page = await request(next);
        ids.push(...page.body.value.map((i: any) => i.principalId));
        next = page.body['@odata.nextLink'];
      }
      expect(ids).toHaveLength(300);
      expect(new Set(ids).size).toBe(300);
    });

    it('refuses a filter on a property it does not support', async () => {
      const res = await get(`${ASSIGNMENTS}?$filter=${encodeURIComponent("displayName eq 'x'")}`);
      expect(res.status).toBe(400);
    });

    it('needs RoleManagement.Read.Directory (or an equivalent) for each; Directory.Read.All reads only assignments', async () => {
      graph.setPermissions(['User.Read.All', 'GroupMember.Read.All']);
      for (const path of [ASSIGNMENTS, ELIGIBILITY]) {
        const res = await get(path);
        expect(res.status).toBe(403);
        expect(res.body.error.code).toBe('Authorization_RequestDenied');
      }
      graph.setPermissions(['Directory.Read.All']);
      expect((await get(ASSIGNMENTS)).status).toBe(200);
      expect((await get(ELIGIBILITY)).status).toBe(403);
      graph.setPermissions(['RoleManagement.Read.Directory']);
      for (const path of [ASSIGNMENTS, ELIGIBILITY]) expect((await get(path)).status).toBe(200);
    });

    it('answers 400 AadPremiumLicenseRequired for eligibility without Entra ID P2', async () => {
      await restart({ tenant: { ...sampleTenant(), pimLicensed: false } });
      const res = await get(ELIGIBILITY);
      expect(res.status).toBe(400);
      expect(res.body.error.code).toBe('AadPremiumLicenseRequired');
      expect((await get(ASSIGNMENTS)).status).toBe(200);
    });

    it("lists a user's groups with isAssignableToRole, or with ids only under User.Read.All", async () => {
      const path = `/users/${SAMPLE.eligibleViaGroup.id}/transitiveMemberOf/microsoft.graph.group?$select=id,isAssignableToRole`;
      expect((await get(path)).body.value).toEqual([
        { id: SAMPLE.tierZeroStandbyGroupId, isAssignableToRole: true },
      ]);
      const nested = await get(
        `/users/${SAMPLE.secondAdmin.id}/transitiveMemberOf/microsoft.graph.group?$select=id`,
      );
      expect(nested.body.value.map((g: any) => g.id).sort()).toEqual(
        [SAMPLE.adminGroupId, SAMPLE.secOpsOnCallGroupId].sort(),
      );
      graph.setPermissions(['User.Read.All']);
      expect((await get(path)).body.value).toEqual([
        { '@odata.type': '#microsoft.graph.group', id: SAMPLE.tierZeroStandbyGroupId },
      ]);
    });

    it('filters groups on isAssignableToRole', async () => {
      const res = await get(`/groups?$filter=${encodeURIComponent('isAssignableToRole eq true')}&$select=id`);
      expect(res.body.value.map((g: any) => g.id).sort()).toEqual(
        [SAMPLE.privilegedHelpdeskGroupId, SAMPLE.tierZeroStandbyGroupId].sort(),
      );
    });
  });

  describe('ConsistencyLevel', () => {
    const eventual = { headers: { ConsistencyLevel: 'eventual' } };

    it('requires ConsistencyLevel: eventual for $count and $search', async () => {
      for (const path of ['/users?$count=true', '/users?$search="displayName:Test"', '/users/$count']) {
        const res = await get(path);
        expect(res.status).toBe(400);
        expect(res.body.error.code).toBe('Request_UnsupportedQuery');
      }
    });

    it('counts and searches with it', async () => {
      const tests = await get(
        `/users?$search=${encodeURIComponent('"displayName:Test"')}&$count=true&$top=2`,
        eventual,
      );
      expect(tests.body['@odata.count']).toBe(6);
      expect(tests.body.value).toHaveLength(2);
      expect(tests.body['@odata.nextLink']).toBeDefined();
      const search = (q: string) => get(`/users?$search=${encodeURIComponent(q)}&$select=id`, eventual);
      expect((await search(`"displayName:O'Brien"`)).body.value).toEqual([{ id: SAMPLE.obrien.id }]);
      const escaped = await search('"displayName:Chris \\" OR \\"mail:x"');
      expect(escaped.status).toBe(200);
      expect(escaped.body.value).toEqual([]);
      expect((await search('displayName:Test')).status).toBe(400);
      const count = await get('/users/$count', eventual);
      expect(count.headers['content-type']).toMatch(/^text\/plain/);
      expect(Number(count.text)).toBe(sampleTenant().users.length);
    });
  });

  describe('$batch', () => {
    const item = (id: string, userId: string, extra: object = {}) => ({
      id,
      method: 'POST',
      url: `/users/${userId}/revokeSignInSessions`,
      ...extra,
    });

    it('throttles single items with per-item 429s while the others succeed', async () => {
      await restart({ limits: { resourceUnits: 5, ruWindowMs: 60_000, writes: 100, writeWindowMs: 60_000 } });
      const users = SAMPLE.testUsers.concat(SAMPLE.chrisGreens);
      const res = await post('/$batch', { requests: users.map((u, i) => item(String(i + 1), u.id)) });
      expect(res.status).toBe(200);
      const statuses = res.body.responses.map((r: { status: number }) => r.status);
      expect(statuses.filter((s: number) => s === 200)).toHaveLength(5);
      const throttled = res.body.responses.filter((r: { status: number }) => r.status === 429);
      expect(throttled).toHaveLength(3);
      for (const t of throttled) {
        expect(Number(t.headers['Retry-After'])).toBeGreaterThanOrEqual(1);
        expect(t.body.error.code).toBe('TooManyRequests');
      }
      expect(graph.throttledCount()).toBe(3);
      expect(users.reduce((n, u) => n + graph.revokeCount(u.id), 0)).toBe(5);
      expect(graph.requests.filter((r) => r.inBatch)).toHaveLength(8);
    });

    it('answers items by id, not in request order, through the same handlers', async () => {
      const res = await post('/$batch', {
        requests: [
          item('a', SAMPLE.lester.id),
          item('b', SAMPLE.globalAdmin.id),
          {
            id: 'c',
            method: 'GET',
            url: `users/${SAMPLE.lester.id}?$select=signInSessionsValidFromDateTime`,
          },
        ],
      });
      const byId = Object.fromEntries(res.body.responses.map((r: { id: string }) => [r.id, r]));
      expect(res.body.responses.map((r: { id: string }) => r.id)).not.toEqual(['a', 'b', 'c']);
      expect(byId.a.status).toBe(200);
      expect(byId.b.status).toBe(403);
      expect(byId.c.body.signInSessionsValidFromDateTime).toMatch(/^2026-/);
    });

    it('runs dependsOn in order and answers 424 after a failed dependency', async () => {
      const res = await post('/$batch', {
        requests: [
          item('1', SAMPLE.globalAdmin.id),
          item('2', SAMPLE.lester.id, { dependsOn: ['1'] }),
          item('3', SAMPLE.admin.id),
          {
            id: '4',
            method: 'GET',
            url: `/users/${SAMPLE.admin.id}?$select=signInSessionsValidFromDateTime`,
            dependsOn: ['3'],
          },
        ],
      });
      const byId = Object.fromEntries(res.body.responses.map((r: { id: string }) => [r.id, r]));
      expect(byId['1'].status).toBe(403);
      expect(byId['2'].status).toBe(424);
      expect(graph.revokeCount(SAMPLE.lester.id)).toBe(0);
      expect(byId['4'].body.signInSessionsValidFromDateTime).toBe('2026-11-22T12:34:56Z');
    });

    it('rejects more than 20 requests, duplicate ids, and bodies without Content-Type', async () => {
      const many = Array.from({ length: 21 }, (_, i) => item(String(i), SAMPLE.lester.id));
      const tooMany = await post('/$batch', { requests: many });
      expect(tooMany.status).toBe(400);
      expect(tooMany.body.error.message).toMatch(/limit of 20/);
      const dup = await post('/$batch', {
        requests: [item('1', SAMPLE.lester.id), item('1', SAMPLE.admin.id)],
      });
      expect(dup.status).toBe(400);
      const noType = await post('/$batch', {
        requests: [
          {
            id: '1',
            method: 'POST',
            url: `/users/${SAMPLE.lester.id}/checkMemberGroups`,
            body: { groupIds: [] },
          },
        ],
      });
      expect(noType.status).toBe(400);
      expect(graph.revokeCount(SAMPLE.lester.id)).toBe(0);
    });
  });

  describe('throttling', () => {
    it('answers 429 with Retry-After until the bucket refills, without charging refused requests', async () => {
      await restart({ limits: { resourceUnits: 2, ruWindowMs: 4_000, writes: 100, writeWindowMs: 60_000 } });
      expect((await get(`/users/${SAMPLE.lester.id}`)).status).toBe(200);
      for (let i = 0; i < 3; i++) {
        const res = await get(`/users/${SAMPLE.lester.id}`);
        expect(res.status).toBe(429);
        expect(res.headers['retry-after']).toBe('4');
        expect(res.body.error).toMatchObject({ code: 'TooManyRequests', message: 'Too many requests' });
      }
      expect(graph.throttledCount()).toBe(3);
    });

    it('meters writes in their own bucket', async () => {
      await restart({
        limits: { resourceUnits: 1000, ruWindowMs: 10_000, writes: 1, writeWindowMs: 30_000 },
      });
      expect((await revoke(SAMPLE.lester.id)).status).toBe(200);
      const second = await revoke(SAMPLE.lester.id);
      expect(second.status).toBe(429);
      expect(Number(second.headers['retry-after'])).toBe(30);
      expect((await get(`/users/${SAMPLE.lester.id}`)).status).toBe(200);
    });
  });

  describe('faults', () => {
    it('answers an injected error the given number of times, then recovers', async () => {
      graph.inject({ method: 'POST', path: /\/revokeSignInSessions$/, status: 503, times: 2 });
      expect((await revoke(SAMPLE.lester.id)).status).toBe(503);
      const second = await revoke(SAMPLE.lester.id);
      expect(second.body.error.code).toBe('ServiceUnavailable');
      expect((await revoke(SAMPLE.lester.id)).status).toBe(200);
      expect(graph.revokeCount(SAMPLE.lester.id)).toBe(1);
    });

    it('adds Retry-After to a 429 fault and applies faults to batch items', async () => {
      graph.inject({ path: new RegExp(`^/users/${SAMPLE.admin.id}/`), status: 429, retryAfterSeconds: 7 });
      const res = await post('/$batch', { requests: [item(SAMPLE.admin.id), item(SAMPLE.lester.id)] });
      const byId = Object.fromEntries(res.body.responses.map((r: { id: string }) => [r.id, r]));
      expect(byId.admin).toMatchObject({ status: 429, headers: { 'Retry-After': '7' } });
      expect(byId.lester.status).toBe(200);
      expect(graph.throttledCount()).toBe(1);

      function item(userId: string) {
        return {
          id: userId === SAMPLE.admin.id ? 'admin' : 'lester',
          method: 'POST',
          url: `/users/${userId}/revokeSignInSessions`,
        };
      }
    });

    it('destroys the socket for an unreachable fault', async () => {
      graph.inject({ path: /revokeSignInSessions/, status: 0, unreachable: true });
      await expect(revoke(SAMPLE.lester.id)).rejects.toThrow(/socket hang up|ECONNRESET/);
      expect(graph.revokeCount(SAMPLE.lester.id)).toBe(0);
      expect((await revoke(SAMPLE.lester.id)).status).toBe(200);
    });

    it('holds an answer for delayMs', async () => {
      graph.inject({ path: /revokeSignInSessions/, status: 200, delayMs: 300 });
      const started = Date.now();
      const res = await revoke(SAMPLE.lester.id);
      expect(res.status).toBe(200);
      expect(Date.now() - started).toBeGreaterThanOrEqual(290);
      graph.reset();
      expect(graph.requests).toEqual([]);
      expect(graph.revokeCount(SAMPLE.lester.id)).toBe(0);
    });
  });
});
