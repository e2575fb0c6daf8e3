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

export function sameTenant(expected: string, actual: string | undefined): boolean {
  return !!actual && actual.toLowerCase() === expected.toLowerCase();
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
