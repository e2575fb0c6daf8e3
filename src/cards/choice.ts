import type { DirectoryUser } from '../domain/types';
import { displayNameOf, principalNameOf } from '../domain/userNames';
import { num, plural } from '../domain/wording';
import choiceTemplate from './choice.json';
import { targetFlags, type TargetFlags } from './targetFlags';
import { renderTemplate } from './template';

/** Candidates on a choice card. */
export const CHOICE_LIMIT = 10;

export interface ChoiceCardData {
  requestId: string;
  countText: string;
  typed: string;
  candidates: ({
    userId: string;
    displayName: string;
    upn: string;
    mail: string;
    buttonTitle: string;
  } & TargetFlags)[];
  hasMore: boolean;
  moreText: string;
}

export function choiceCardData(
  typed: string,
  users: readonly DirectoryUser[],
  requestId: string,
): ChoiceCardData {
  const shown = users.slice(0, CHOICE_LIMIT);
  const more = users.length - shown.length;
  return {
    requestId,
    countText: `${plural(users.length, 'user')} match`,
    typed,
    candidates: shown.map((u) => ({
      userId: u.id,
      displayName: displayNameOf(u),
      upn: principalNameOf(u),
      mail: u.mail || '—',
      ...targetFlags(u),
      buttonTitle: `Choose ${principalNameOf(u)}`,
    })),
    hasMore: more > 0,
    moreText: `…and ${num(more)} more. Ask again with the user principal name or object id of the one you mean.`,
  };
}

/**
 * A typed display name matched several users: one button per candidate (verb signout.choose, data
 * `{ requestId, userId }`), and "None of these" (signout.cancel). Nothing is signed out from here.
 */
export function renderChoiceCard(typed: string, users: readonly DirectoryUser[], requestId: string): object {
  return renderTemplate(choiceTemplate, choiceCardData(typed, users, requestId));
}
