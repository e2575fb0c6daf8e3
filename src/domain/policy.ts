import { isGuid } from './guid';

/** Who may use the bot. Fails closed: with nothing configured, nobody may. */
export interface AdminPolicy {
  adminUserIds: readonly string[];
  adminGroupId?: string;
}

export function isPolicyConfigured(p: AdminPolicy): boolean {
  return p.adminUserIds.length > 0 || !!p.adminGroupId;
}

export function isListedAdmin(p: AdminPolicy, userId: string | undefined): boolean {
  return !!userId && p.adminUserIds.includes(userId.toLowerCase());
}

/**
 * Whom a refused activity is counted against: another tenant's id (a GUID, so it is safe to show), or
 * `none` (no tenant id), `invalid` (one that is not a GUID), `conflict` (two that disagree). Never text
 * of the sender's choosing.
 */
export type ForeignTenant = string;

export type TenantCheck = { ok: true } | { ok: false; tenant: ForeignTenant };

/**
 * An activity belongs to this tenant when it names it, in `conversation.tenantId` or
 * `channelData.tenant.id`; when it carries both, they must agree.
 */
export function checkTenant(
  expected: string,
  conversationTenantId: unknown,
  channelDataTenantId: unknown,
): TenantCheck {
  const ids = [conversationTenantId, channelDataTenantId]
    .filter((id) => id !== undefined && id !== null && id !== '')
    .map((id) => (typeof id === 'string' ? id.trim().toLowerCase() : ''));
  if (ids.length === 0) return { ok: false, tenant: 'none' };
  if (ids.length === 2 && ids[0] !== ids[1]) return { ok: false, tenant: 'conflict' };
  if (ids[0] === expected.toLowerCase()) return { ok: true };
  return { ok: false, tenant: isGuid(ids[0]) ? ids[0] : 'invalid' };
}

/** For the help card: who may use the bot, without revealing ids. */
export function whoMayUse(p: AdminPolicy): string {
  if (!isPolicyConfigured(p)) {
    return 'Nobody yet: the bot has no admin group or admin list configured, so it refuses every request.';
  }
  const parts: string[] = [];
  if (p.adminGroupId) parts.push("members of the organization's sign-out admin group in Microsoft Entra");
  if (p.adminUserIds.length) {
    parts.push(
      `${p.adminUserIds.length === 1 ? 'one admin' : `${p.adminUserIds.length} admins`} named in its configuration`,
    );
  }
  return `IT and security admins: ${parts.join(', and ')}.`;
}
