import type { TargetSpec, UserRef } from '../domain/command';
import { odataString, searchPhrase } from '../domain/odata';
import type { DirectoryUser } from '../domain/types';
import { GraphCallError, type GraphApi } from './client';
import { USER_FIELDS, toDirectoryUser, type Directory } from './directory';
import { isGuid } from '../domain/guid';

const SELECT = `$select=${USER_FIELDS.join(',')}`;
const PAGE = '$top=999';
const LOOKUP_CONCURRENCY = 5;

/** What a target spec resolved to, or why it could not be. */
export type Resolution =
  | { kind: 'users'; users: DirectoryUser[]; source: string }
  | { kind: 'notFound'; refs: UserRef[] }
  | { kind: 'groupNotFound'; typed: string; byId: boolean }
  | { kind: 'ambiguous'; typed: string; users: DirectoryUser[] }
  | { kind: 'ambiguousInList'; typed: string[] }
  | { kind: 'ambiguousGroup'; typed: string; count: number }
  | { kind: 'empty'; source: string };

/** Turns what an admin typed (users, a group, a search, or everyone) into directory users, each once. */
export class TargetResolver {
  constructor(
    private readonly graph: GraphApi,
    private readonly directory: Directory,
  ) {}

  async resolve(target: TargetSpec): Promise<Resolution> {
    switch (target.kind) {
      case 'users':
        return this.resolveRefs(target.refs);
      case 'group':
        return this.resolveGroup(target.group);
      case 'search': {
        const source = `search:"${target.query}"`;
        const users = await this.pages(
          `/users?$search=${encodeURIComponent(searchPhrase(target.query))}&${SELECT}&${PAGE}`,
          { ConsistencyLevel: 'eventual' },
        );
        return users.length ? { kind: 'users', users, source } : { kind: 'empty', source };
      }
      case 'all': {
        const users = await this.pages(`/users?${SELECT}&${PAGE}`);
        return users.length ? { kind: 'users', users, source: 'all' } : { kind: 'empty', source: 'all' };
      }
    }
  }

  /** The tenant's user count and primary domain: what an admin must type to sign out everyone. */
  async tenantFacts(): Promise<{ userCount: number; primaryDomain?: string }> {
    const count = await this.graph.call<string | number>('GET', '/users/$count', {
      headers: { ConsistencyLevel: 'eventual' },
    });
    const org = await this.graph.call<{
      value: { verifiedDomains?: { name: string; isDefault?: boolean }[] }[];
    }>('GET', '/organization?$select=verifiedDomains');
    const domain = org.body.value[0]?.verifiedDomains?.find((d) => d.isDefault)?.name;
    return { userCount: Number(count.body), primaryDomain: domain };
  }

  private async resolveRefs(refs: UserRef[]): Promise<Resolution> {
    const results = await mapLimit(refs, LOOKUP_CONCURRENCY, (ref) => this.directory.findUser(ref));
    const missing = refs.filter((_, i) => results[i].kind === 'notFound');
    if (missing.length) return { kind: 'notFound', refs: missing };
    const ambiguous = refs.filter((_, i) => results[i].kind === 'ambiguous');
    if (ambiguous.length) {
      const only = results[0];
      if (refs.length === 1 && only.kind === 'ambiguous') {
        return { kind: 'ambiguous', typed: refs[0].value, users: only.users };
      }
      return { kind: 'ambiguousInList', typed: ambiguous.map((r) => r.value) };
    }
    const users = unique(results.flatMap((r) => (r.kind === 'found' ? [r.user] : [])));
    const source = refs.length === 1 ? refs[0].value : `${refs.length} listed users`;
    return { kind: 'users', users, source };
  }

  private async resolveGroup(typed: string): Promise<Resolution> {
    let groupId = typed;
    let name = typed;
    if (!isGuid(typed)) {
      const found = await this.graph.call<{ value: { id: string; displayName: string }[] }>(
        'GET',
        `/groups?$filter=${encodeURIComponent(`displayName eq ${odataString(typed)}`)}&$select=id,displayName&$top=5`,
      );
      if (found.body.value.length === 0) return { kind: 'groupNotFound', typed, byId: false };
      if (found.body.value.length > 1)
        return { kind: 'ambiguousGroup', typed, count: found.body.value.length };
      groupId = found.body.value[0].id;
      name = found.body.value[0].displayName;
    } else {
      try {
        const group = await this.graph.call<{ displayName: string }>(
          'GET',
          `/groups/${encodeURIComponent(typed)}?$select=displayName`,
        );
        name = group.body.displayName;
      } catch (err) {
        if (err instanceof GraphCallError && err.status === 404)
          return { kind: 'groupNotFound', typed, byId: true };
        throw err;
      }
    }
    const source = `group:"${name}"`;
    const users = await this.pages(
      `/groups/${encodeURIComponent(groupId)}/transitiveMembers/microsoft.graph.user?${SELECT}&${PAGE}`,
    );
    return users.length ? { kind: 'users', users, source } : { kind: 'empty', source };
  }

  private async pages(first: string, headers?: Record<string, string>): Promise<DirectoryUser[]> {
    const users: DirectoryUser[] = [];
    let next: string | undefined = first;
    while (next) {
      const page: { body: { value: Parameters<typeof toDirectoryUser>[0][]; '@odata.nextLink'?: string } } =
        await this.graph.call('GET', next, { headers });
      users.push(...page.body.value.map(toDirectoryUser));
      next = page.body['@odata.nextLink'];
    }
    return unique(users);
  }
}

function unique(users: DirectoryUser[]): DirectoryUser[] {
  const seen = new Set<string>();
  return users.filter((u) => (seen.has(u.id) ? false : (seen.add(u.id), true)));
}

async function mapLimit<T, R>(items: T[], limit: number, fn: (item: T) => Promise<R>): Promise<R[]> {
  const results = new Array<R>(items.length);
  let next = 0;
  const worker = async () => {
    while (next < items.length) {
      const i = next++;
      results[i] = await fn(items[i]);
    }
  };
  await Promise.all(Array.from({ length: Math.min(limit, items.length) }, worker));
  return results;
}
