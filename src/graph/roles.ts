import { odataString } from '../domain/odata';
import { privilegedRoleNames, type RoleGrant } from '../domain/privilegedRoles';
import type { DirectoryUser } from '../domain/types';
import { GraphCallError, type GraphApi } from './client';

/**
 * Who holds a privileged directory role: active or PIM-eligible, at any scope (the tenant or an
 * administrative unit), directly or through a role-assignable group. Read from the unified RBAC
 * endpoints, which need RoleManagement.Read.Directory (it covers both roleAssignments and
 * roleEligibilityScheduleInstances); without it Graph answers 403 and the GraphCallError reaches the
 * caller, who then treats the targets as privileged. An answer of unexpected shape fails the same way.
 */

interface Assignment {
  principalId?: unknown;
  roleDefinitionId?: unknown;
  directoryScopeId?: unknown;
}

interface GroupMembership {
  id?: unknown;
  isAssignableToRole?: unknown;
}

interface Page<T> {
  value?: T[];
  '@odata.nextLink'?: string;
}

/** Above this many users, markPrivileged reads every assignment once instead of asking per user. */
export const PER_USER_LOOKUP_LIMIT = 20;
const PER_USER_CONCURRENCY = 5;
const ASSIGNMENTS = '/roleManagement/directory/roleAssignments';
const ELIGIBILITY = '/roleManagement/directory/roleEligibilityScheduleInstances';
const GRANT_FIELDS = '$select=principalId,roleDefinitionId,directoryScopeId';

/**
 * Names of the privileged roles (PRIVILEGED_ROLE_TEMPLATES) the user holds, each once, qualified when
 * only eligible or scoped (see privilegedRoleNames); [] for none. `userId` is an object id: role
 * assignments name principals by id. Costs 1 + 2 × (1 + role-assignable groups of the user) calls.
 */
export async function privilegedRolesOf(graph: GraphApi, userId: string): Promise<string[]> {
  const principals = [userId, ...(await roleAssignableGroupsOf(graph, userId))];
  const grants = await settled(principals.map((p) => grantsOf(graph, p)));
  return privilegedRoleNames(grants.flat());
}

/**
 * Every holder of a privileged role, by lower-case user id, with the names of the roles held. Reads
 * all active assignments and eligibility instances once (paged), and expands each role-assignable
 * group that holds a privileged role once, so a job of 10,000 users costs a handful of calls.
 */
export async function privilegedUsers(graph: GraphApi): Promise<Map<string, string[]>> {
  const [active, eligible, assignable] = await settled([
    allPages<Assignment>(graph, `${ASSIGNMENTS}?${GRANT_FIELDS}`),
    eligibility(allPages<Assignment>(graph, `${ELIGIBILITY}?${GRANT_FIELDS}`)),
    allPages<GroupMembership>(
      graph,
      `/groups?$filter=${encodeURIComponent('isAssignableToRole eq true')}&$select=id&$top=999`,
    ),
  ]);
  const byPrincipal = new Map<string, RoleGrant[]>();
  for (const [a, isEligible] of [
    ...active.map((a) => [a, false] as const),
    ...eligible.map((a) => [a, true] as const),
  ]) {
    const grant = toGrant(a, isEligible);
    const key = (a.principalId as string).toLowerCase();
    byPrincipal.set(key, [...(byPrincipal.get(key) ?? []), grant]);
  }
  const groupIds = new Set(assignable.map((g) => requireId(g).toLowerCase()));
  const byUser = new Map<string, RoleGrant[]>();
  const add = (userId: string, grants: RoleGrant[]) => {
    const key = userId.toLowerCase();
    byUser.set(key, [...(byUser.get(key) ?? []), ...grants]);
  };
  for (const [principal, grants] of byPrincipal) {
    if (privilegedRoleNames(grants).length === 0) continue;
    if (!groupIds.has(principal)) {
      // a user (or a service principal, which the bot never signs out)
      add(principal, grants);
      continue;
    }
    for (const member of await usersInGroup(graph, principal)) add(member, grants);
  }
  const holders = new Map<string, string[]>();
  for (const [userId, grants] of byUser) holders.set(userId, privilegedRoleNames(grants));
  return holders;
}

/**
 * The users, a privileged one as a copy with its `privilegedRoles`; everyone else is returned as it
 * is, so a tenant of 100,000 users is not copied. Few users are asked about one by one; more than
 * PER_USER_LOOKUP_LIMIT use one pass of privilegedUsers().
 */
export async function markPrivileged(graph: GraphApi, users: DirectoryUser[]): Promise<DirectoryUser[]> {
  if (users.length > PER_USER_LOOKUP_LIMIT) {
    const holders = await privilegedUsers(graph);
    return users.map((u) => withRoles(u, holders.get(u.id.toLowerCase())));
  }
  const out = new Array<DirectoryUser>(users.length);
  let next = 0;
  const worker = async () => {
    while (next < users.length) {
      const i = next++;
      out[i] = withRoles(users[i], await privilegedRolesOf(graph, users[i].id));
    }
  };
  await Promise.all(Array.from({ length: Math.min(PER_USER_CONCURRENCY, users.length) }, worker));
  return out;
}

function withRoles(user: DirectoryUser, roles: string[] | undefined): DirectoryUser {
  return roles?.length ? { ...user, privilegedRoles: roles } : user;
}

/**
 * Ids of the role-assignable groups the user is in. Role-assignable groups cannot be nested, but the
 * transitive listing costs the same and stays right if that ever changes. A group without
 * isAssignableToRole is what Graph returns, "with limited information", when the app may read users
 * but not group memberships: guessing "not assignable" would miss roles held through it.
 */
async function roleAssignableGroupsOf(graph: GraphApi, userId: string): Promise<string[]> {
  const groups = await allPages<GroupMembership>(
    graph,
    `/users/${encodeURIComponent(userId)}/transitiveMemberOf/microsoft.graph.group?$select=id,isAssignableToRole&$top=999`,
  );
  return groups
    .filter((g) => {
      if (!('isAssignableToRole' in g)) {
        throw new GraphCallError(
          403,
          'Authorization_RequestDenied',
          'Microsoft Graph returned groups without isAssignableToRole: the app lacks GroupMember.Read.All.',
        );
      }
      return g.isAssignableToRole === true;
    })
    .map(requireId);
}

/** Active and eligible grants of one principal (a user or a role-assignable group), any scope. */
async function grantsOf(graph: GraphApi, principalId: string): Promise<RoleGrant[]> {
  const filter = `$filter=${encodeURIComponent(`principalId eq ${odataString(principalId)}`)}`;
  const [active, eligible] = await settled([
    allPages<Assignment>(graph, `${ASSIGNMENTS}?${filter}&${GRANT_FIELDS}`),
    eligibility(allPages<Assignment>(graph, `${ELIGIBILITY}?${filter}&${GRANT_FIELDS}`)),
  ]);
  return [...active.map((a) => toGrant(a, false)), ...eligible.map((a) => toGrant(a, true))];
}

/** Without Entra ID P2 there is no PIM, so nobody can be eligible: Graph says so with a 400. */
async function eligibility(read: Promise<Assignment[]>): Promise<Assignment[]> {
  try {
    return await read;
  } catch (err) {
    if (err instanceof GraphCallError && err.status === 400 && err.code === 'AadPremiumLicenseRequired')
      return [];
    throw err;
  }
}

/** Like Promise.all, but waits for every call to end before failing: no request is left behind. */
async function settled<T extends readonly unknown[]>(
  calls: readonly [...{ [K in keyof T]: Promise<T[K]> }],
): Promise<T> {
  const results = await Promise.allSettled(calls);
  const failed = results.find((r): r is PromiseRejectedResult => r.status === 'rejected');
  if (failed) throw failed.reason;
  return results.map((r) => (r as PromiseFulfilledResult<unknown>).value) as unknown as T;
}

async function usersInGroup(graph: GraphApi, groupId: string): Promise<string[]> {
  const users = await allPages<GroupMembership>(
    graph,
    `/groups/${encodeURIComponent(groupId)}/transitiveMembers/microsoft.graph.user?$select=id&$top=999`,
  );
  return users.map(requireId);
}

async function allPages<T>(graph: GraphApi, first: string): Promise<T[]> {
  const items: T[] = [];
  let next: string | undefined = first;
  while (next) {
    const page: { body: Page<T> } = await graph.call<Page<T>>('GET', next);
    if (!Array.isArray(page.body?.value)) throw unexpected(first);
    items.push(...page.body.value.filter((v) => typeof v === 'object' && v !== null));
    next = page.body['@odata.nextLink'];
  }
  return items;
}

function toGrant(a: Assignment, eligible: boolean): RoleGrant {
  if (typeof a.principalId !== 'string' || typeof a.roleDefinitionId !== 'string') {
    throw unexpected(eligible ? ELIGIBILITY : ASSIGNMENTS);
  }
  const scope = typeof a.directoryScopeId === 'string' ? a.directoryScopeId : undefined;
  return { roleDefinitionId: a.roleDefinitionId, directoryScopeId: scope, eligible };
}

function requireId(o: { id?: unknown }): string {
  if (typeof o.id !== 'string' || !o.id) throw unexpected('a directory object');
  return o.id;
}

/** An answer the bot cannot read roles from: as unknown as a failed call, so targets stay privileged. */
function unexpected(what: string): GraphCallError {
  return new GraphCallError(
    502,
    'UnexpectedResponse',
    `Microsoft Graph answered ${what.split('?')[0]} in a shape the bot does not understand.`,
  );
}
