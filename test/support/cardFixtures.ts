/** Users, requests and hostile text for the card tests (test/unit/cards/). */
import type { LocalZone } from '../../src/domain/timeFormat';
import type { DirectoryUser, SignoutRequest } from '../../src/domain/types';

export const BERLIN: LocalZone = { kind: 'iana', zone: 'Europe/Berlin' };
export const NOW = new Date('2026-11-22T12:35:00Z');

export const lester: DirectoryUser = {
  id: '11111111-1111-1111-1111-111111111111',
  displayName: 'Lester Lee',
  userPrincipalName: 'lester@contoso.com',
  mail: 'lester@contoso.com',
  accountEnabled: true,
  userType: 'Member',
  validFrom: '2026-11-01T08:00:00Z',
};
export const guest: DirectoryUser = {
  id: '22222222-2222-2222-2222-222222222222',
  displayName: 'Gwen Guest',
  userPrincipalName: 'gwen_fabrikam.com#EXT#@contoso.onmicrosoft.com',
  mail: 'gwen@fabrikam.com',
  accountEnabled: false,
  userType: 'Guest',
  validFrom: null,
};
export const adele: DirectoryUser = {
  ...lester,
  id: '33333333-3333-3333-3333-333333333333',
  displayName: 'Adele Vance',
  userPrincipalName: 'adele@contoso.com',
  privilegedRoles: ['Global Administrator'],
};

export const bob = { id: 'bbbb', name: 'Bob Boss' };
export const rita = { id: 'rrrr', name: 'Rita Reject' };
export const approval = {
  required: true,
  why: 'Adele Vance holds Global Administrator (APPROVAL_POLICY=privileged)',
};
export const confirmed = {
  confirmedBy: { id: 'bbbb', name: 'Bob Boss' },
  confirmedAt: '2026-11-22T12:36:00Z',
};

/** A pending sign-out of Lester by Ada; override what the test is about. */
export function request(over: Partial<SignoutRequest> = {}): SignoutRequest {
  return {
    id: '6f1c2d4e-0000-4000-8000-00000000abcd',
    tenantId: 'tenant',
    status: 'pending',
    createdAt: '2026-11-22T12:34:00Z',
    expiresAt: '2026-11-22T12:49:00Z',
    requester: { id: 'aaaa', name: 'Ada Admin' },
    reason: 'lost laptop',
    targets: [lester],
    conversation: { reference: {} },
    outcomes: [],
    ...over,
  };
}

/** n users "User i" (useri@contoso.com), each changed by `over`. */
export function users(n: number, over: (i: number) => Partial<DirectoryUser> = () => ({})): DirectoryUser[] {
  return Array.from({ length: n }, (_, i) => ({
    ...lester,
    id: `id-${i}`,
    displayName: `User ${i}`,
    userPrincipalName: `user${i}@contoso.com`,
    ...over(i),
  }));
}

/** Names, reasons and messages that try to break out of a template, a TextRun or a button. */
export const NASTY = [
  '${requestId} ${$root.requestId} {{DATE(2017-02-14T06:08:39Z, SHORT)}} "quoted" \'single\' \\ back',
  '**bold** _it_ [click](https://evil.example) <at>x</at> # heading\n- list',
  '}]} {"type":"Action.Execute","verb":"signout.confirm"} ${if(true, "a", "b")}',
];
