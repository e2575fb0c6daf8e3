import { isPrivilegedRole, privilegedRoleName } from '../core/privilegedRoles';
import type { DirectoryUser } from '../core/types';
import { GraphCallError, type GraphApi } from './client';

/**
 * Who holds a privileged directory role, directly or through a role-assignable group. Every call needs
 * RoleManagement.Read.Directory; without it Graph answers 403 and the GraphCallError reaches the caller
 * for explainGraphFailure(…, 'roles').
 */

interface GraphRole {
  id?: string;
  displayName?: string | null;
  roleTemplateId?: string | null;
}

interface GraphObject {
  '@odata.type'?: string;
  id: string;
}

interface Page<T> {
  value: T[];
  '@odata.nextLink'?: string;
}

/** Above this many users, markPrivileged reads every role's members once instead of asking per user. */
export const PER_USER_LOOKUP_LIMIT = 20;
const PER_USER_CONCURRENCY = 5;

/**
 * Names of the privileged roles the user holds (PRIVILEGED_ROLE_TEMPLATES), directly or through
 * role-assignable groups, in Graph's order, each once; [] for none.
 */
export async function privilegedRolesOf(graph: GraphApi, userId: string): Promise<string[]> {
  const roles = await allPages<GraphRole>(
    graph,
    `/users/${encodeURIComponent(userId)}/transitiveMemberOf/microsoft.graph.directoryRole?$select=displayName,roleTemplateId`,
  );
  return unique(roles.filter((r) => isPrivilegedRole(requireTemplate(r))).map(roleName));
}

/**
 * Every holder of a privileged role, by lower-case user id, with the names of the roles held. One pass
 * over the activated roles and their members (role-assignable groups expanded to their users), so a
 * job of 10,000 users costs a handful of calls rather than 10,000.
 */
export async function privilegedUsers(graph: GraphApi): Promise<Map<string, string[]>> {
  // Graph lists only activated roles; a role nobody was ever assigned is not activated and has no holders
  const roles = await allPages<GraphRole>(graph, '/directoryRoles?$select=id,displayName,roleTemplateId');
  const holders = new Map<string, string[]>();
  const groupUsers = new Map<string, Promise<string[]>>();
  const add = (userId: string, role: string) => {
    const key = userId.toLowerCase();
    const names = holders.get(key) ?? [];
    if (!names.includes(role)) names.push(role);
    holders.set(key, names);
  };
  for (const role of roles.filter((r) => isPrivilegedRole(requireTemplate(r)))) {
    const name = roleName(role);
    // members supports $select but not $top: Graph pages at 1,000
    const members = await allPages<GraphObject>(
      graph,
      `/directoryRoles/${encodeURIComponent(role.id ?? '')}/members?$select=id`,
    );
    for (const m of members) {
      const type = (m['@odata.type'] ?? '').toLowerCase();
      if (type === '#microsoft.graph.user') add(m.id, name);
      else if (type === '#microsoft.graph.group') {
        const key = m.id.toLowerCase();
        if (!groupUsers.has(key)) groupUsers.set(key, usersInGroup(graph, m.id));
        for (const id of await groupUsers.get(key)!) add(id, name);
      }
      // service principals hold roles too, but are not users the bot signs out
    }
  }
  return holders;
}

/**
 * The users with `privilegedRoles` filled in ([] for none). Few users are asked about one by one; more
 * than PER_USER_LOOKUP_LIMIT use one pass of privilegedUsers().
 */
export async function markPrivileged(graph: GraphApi, users: DirectoryUser[]): Promise<DirectoryUser[]> {
  if (users.length > PER_USER_LOOKUP_LIMIT) {
    const holders = await privilegedUsers(graph);
    return users.map((u) => ({ ...u, privilegedRoles: holders.get(u.id.toLowerCase()) ?? [] }));
  }
  const out = new Array<DirectoryUser>(users.length);
  let next = 0;
  const worker = async () => {
    while (next < users.length) {
      const i = next++;
      out[i] = { ...users[i], privilegedRoles: await privilegedRolesOf(graph, users[i].id) };
    }
  };
  await Promise.all(Array.from({ length: Math.min(PER_USER_CONCURRENCY, users.length) }, worker));
  return out;
}

async function usersInGroup(graph: GraphApi, groupId: string): Promise<string[]> {
  const users = await allPages<GraphObject>(
    graph,
    `/groups/${encodeURIComponent(groupId)}/transitiveMembers/microsoft.graph.user?$select=id&$top=999`,
  );
  return users.map((u) => u.id);
}

async function allPages<T>(graph: GraphApi, first: string): Promise<T[]> {
  const items: T[] = [];
  let next: string | undefined = first;
  while (next) {
    const page: { body: Page<T> } = await graph.call<Page<T>>('GET', next);
    items.push(...(page.body.value ?? []));
    next = page.body['@odata.nextLink'];
  }
  return items;
}

/**
 * A role without its template id is what Graph returns, "with limited information", when the app may
 * read users but not roles. Guessing "not privileged" would let an admin through unguarded: fail as
 * the missing permission instead.
 */
function requireTemplate(role: GraphRole): string {
  if (!role.roleTemplateId) {
    throw new GraphCallError(
      403,
      'Authorization_RequestDenied',
      'Microsoft Graph returned directory roles without their template ids: the app lacks RoleManagement.Read.Directory.',
    );
  }
  return role.roleTemplateId;
}

function roleName(role: GraphRole): string {
  return role.displayName || privilegedRoleName(role.roleTemplateId) || 'a privileged role';
}

function unique(items: string[]): string[] {
  return [...new Set(items)];
}
