import { outEverywhereBy, type AccessTokenLifetime } from '../domain/outEverywhereBy';
import { outEverywhereByText } from '../domain/outEverywhereByText';
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

export interface StatusCardOptions {
  zone?: LocalZone;
  /** the tenant's access-token lifetime: with `now`, "out everywhere by" while that is still ahead */
  lifetime?: AccessTokenLifetime;
  now?: Date;
}

export function statusCardData(user: DirectoryUser, o: StatusCardOptions = {}): StatusCardData {
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
      ...outEverywhereFact(user, o),
      { label: 'Object id', text: user.id, color: 'Default' },
    ],
  };
}

/** After a recent sign-out, until the last access token issued before it has expired. */
function outEverywhereFact(user: DirectoryUser, o: StatusCardOptions): StatusCardData['facts'] {
  if (!user.validFrom || !o.lifetime || !o.now) return [];
  const validFrom = new Date(user.validFrom);
  if (!Number.isFinite(validFrom.getTime())) return [];
  const by = outEverywhereBy(validFrom, o.lifetime);
  if (by.allAppsBy.getTime() <= o.now.getTime()) return [];
  return [{ label: 'Not yet out everywhere', text: outEverywhereByText(by, o.zone), color: 'Warning' }];
}

/** What the directory says about one user: account state and since when their sessions are valid. */
export function renderStatusCard(user: DirectoryUser, o: StatusCardOptions = {}): object {
  return renderTemplate(statusTemplate, statusCardData(user, o));
}
