import { placeOf, type SignInEntry } from '../domain/signIns';
import { formatInstant, formatShortTime, type LocalZone } from '../domain/timeFormat';
import type { DirectoryUser } from '../domain/types';
import { displayNameOf, principalNameOf } from '../domain/userNames';
import { BASELINE_DAYS } from '../domain/unusualPlaces';
import { freshnessText, suggestsBlock, verdictText, type VerifyReport } from '../domain/verifyReport';
import { num } from '../domain/wording';
import { fitToBudget } from './budget';
import type { Color, Note } from './cardText';
import { renderTemplate } from './template';
import verifyTemplate from './verify.json';

/** New sign-ins shown per app; the verdict counts them all. */
const SIGN_INS_PER_APP = 10;

interface ColoredLine {
  label: string;
  text: string;
  color: Color;
}

export interface VerifyCardData {
  title: string;
  upn: string;
  window: string;
  verdict: string;
  verdictColor: Color;
  notes: Note[];
  apps: { app: string; lines: ColoredLine[] }[];
  hasMore: boolean;
  moreText: string;
  freshness: string;
  canCheckAgain: boolean;
  requestId: string;
}

export interface VerifyCardOptions {
  zone?: LocalZone;
  /** e.g. "Follow-up 15 minutes after the sign-out" */
  heading?: string;
  /** plain words and Graph's reference, when the non-interactive log could not be read */
  missingRefreshes?: string;
  /** the sign-out this checks: offers "Check again", which reads the logs anew for its users */
  requestId?: string;
}

/**
 * `verify` and the follow-ups: the verdict, then each app (newest activity first) with its refused old
 * sessions and its new sign-ins, newest first. Every value from the logs (app, address, place, device,
 * client) is a TextRun of its own: the logs are written by whoever signs in.
 */
export function verifyCardData(
  user: DirectoryUser,
  r: VerifyReport,
  o: VerifyCardOptions = {},
): VerifyCardData {
  const verdictColor: Color =
    r.acceptedWithoutSignIn.length > 0 || suggestsBlock(r)
      ? 'Attention'
      : r.newSignIns.length
        ? 'Warning'
        : 'Good';
  const notes: Note[] = [];
  if (o.missingRefreshes) notes.push({ text: o.missingRefreshes, color: 'Warning' });
  if (suggestsBlock(r)) {
    notes.push({
      text: `If that was not ${displayNameOf(user)}: signout --block ${principalNameOf(user)} blocks sign-in and signs them out again.`,
      color: 'Attention',
    });
  }
  if (r.unusual === undefined && r.newSignIns.length) {
    notes.push({
      text: `The bot could not read the ${BASELINE_DAYS} days before, so it cannot say whether these places are usual.`,
      color: 'Default',
    });
  }
  const unusualIds = new Set(r.unusual?.map((u) => u.entry.id));
  const rows = r.apps.map((a) => {
    const lines: ColoredLine[] = [];
    if (a.refused) {
      lines.push({
        label: 'Refused old sessions',
        text: `${num(a.refused)}, last at ${formatShortTime(a.lastRefusedAt!, o.zone)}`,
        color: 'Good',
      });
    }
    for (const e of a.newSignIns.slice(0, SIGN_INS_PER_APP))
      lines.push(signInLine(e, unusualIds.has(e.id), o.zone));
    if (a.newSignIns.length > SIGN_INS_PER_APP) {
      lines.push({
        label: 'More new sign-ins',
        text: num(a.newSignIns.length - SIGN_INS_PER_APP),
        color: 'Warning',
      });
    }
    if (a.otherFailures) {
      lines.push({ label: 'Other failed attempts', text: num(a.otherFailures), color: 'Default' });
    }
    return { app: a.app, lines };
  });
  const data: VerifyCardData = {
    title: `Sign-ins of ${displayNameOf(user)}`,
    upn: principalNameOf(user),
    window: `${o.heading ? `${o.heading}. ` : ''}Since ${formatInstant(r.since, o.zone)}.`,
    verdict: verdictText(r, o.zone),
    verdictColor,
    notes,
    apps: rows,
    hasMore: false,
    moreText: '',
    freshness: freshnessText(r, o.zone),
    canCheckAgain: o.requestId !== undefined,
    requestId: o.requestId ?? '',
  };
  const set = (k: number) => {
    data.apps = rows.slice(0, k);
    data.hasMore = k < rows.length;
    data.moreText = `${num(rows.length - k)} more ${rows.length - k === 1 ? 'app does' : 'apps do'} not fit on a card: see the user's sign-in logs in the Entra admin center.`;
  };
  set(rows.length);
  fitToBudget(verifyTemplate, data, rows.length, set);
  return data;
}

function signInLine(e: SignInEntry, unusual: boolean, zone: LocalZone | undefined): ColoredLine {
  const place = placeOf(e);
  const from = e.ipAddress ? `from ${e.ipAddress}` : 'from an unknown address';
  const parts = [
    place ? `${from} (${place})` : from,
    e.device ? `on ${e.device}` : '',
    e.clientApp ? `with ${e.clientApp}` : '',
    e.mfa === true ? 'MFA satisfied' : e.mfa === false ? 'no MFA' : '',
    e.interactive ? '' : 'token refresh',
    unusual ? `not seen in the ${BASELINE_DAYS} days before` : '',
  ].filter(Boolean);
  return {
    label: `New sign-in at ${formatInstant(e.at, zone)}`,
    text: parts.join(', '),
    color: unusual ? 'Attention' : 'Warning',
  };
}

export function renderVerifyCard(user: DirectoryUser, r: VerifyReport, o: VerifyCardOptions = {}): object {
  return renderTemplate(verifyTemplate, verifyCardData(user, r, o));
}
