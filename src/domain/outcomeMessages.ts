import { joinMarkdown, msg, plain, type Markdown } from './markdown';
import { formatDuration, formatValidFromLine, type LocalZone } from './timeFormat';
import { tallyOutcomes, tallyParts } from './outcomeTally';
import { num } from './wording';
import {
  actionOf,
  type DirectoryUser,
  type RequestAction,
  type SignoutRequest,
  type TargetOutcome,
} from './types';

/** The outcome of a request in words: per user, as a tally, and as a multi-target job's summary line. */

export function person(u: Pick<DirectoryUser, 'displayName' | 'userPrincipalName'>): string {
  return u.userPrincipalName ? `${u.displayName} (${u.userPrincipalName})` : u.displayName;
}

export function outcomeLine(
  user: DirectoryUser | undefined,
  o: TargetOutcome,
  zone?: LocalZone,
  action: RequestAction = 'signout',
): Markdown {
  const who = user ? person(user) : o.userId;
  switch (o.kind) {
    case 'unblocked':
      return allowedAgain(who);
    case 'revoked':
      return o.validFrom
        ? msg`Signed out ${who}. ${formatValidFromLine(o.validFrom, zone)}.`
        : msg`Signed out ${who}.`;
    case 'guestSkipped':
      return msg`${who}: ${o.message ?? 'guest account; nothing changed in this organization.'}`;
    default:
      return msg`Could not ${action === 'unblock' ? 'unblock' : 'sign out'} ${who}: ${o.message ?? o.kind}`;
  }
}

export function targetsSummary(req: Pick<SignoutRequest, 'targets'>): string {
  const [first] = req.targets;
  if (req.targets.length === 1 && first) return person(first);
  return `${req.targets.length} users`;
}

export function outcomeLines(req: SignoutRequest, zone?: LocalZone): Markdown {
  const byId = new Map(req.targets.map((t) => [t.id, t]));
  const lines = req.outcomes.map((o) => outcomeLine(byId.get(o.userId), o, zone, actionOf(req)));
  if (req.error && !lines.length) lines.push(plain(req.error));
  return joinMarkdown(lines, msg`\n\n`);
}

/** '12 signed out, 0 failed, 1 guest skipped[, 3 not started]' */
export function tallyText(req: Pick<SignoutRequest, 'outcomes' | 'targets'>): string {
  const t = tallyOutcomes(req);
  const parts = tallyParts(t);
  if (t.withoutOutcome) parts.push(`${num(t.withoutOutcome)} not started`);
  return parts.join(', ');
}

/** The thread's line when a multi-target job ends. */
export function multiTargetSummary(req: SignoutRequest): Markdown {
  const ms =
    req.startedAt && req.finishedAt ? Math.max(0, Date.parse(req.finishedAt) - Date.parse(req.startedAt)) : 0;
  const head = req.status === 'cancelled' ? 'Bulk sign-out stopped' : 'Bulk sign-out finished';
  return msg`${head} (${req.source ?? `${req.targets.length} users`}): ${tallyText(req)}, in ${formatDuration(ms)}.`;
}

function allowedAgain(who: string): Markdown {
  return msg`Sign-in is allowed again for ${who} (accountEnabled = true). Sessions revoked earlier stay revoked: they sign in afresh.`;
}
