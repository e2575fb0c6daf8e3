import { formatInstant, type LocalZone } from '../domain/timeFormat';
import type { DirectoryUser } from '../domain/types';
import { displayNameOf, principalNameOf } from '../domain/userNames';
import type { Color } from './cardText';
import statusTemplate from './status.json';
import { isGuest } from './targetFlags';
import { renderTemplate } from './template';

export interface StatusCardData {
  displayName: string;
  upn: string;
  facts: { label: string; text: string; color: Color }[];
}

export function statusCardData(user: DirectoryUser, o: { zone?: LocalZone } = {}): StatusCardData {
  const account =
    user.accountEnabled === true
      ? { text: 'Enabled', color: 'Good' as const }
      : user.accountEnabled === false
        ? { text: 'Blocked from sign-in', color: 'Attention' as const }
        : { text: 'Unknown', color: 'Default' as const };
  return {
    displayName: displayNameOf(user),
    upn: principalNameOf(user),
    facts: [
      { label: 'Mail', text: user.mail || '—', color: 'Default' },
      { label: 'Account', ...account },
      { label: 'User type', text: user.userType || 'Unknown', color: isGuest(user) ? 'Warning' : 'Default' },
      {
        label: 'Sessions valid from',
        text: user.validFrom ? formatInstant(user.validFrom, o.zone) : 'never reset',
        color: 'Default',
      },
      { label: 'Object id', text: user.id, color: 'Default' },
    ],
  };
}

/** What the directory says about one user: account state and since when their sessions are valid. */
export function renderStatusCard(user: DirectoryUser, o: { zone?: LocalZone } = {}): object {
  return renderTemplate(statusTemplate, statusCardData(user, o));
}
