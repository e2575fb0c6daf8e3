/**
 * A card in the security channel that is posted once and then updated in place (a request's notice, a
 * caller's refusals in an hour), as stored with what it shows. The rules here decide, from that record,
 * whether to update the card, post it, or leave it to another process already posting it. Pure.
 */

export interface PostedNotice {
  /** the channel the card is in: after a change of SECURITY_CHANNEL_ID, a new card is posted there */
  channelId: string;
  /** the card's activity id, once posted */
  activityId?: string;
  /** the version the card shows (see isNewer in requestNotice.ts, or a tally's count) */
  shownVersion?: number;
  /** a first post under way: the process posting, and since when (ISO) */
  posting?: { by: string; since: string };
}

export type NoticePlan =
  /** the card shows this version or a newer one already */
  | { kind: 'nothing' }
  | { kind: 'update'; activityId: string }
  /** store `claim` (compare-and-swap), then post; another process seeing it waits */
  | { kind: 'post'; claim: PostedNotice }
  /** another live process is posting the card; it shows the newest version once it has posted */
  | { kind: 'wait' };

/**
 * What to do to show `version` in `channelId`. A claim older than `claimMs` is from a process that died
 * or whose post hung: it is taken over, so a notice is never stuck behind it (at worst posted twice).
 */
export function planNotice(
  rec: PostedNotice | undefined,
  channelId: string,
  version: number,
  holder: string,
  now: Date,
  claimMs: number,
): NoticePlan {
  const here = rec?.channelId === channelId ? rec : undefined;
  if (here?.activityId) {
    if (here.shownVersion !== undefined && version <= here.shownVersion) return { kind: 'nothing' };
    return { kind: 'update', activityId: here.activityId };
  }
  const posting = here?.posting;
  if (posting && posting.by !== holder && now.getTime() - Date.parse(posting.since) < claimMs)
    return { kind: 'wait' };
  return { kind: 'post', claim: { channelId, posting: { by: holder, since: now.toISOString() } } };
}

/** The record after a post of `version` succeeded: its id, kept for every later update. */
export function posted(channelId: string, activityId: string, version: number): PostedNotice {
  return { channelId, activityId, shownVersion: version };
}

/** The record after an update to `version` succeeded; never lowers what the card is known to show. */
export function shown(rec: PostedNotice, version: number): PostedNotice {
  return { ...rec, shownVersion: Math.max(rec.shownVersion ?? version, version) };
}

/**
 * The record after the card turned out to be gone (the Bot Connector answered 404 to an update:
 * deleted in Teams): forget it, so the next showing posts a new card.
 */
export function gone(rec: PostedNotice): PostedNotice {
  return { channelId: rec.channelId };
}

/** The record after this process's post failed: the claim is released, for the next try. */
export function released(rec: PostedNotice, holder: string): PostedNotice {
  if (rec.posting?.by !== holder) return rec;
  const { posting: _mine, ...rest } = rec;
  return rest;
}
