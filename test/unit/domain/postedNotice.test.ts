import {
  gone,
  planNotice,
  posted,
  released,
  shown,
  type PostedNotice,
} from '../../../src/domain/postedNotice';

const NOW = new Date('2026-11-22T12:00:00Z');
const CLAIM_MS = 60_000;
const ago = (ms: number) => new Date(NOW.getTime() - ms).toISOString();

describe('planNotice', () => {
  it('posts, with a claim, when there is no card yet', () => {
    expect(planNotice(undefined, 'chan', 1000, 'me', NOW, CLAIM_MS)).toEqual({
      kind: 'post',
      claim: { channelId: 'chan', posting: { by: 'me', since: NOW.toISOString() } },
    });
  });

  it('updates the stored card with a newer version, and does nothing for the same or an older one', () => {
    const rec = posted('chan', 'act-1', 3040);
    expect(planNotice(rec, 'chan', 3050, 'me', NOW, CLAIM_MS)).toEqual({
      kind: 'update',
      activityId: 'act-1',
    });
    expect(planNotice(rec, 'chan', 3040, 'me', NOW, CLAIM_MS)).toEqual({ kind: 'nothing' });
    expect(planNotice(rec, 'chan', 2000, 'me', NOW, CLAIM_MS)).toEqual({ kind: 'nothing' });
  });

  it('waits for another process that is posting, and takes over a claim older than claimMs', () => {
    const theirs: PostedNotice = { channelId: 'chan', posting: { by: 'them', since: ago(CLAIM_MS - 1) } };
    expect(planNotice(theirs, 'chan', 1000, 'me', NOW, CLAIM_MS)).toEqual({ kind: 'wait' });
    const stale: PostedNotice = { channelId: 'chan', posting: { by: 'them', since: ago(CLAIM_MS) } };
    expect(planNotice(stale, 'chan', 1000, 'me', NOW, CLAIM_MS).kind).toBe('post');
    // its own claim: a post this process started and lost track of (it serialises its own posts)
    const mine: PostedNotice = { channelId: 'chan', posting: { by: 'me', since: ago(1) } };
    expect(planNotice(mine, 'chan', 1000, 'me', NOW, CLAIM_MS).kind).toBe('post');
  });

  it('posts a new card when SECURITY_CHANNEL_ID names another channel now', () => {
    expect(planNotice(posted('old', 'act-1', 1000), 'new', 2000, 'me', NOW, CLAIM_MS).kind).toBe('post');
  });
});

describe('after a post or an update', () => {
  it('keeps the id and the version shown, never lowering it', () => {
    const rec = posted('chan', 'act-1', 1000);
    expect(shown(rec, 3000)).toEqual({ channelId: 'chan', activityId: 'act-1', shownVersion: 3000 });
    expect(shown(shown(rec, 3000), 2000).shownVersion).toBe(3000);
  });

  it('forgets a card that is gone, so the next showing posts a new one', () => {
    const rec = gone(posted('chan', 'act-1', 1000));
    expect(rec).toEqual({ channelId: 'chan' });
    expect(planNotice(rec, 'chan', 1000, 'me', NOW, CLAIM_MS).kind).toBe('post');
  });

  it('releases only its own claim when its post failed', () => {
    const mine: PostedNotice = { channelId: 'chan', posting: { by: 'me', since: ago(0) } };
    expect(released(mine, 'me')).toEqual({ channelId: 'chan' });
    const theirs: PostedNotice = { channelId: 'chan', posting: { by: 'them', since: ago(0) } };
    expect(released(theirs, 'me')).toBe(theirs);
  });
});
