import {
  episodesToRecheck,
  mayPostCard,
  planEpisode,
  type RiskEpisode,
  type RiskyUser,
} from '../../../src/domain/riskEpisode';

const seen = (over: Partial<RiskyUser> = {}): RiskyUser => ({
  id: 'u1',
  userPrincipalName: 'lester@contoso.com',
  displayName: 'Lester Lee',
  riskLevel: 'high',
  riskState: 'atRisk',
  riskDetail: 'none',
  riskLastUpdatedDateTime: '2026-11-22T12:00:00Z',
  ...over,
});

const episode = (over: Partial<RiskEpisode> = {}): RiskEpisode => ({
  userId: 'u1',
  startedAt: '2026-11-22T12:00:00Z',
  latest: seen(),
  open: true,
  cardActivityId: 'act-1',
  actions: [],
  ...over,
});

describe('risk episodes', () => {
  it('starts an episode for a user at risk the bot holds nothing for, named by riskLastUpdatedDateTime', () => {
    const plan = planEpisode(undefined, seen());
    expect(plan).toEqual({
      kind: 'start',
      episode: { userId: 'u1', startedAt: '2026-11-22T12:00:00Z', latest: seen(), open: true, actions: [] },
    });
  });

  it('starts nothing for a user who is not at risk', () => {
    expect(planEpisode(undefined, seen({ riskState: 'dismissed' })).kind).toBe('none');
    expect(planEpisode(undefined, seen({ riskState: 'remediated' })).kind).toBe('none');
  });

  it('leaves an open episode alone while nothing on its card changed', () => {
    expect(planEpisode(episode(), seen()).kind).toBe('none');
    // a new riskLastUpdatedDateTime alone is the same episode
    expect(planEpisode(episode(), seen({ riskLastUpdatedDateTime: '2026-11-22T13:00:00Z' })).kind).toBe(
      'none',
    );
  });

  it('updates the same episode (and its card) on a change of level, state or detail', () => {
    for (const change of [
      { riskLevel: 'medium' },
      { riskState: 'confirmedCompromised' },
      { riskDetail: 'adminConfirmedUserCompromised' },
    ]) {
      const plan = planEpisode(
        episode(),
        seen({ ...change, riskLastUpdatedDateTime: '2026-11-22T13:00:00Z' }),
      );
      expect(plan.kind).toBe('update');
      if (plan.kind !== 'update') continue;
      expect(plan.episode.startedAt).toBe('2026-11-22T12:00:00Z');
      expect(plan.episode.cardActivityId).toBe('act-1');
      expect(plan.episode.open).toBe(true);
    }
  });

  it('closes the episode when the risk ends', () => {
    for (const riskState of ['dismissed', 'remediated', 'confirmedSafe', 'none']) {
      const plan = planEpisode(
        episode(),
        seen({ riskState, riskLastUpdatedDateTime: '2026-11-22T13:00:00Z' }),
      );
      expect(plan.kind).toBe('update');
      expect(plan.kind === 'update' && plan.episode.open).toBe(false);
    }
  });

  it('starts a new episode when a user whose episode closed is at risk again, later', () => {
    const closed = episode({
      open: false,
      latest: seen({ riskState: 'dismissed', riskLastUpdatedDateTime: '2026-11-22T13:00:00Z' }),
    });
    expect(planEpisode(closed, seen({ riskLastUpdatedDateTime: '2026-11-22T13:00:00Z' })).kind).toBe('none');
    const again = planEpisode(closed, seen({ riskLastUpdatedDateTime: '2026-11-23T08:00:00Z' }));
    expect(again.kind).toBe('start');
    expect(again.kind === 'start' && again.episode.startedAt).toBe('2026-11-23T08:00:00Z');
    expect(again.kind === 'start' && again.episode.cardActivityId).toBeUndefined();
  });
});

describe('who posts an episode card', () => {
  const me = { instance: 'a', token: 't1' };
  const now = Date.parse('2026-11-22T12:01:00Z');
  it('nobody once it is posted', () => {
    expect(mayPostCard({ cardActivityId: 'x' }, me, now, 60_000)).toBe(false);
  });
  it('the claimant, or anyone when nobody claimed it', () => {
    expect(mayPostCard({}, me, now, 60_000)).toBe(true);
    expect(mayPostCard({ poster: { ...me, at: '2026-11-22T12:00:59Z' } }, me, now, 60_000)).toBe(true);
  });
  it('another process only after a whole lease', () => {
    const other = { instance: 'b', token: 't2' };
    expect(mayPostCard({ poster: { ...other, at: '2026-11-22T12:00:30Z' } }, me, now, 60_000)).toBe(false);
    expect(mayPostCard({ poster: { ...other, at: '2026-11-22T11:59:59Z' } }, me, now, 60_000)).toBe(true);
    // same instance name, another process (a restart): it waits like anyone else
    expect(
      mayPostCard({ poster: { instance: 'a', token: 'old', at: '2026-11-22T12:00:30Z' } }, me, now, 60_000),
    ).toBe(false);
  });
});

describe('episodes to read again', () => {
  it('are the open ones whose user is no longer listed at risk', () => {
    const stored = [
      episode({ userId: 'u1' }),
      episode({ userId: 'u2' }),
      episode({ userId: 'u3', open: false }),
    ];
    expect(episodesToRecheck(stored, [seen({ id: 'U1' })]).map((e) => e.userId)).toEqual(['u2']);
  });
});
