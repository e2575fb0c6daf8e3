import type { AlertActionEntry } from './alertActions';

/**
 * Risk episodes: one card per user and episode of risk (Identity Protection, issue 14). An episode
 * starts when the bot sees a user at risk whom it holds no open episode for, and is named by the user's
 * id and the `riskLastUpdatedDateTime` it was first seen with. Later changes of level, state or detail
 * belong to the same episode and update its card; once the state leaves risk (dismissed, remediated,
 * confirmed safe) the episode is closed, and a later risk is a new episode with a new card. Pure.
 */

/** A risky user as GET /identityProtection/riskyUsers reports them, ids lower-cased. */
export interface RiskyUser {
  id: string;
  userPrincipalName: string;
  displayName: string;
  /** low, medium, high, hidden, none, unknownFutureValue */
  riskLevel: string;
  /** atRisk, confirmedCompromised, dismissed, remediated, confirmedSafe, none, … */
  riskState: string;
  riskDetail: string;
  /** ISO, UTC */
  riskLastUpdatedDateTime: string;
}

/** One risk detection of the user (GET /identityProtection/riskDetections), as the card shows it. */
export interface RiskDetection {
  riskEventType: string;
  /** ISO, UTC */
  detectedDateTime: string;
  ipAddress: string;
  /** "City, State, CC", or empty */
  location: string;
}

/** The states in which the user is still a risk: the card keeps its buttons. */
const ONGOING = new Set(['atrisk', 'confirmedcompromised']);

export function isOngoing(riskState: string): boolean {
  return ONGOING.has(riskState.toLowerCase());
}

/** Who is posting an episode's card: a process (instance and start-up token) and when it claimed it. */
export interface CardPoster {
  instance: string;
  token: string;
  at: string;
}

export interface RiskEpisode {
  userId: string;
  /** riskLastUpdatedDateTime when the episode was first seen: with userId, the episode's identity */
  startedAt: string;
  /** what Identity Protection said last */
  latest: RiskyUser;
  /** false once the risk state is no longer ongoing */
  open: boolean;
  /** the card in the security channel, once posted */
  cardActivityId?: string;
  /** the claim on posting the card, so one instance posts it */
  poster?: CardPoster;
  /** what admins did from the card, oldest first */
  actions: AlertActionEntry[];
  /** a sign-out made from the card: its card replaced the alert card, which the poll then leaves alone */
  requestId?: string;
}

export type EpisodePlan =
  { kind: 'start'; episode: RiskEpisode } | { kind: 'update'; episode: RiskEpisode } | { kind: 'none' };

/** What one observation of a user means for the episode stored for them (if any). */
export function planEpisode(stored: RiskEpisode | undefined, seen: RiskyUser): EpisodePlan {
  const ongoing = isOngoing(seen.riskState);
  if (!stored || !stored.open) {
    if (!ongoing) return { kind: 'none' };
    if (stored && !isNewer(seen.riskLastUpdatedDateTime, stored.latest.riskLastUpdatedDateTime)) {
      return { kind: 'none' };
    }
    return {
      kind: 'start',
      episode: {
        userId: seen.id,
        startedAt: seen.riskLastUpdatedDateTime,
        latest: seen,
        open: true,
        actions: [],
      },
    };
  }
  if (!changed(stored.latest, seen)) return { kind: 'none' };
  return { kind: 'update', episode: { ...stored, latest: seen, open: ongoing } };
}

/** The card shows level, state and detail (and the names): a change of any of them redraws it. */
function changed(a: RiskyUser, b: RiskyUser): boolean {
  return (
    a.riskLevel !== b.riskLevel ||
    a.riskState !== b.riskState ||
    a.riskDetail !== b.riskDetail ||
    a.displayName !== b.displayName ||
    a.userPrincipalName !== b.userPrincipalName
  );
}

function isNewer(a: string, b: string): boolean {
  const ta = Date.parse(a);
  const tb = Date.parse(b);
  return Number.isFinite(ta) && (!Number.isFinite(tb) || ta > tb);
}

/**
 * Open episodes whose user the poll no longer lists as at risk: their risk changed (dismissed,
 * remediated, confirmed, or below the threshold), so each is read on its own to update its card.
 */
export function episodesToRecheck(
  stored: readonly RiskEpisode[],
  atRisk: readonly RiskyUser[],
): RiskEpisode[] {
  const listed = new Set(atRisk.map((u) => u.id.toLowerCase()));
  return stored.filter((ep) => ep.open && !listed.has(ep.userId.toLowerCase()));
}

/**
 * This process may post the episode's card: none is posted yet, and nobody holds the claim, or this
 * process does, or its holder has not posted it within a whole lease (it died in between).
 */
export function mayPostCard(
  ep: Pick<RiskEpisode, 'cardActivityId' | 'poster'>,
  me: { instance: string; token: string },
  nowMs: number,
  leaseMs: number,
): boolean {
  if (ep.cardActivityId) return false;
  const p = ep.poster;
  return !p || (p.instance === me.instance && p.token === me.token) || nowMs - Date.parse(p.at) > leaseMs;
}
