import type { PostedNotice } from '../../../src/domain/postedNotice';
import { createLogger } from '../../../src/log';
import { LiveCards, type LiveCard, type SecurityCards } from '../../../src/signout/liveCards';
import type { CardUpdate } from '../../../src/signout/teamsPort';

const ORIGIN = { serviceUrl: 'https://smba.example/', bot: { id: 'bot' } };
const silent = createLogger('silent');

/** The Bot Connector as the cards see it: posts get fresh ids; updates answer what the test says. */
class FakeCards implements SecurityCards {
  securityChannelId: string | undefined = 'chan';
  readonly calls: { op: 'post' | 'update'; id: string; card: object }[] = [];
  updateAnswer: CardUpdate = 'updated';
  postFails = false;
  /** resolves a held post */
  private holdPosts: Promise<void> | undefined;
  private lastId = 0;

  hold(): () => void {
    let release!: () => void;
    this.holdPosts = new Promise((r) => (release = r));
    return () => {
      this.holdPosts = undefined;
      release();
    };
  }

  async postSecurityCard(card: object): Promise<string | undefined> {
    await this.holdPosts;
    if (this.postFails) return undefined;
    const id = `act-${++this.lastId}`;
    this.calls.push({ op: 'post', id, card });
    return id;
  }

  async updateSecurityCard(activityId: string, card: object): Promise<CardUpdate> {
    if (this.updateAnswer === 'updated') this.calls.push({ op: 'update', id: activityId, card });
    return this.updateAnswer;
  }
}

/** A subject kept in memory: its version (and a card naming it) and its stored record. */
class Subject implements LiveCard {
  version = 1000;
  notice: PostedNotice | undefined;
  async load() {
    return { version: this.version, card: { v: this.version }, notice: this.notice, origin: ORIGIN };
  }
  async save(change: (n: PostedNotice | undefined) => PostedNotice | undefined): Promise<boolean> {
    const next = change(this.notice);
    if (!next) return false;
    this.notice = next;
    return true;
  }
}

function setup(holder = 'me') {
  const cards = new FakeCards();
  const live = new LiveCards({ cards, claimMs: 60_000, log: silent, holder });
  return { cards, live, subject: new Subject() };
}

describe('LiveCards', () => {
  it('posts once, stores the id, and updates the same card as the subject moves', async () => {
    const { cards, live, subject } = setup();
    await live.show('k', subject);
    expect(cards.calls).toEqual([{ op: 'post', id: 'act-1', card: { v: 1000 } }]);
    expect(subject.notice).toEqual({ channelId: 'chan', activityId: 'act-1', shownVersion: 1000 });
    await live.show('k', subject);
    expect(cards.calls).toHaveLength(1);
    subject.version = 3040;
    await live.show('k', subject);
    expect(cards.calls.at(-1)).toEqual({ op: 'update', id: 'act-1', card: { v: 3040 } });
    expect(subject.notice?.shownVersion).toBe(3040);
  });

  it('collapses a burst into the post and one update with the latest state', async () => {
    const { cards, live, subject } = setup();
    const release = cards.hold();
    const first = live.show('k', subject);
    const burst: Promise<void>[] = [];
    for (let v = 3001; v <= 3050; v++) {
      subject.version = v;
      burst.push(live.show('k', subject));
    }
    release();
    await Promise.all([first, ...burst]);
    expect(cards.calls.map((c) => [c.op, c.card])).toEqual([
      ['post', { v: 1000 }],
      ['update', { v: 3050 }],
    ]);
  });

  it('after a restart, updates the card whose id was stored', async () => {
    const { cards, subject } = setup();
    subject.notice = { channelId: 'chan', activityId: 'act-9', shownVersion: 1000 };
    subject.version = 2000;
    await new LiveCards({ cards, claimMs: 60_000, log: silent, holder: 'new process' }).show('k', subject);
    expect(cards.calls).toEqual([{ op: 'update', id: 'act-9', card: { v: 2000 } }]);
  });

  it('posts a new card when Teams says the old one is gone, and keeps the new id', async () => {
    const { cards, live, subject } = setup();
    subject.notice = { channelId: 'chan', activityId: 'act-9', shownVersion: 1000 };
    subject.version = 2000;
    cards.updateAnswer = 'gone';
    await live.show('k', subject);
    expect(cards.calls).toEqual([{ op: 'post', id: 'act-1', card: { v: 2000 } }]);
    expect(subject.notice).toEqual({ channelId: 'chan', activityId: 'act-1', shownVersion: 2000 });
  });

  it('leaves a failed update for the next change, without a second card', async () => {
    const { cards, live, subject } = setup();
    await live.show('k', subject);
    cards.updateAnswer = 'failed';
    subject.version = 2000;
    await live.show('k', subject);
    expect(subject.notice?.shownVersion).toBe(1000);
    cards.updateAnswer = 'updated';
    subject.version = 3000;
    await live.show('k', subject);
    expect(cards.calls.map((c) => [c.op, c.id])).toEqual([
      ['post', 'act-1'],
      ['update', 'act-1'],
    ]);
  });

  it('releases its claim when the post fails, so the next show posts', async () => {
    const { cards, live, subject } = setup();
    cards.postFails = true;
    await live.show('k', subject);
    expect(subject.notice).toEqual({ channelId: 'chan' });
    cards.postFails = false;
    await live.show('k', subject);
    expect(cards.calls.map((c) => c.op)).toEqual(['post']);
  });

  it("waits for another process's post, and takes over a claim that is too old", async () => {
    const { cards, live, subject } = setup();
    subject.notice = { channelId: 'chan', posting: { by: 'other', since: new Date().toISOString() } };
    await live.show('k', subject);
    expect(cards.calls).toEqual([]);
    subject.notice = {
      channelId: 'chan',
      posting: { by: 'other', since: new Date(Date.now() - 61_000).toISOString() },
    };
    await live.show('k', subject);
    expect(cards.calls.map((c) => c.op)).toEqual(['post']);
  });

  it('posts nothing without a security channel, and logs rather than throws when the store fails', async () => {
    const { cards, live, subject } = setup();
    cards.securityChannelId = undefined;
    await live.show('k', subject);
    expect(cards.calls).toEqual([]);
    cards.securityChannelId = 'chan';
    const log = createLogger('silent');
    const error = jest.spyOn(log, 'error');
    const failing = new LiveCards({ cards, claimMs: 60_000, log });
    await expect(
      failing.show('k', { load: () => Promise.reject(new Error('store down')), save: async () => false }),
    ).resolves.toBeUndefined();
    expect(error).toHaveBeenCalledWith(
      { key: 'k', err: 'store down' },
      'security-channel card not brought up to date',
    );
  });
});
