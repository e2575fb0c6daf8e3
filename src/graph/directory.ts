import type { UserRef } from '../domain/command';
import { odataString } from '../domain/odata';
import type { DirectoryUser } from '../domain/types';
import { displayNameOf } from '../domain/userNames';
import { GraphCallError, type GraphApi } from './client';

export const USER_FIELDS = [
  'id',
  'displayName',
  'userPrincipalName',
  'mail',
  'accountEnabled',
  'userType',
  'signInSessionsValidFromDateTime',
] as const;
const SELECT = `$select=${USER_FIELDS.join(',')}`;

interface GraphUser {
  id: string;
  displayName?: string | null;
  userPrincipalName?: string | null;
  mail?: string | null;
  accountEnabled?: boolean | null;
  userType?: string | null;
  signInSessionsValidFromDateTime?: string | null;
}

export type UserLookup =
  | { kind: 'found'; user: DirectoryUser }
  | { kind: 'notFound'; requestId?: string }
  | { kind: 'ambiguous'; users: DirectoryUser[] };

export function toDirectoryUser(u: GraphUser): DirectoryUser {
  return {
    id: u.id.toLowerCase(),
    displayName: displayNameOf(u),
    userPrincipalName: u.userPrincipalName ?? '',
    mail: u.mail ?? null,
    accountEnabled: u.accountEnabled ?? null,
    userType: u.userType ?? null,
    validFrom: u.signInSessionsValidFromDateTime ?? null,
  };
}

/** Directory reads: users by object id, UPN, mail alias or display name; group membership. */
export class Directory {
  constructor(private readonly graph: GraphApi) {}

  async getUser(id: string): Promise<DirectoryUser | undefined> {
    try {
      const res = await this.graph.call<GraphUser>('GET', `/users/${encodeURIComponent(id)}?${SELECT}`);
      return toDirectoryUser(res.body);
    } catch (err) {
      if (err instanceof GraphCallError && err.status === 404) return undefined;
      throw err;
    }
  }

  /** Resolves what an admin typed. A name or alias that matches several users is never guessed. */
  async findUser(ref: UserRef): Promise<UserLookup> {
    if (ref.kind === 'objectId') {
      const user = await this.getUser(ref.value);
      return user ? { kind: 'found', user } : { kind: 'notFound' };
    }
    if (ref.kind === 'upn') {
      const user = await this.getUser(ref.value);
      if (user) return { kind: 'found', user };
      return this.findBy(`mail eq ${odataString(ref.value)}`);
    }
    return this.findBy(`displayName eq ${odataString(ref.value)}`);
  }

  /**
   * For "did you mean": users whose display name, user principal name or mail starts with what was
   * typed (for an address, its part before the @). Never used to act, only to answer.
   */
  async suggest(ref: UserRef, top = 3): Promise<DirectoryUser[]> {
    if (ref.kind === 'objectId') return [];
    const prefix = (ref.kind === 'upn' ? ref.value.split('@')[0] : ref.value).trim();
    if (prefix.length < 2) return [];
    const p = odataString(prefix);
    const filter = `startswith(displayName,${p}) or startswith(userPrincipalName,${p}) or startswith(mail,${p})`;
    const res = await this.graph.call<{ value: GraphUser[] }>(
      'GET',
      `/users?$filter=${encodeURIComponent(filter)}&${SELECT}&$top=${top}`,
    );
    return res.body.value.map(toDirectoryUser);
  }

  /** True if the user is, directly or through nested groups, a member of the group. */
  async isMemberOf(userId: string, groupId: string): Promise<boolean> {
    const res = await this.graph.call<{ value: string[] }>(
      'POST',
      `/users/${encodeURIComponent(userId)}/checkMemberGroups`,
      { body: { groupIds: [groupId] } },
    );
    return res.body.value.some((id) => id.toLowerCase() === groupId.toLowerCase());
  }

  private async findBy(filter: string): Promise<UserLookup> {
    const res = await this.graph.call<{ value: GraphUser[] }>(
      'GET',
      `/users?$filter=${encodeURIComponent(filter)}&${SELECT}&$top=26`,
    );
    const users = res.body.value.map(toDirectoryUser);
    if (users.length === 0) return { kind: 'notFound', requestId: res.requestId };
    if (users.length === 1) return { kind: 'found', user: users[0] };
    return { kind: 'ambiguous', users };
  }
}
