import type { DirectoryUser } from '../domain/types';
import type { Color } from './cardText';

/** What a card flags next to a target's name: guest, disabled, privileged (with the roles). */
export interface TargetFlags {
  hasFlags: boolean;
  flags: string;
  flagColor: Color;
}

export function targetFlags(t: DirectoryUser): TargetFlags {
  const flags = [
    isGuest(t) && 'Guest',
    t.accountEnabled === false && 'Disabled',
    isPrivileged(t) && rolesFlag(t),
  ].filter(Boolean);
  return {
    hasFlags: flags.length > 0,
    flags: flags.join(' · '),
    flagColor: isPrivileged(t) ? 'Attention' : 'Warning',
  };
}

/** "⚠ Global Administrator, Exchange Administrator" */
export function rolesFlag(t: Pick<DirectoryUser, 'privilegedRoles'>): string {
  return `⚠ ${(t.privilegedRoles ?? []).join(', ')}`;
}

export function isGuest(u: Pick<DirectoryUser, 'userType'>): boolean {
  return u.userType?.toLowerCase() === 'guest';
}

export function isPrivileged(u: Pick<DirectoryUser, 'privilegedRoles'>): boolean {
  return (u.privilegedRoles?.length ?? 0) > 0;
}
