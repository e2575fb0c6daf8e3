/**
 * The two-person rule and the self-protection guards of issue 5, as pure functions: whether a request
 * needs a second admin (APPROVAL_POLICY, BULK_APPROVAL_THRESHOLD), who may approve it, and which
 * targets are never signed out (the requester without --self, break-glass accounts in
 * PROTECTED_USER_IDS). Every `why` and problem is plain words for the card.
 */

import { isBulk } from './requestSize';

/** The values of APPROVAL_POLICY (its default is in src/config.ts). */
export const APPROVAL_POLICIES = ['none', 'privileged', 'bulk', 'always'] as const;
export type ApprovalPolicy = (typeof APPROVAL_POLICIES)[number];

/** A target as far as the card's wording needs it (DirectoryUser fits). */
export interface PrivilegedTarget {
  displayName: string;
  privilegedRoles?: string[];
}

export interface ApprovalInput {
  policy: ApprovalPolicy;
  /** BULK_APPROVAL_THRESHOLD: a request of this many targets or more is bulk */
  bulkThreshold: number;
  targetCount: number;
  /** targets holding a privileged directory role */
  privilegedCount: number;
  /** the privileged targets, to name them in `why`; the first three are named */
  privilegedTargets?: PrivilegedTarget[];
  /** `signout all`: every user in the tenant */
  all?: boolean;
  /** `signout --block`: sign-in is disabled as well */
  block?: boolean;
  /** an unblock request (allow sign-in again), judged like a sign-out of the same users */
  unblock?: boolean;
}

export interface ApprovalDecision {
  required: boolean;
  /** plain words for the card: why a second admin is (or is not) needed */
  why: string;
}

const NAMED = 3;

/**
 * Whether a second admin must approve. 'always' and 'none' mean what they say. 'privileged' asks when
 * any target holds a privileged role; 'bulk' when the targets number at least `bulkThreshold` (so the
 * default of 10 asks for 10 users, not only 11). `signout all` asks under every policy but 'none',
 * whatever the count: it is the one request that can lock the whole organisation out. `--block` alone
 * does not ask (containment must not wait for a second admin, and unblock reverses it); it is only
 * mentioned when approval is needed for another reason.
 */
export function approvalNeeded(o: ApprovalInput): ApprovalDecision {
  if (!Number.isInteger(o.bulkThreshold) || o.bulkThreshold < 1) {
    throw new RangeError(`bulkThreshold must be a positive integer, not ${o.bulkThreshold}`);
  }
  if (o.policy === 'none') {
    return { required: false, why: 'The approval policy is none: no second admin is needed.' };
  }
  const reasons: string[] = [];
  if (o.policy === 'always')
    reasons.push(
      o.unblock
        ? 'the approval policy asks a second admin for every sign-out and every unblock'
        : 'the approval policy asks a second admin for every sign-out',
    );
  if (o.all) reasons.push('it signs out every user in the organization');
  if (o.policy === 'privileged' && o.privilegedCount > 0) reasons.push(privilegedWhy(o));
  if (o.policy === 'bulk' && isBulk(o.targetCount, o.bulkThreshold)) {
    reasons.push(`${users(o.targetCount)} is at or above the bulk threshold of ${o.bulkThreshold}`);
  }
  if (reasons.length === 0) {
    return { required: false, why: notNeededWhy(o) };
  }
  if (o.block) reasons.push('sign-in will also be blocked');
  const why = reasons.join('; ');
  return { required: true, why: `${why.charAt(0).toUpperCase()}${why.slice(1)}.` };
}

function privilegedWhy(o: ApprovalInput): string {
  const named = (o.privilegedTargets ?? []).slice(0, NAMED);
  if (named.length === 0) {
    return o.privilegedCount === 1
      ? '1 target holds a privileged admin role'
      : `${o.privilegedCount} targets hold privileged admin roles`;
  }
  const parts = named.map((t) => {
    const roles = t.privilegedRoles ?? [];
    return roles.length
      ? `${t.displayName} holds ${sentence(roles)}`
      : `${t.displayName} holds a privileged role`;
  });
  const more = o.privilegedCount - named.length;
  if (more > 0) parts.push(`${more} more ${more === 1 ? 'target holds' : 'targets hold'} privileged roles`);
  return parts.join('; ');
}

function notNeededWhy(o: ApprovalInput): string {
  if (o.policy === 'privileged') return 'No target holds a privileged admin role.';
  return `${users(o.targetCount)} is below the bulk threshold of ${o.bulkThreshold}.`;
}

export type ApprovalRefusal = 'ownRequest' | 'notApprover';

/**
 * Whether this admin may approve (or reject) the request. The requester never may, whatever group
 * they are in; anyone else must be an approver (APPROVER_GROUP_ID, default ADMIN_GROUP_ID), which the
 * caller checks and passes as `approverAllowed`.
 */
export function canApprove(o: {
  requesterId: string;
  approverId: string | undefined;
  approverAllowed: boolean;
}): { ok: true } | { ok: false; why: ApprovalRefusal } {
  if (!o.approverId) return { ok: false, why: 'notApprover' };
  if (sameId(o.requesterId, o.approverId)) return { ok: false, why: 'ownRequest' };
  if (!o.approverAllowed) return { ok: false, why: 'notApprover' };
  return { ok: true };
}

/**
 * Refuses to let an admin unblock their own account, with no override: a blocked account that unblocks
 * itself is exactly what an attacker holding a stolen session would do before the session ends.
 */
export function selfUnblockProblem(requesterId: string, targetId: string): string | undefined {
  if (!sameId(requesterId, targetId)) return undefined;
  return "You can't unblock your own account, so I changed nothing: another admin must do it. (A blocked account that unblocks itself is what an attacker with a stolen session would try.)";
}

/** Refuses a request that would sign out the requester, unless they added `--self`. */
export function selfTargetProblem(
  requesterId: string,
  targetIds: readonly string[],
  selfFlag: boolean,
): string | undefined {
  if (selfFlag || !targetIds.some((id) => sameId(id, requesterId))) return undefined;
  return 'You are one of the targets, so this would sign you out too. If that is what you want, add --self to the command.';
}

export interface NamedTarget {
  id: string;
  displayName: string;
}

/** The targets that are break-glass accounts (PROTECTED_USER_IDS). */
export function protectedTargets<T extends NamedTarget>(
  targets: readonly T[],
  protectedIds: readonly string[],
): T[] {
  const ids = new Set(protectedIds.map(normalizeId).filter(Boolean));
  return targets.filter((t) => ids.has(normalizeId(t.id)));
}

/**
 * Refuses a request that names a break-glass account in PROTECTED_USER_IDS, naming each. There is no
 * override: these accounts are how the organisation gets back in when everything else is locked out.
 * The bot does not unblock them either: whatever happens to them happens in the Entra admin center.
 */
export function protectedTargetProblem(
  targets: readonly NamedTarget[],
  protectedIds: readonly string[],
  action: 'signout' | 'unblock' = 'signout',
): string | undefined {
  const hit = protectedTargets(targets, protectedIds);
  if (hit.length === 0) return undefined;
  const names = sentence(hit.map((t) => t.displayName));
  if (action === 'unblock')
    return `${names} is a protected break-glass account (PROTECTED_USER_IDS); the bot never signs it out, blocks or unblocks it, so I changed nothing. If its sign-in must change, do it in the Microsoft Entra admin center.`;
  return hit.length === 1
    ? `${names} is a protected break-glass account (PROTECTED_USER_IDS); the bot never signs it out or blocks it.`
    : `${names} are protected break-glass accounts (PROTECTED_USER_IDS); the bot never signs them out or blocks them.`;
}

function users(n: number): string {
  return n === 1 ? '1 user' : `${n} users`;
}

/** "a", "a and b", "a, b and c" */
function sentence(items: readonly string[]): string {
  if (items.length <= 1) return items.join('');
  return `${items.slice(0, -1).join(', ')} and ${items[items.length - 1]}`;
}

function normalizeId(id: string): string {
  return id.trim().toLowerCase();
}

function sameId(a: string, b: string): boolean {
  return normalizeId(a) === normalizeId(b) && normalizeId(a) !== '';
}
