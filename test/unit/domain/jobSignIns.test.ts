import type { SignInEntry } from '../../../src/domain/signIns';
import { JOB_TOP_USERS, jobSignInCheck, summarizeJobSignIns } from '../../../src/domain/jobSignIns';

const T0 = '2026-11-29T14:00:00.000Z';
const at = (minutes: number) => new Date(Date.parse(T0) + minutes * 60_000).toISOString();
let n = 0;
const e = (userId: string, over: Partial<SignInEntry> = {}): SignInEntry => ({
  id: `e${++n}`,
  at: at(10),
  userId,
  app: 'Exchange Online',
  errorCode: 0,
  interactive: true,
  ...over,
});

describe('summarizeJobSignIns', () => {
  it("counts each user's entries after their own valid-from only", () => {
    const s = summarizeJobSignIns({
      users: [
        { id: 'a', validFrom: at(0) },
        { id: 'b', validFrom: at(20) },
      ],
      entries: [
        e('a', { errorCode: 50173, interactive: false, at: at(2) }),
        e('a', { at: at(5) }),
        e('b', { at: at(10) }), // before b was signed out: not a new session
        e('b', { errorCode: 50133, at: at(25) }),
        e('stranger', { at: at(30) }),
      ],
      nonInteractiveMissing: false,
    });
    expect(s).toMatchObject({ refused: 2, usersRefused: 2, usersWithNewSignIns: 1 });
    expect(s.users).toEqual([
      { userId: 'a', refused: 1, newSignIns: 1, lastNewSignInAt: at(5) },
      { userId: 'b', refused: 1, newSignIns: 0, lastNewSignInAt: undefined },
    ]);
  });

  it('names at most 20 users with new sign-ins, the most unusual places first', () => {
    const users = Array.from({ length: 30 }, (_, i) => ({ id: `u${i}`, validFrom: at(0) }));
    const entries = users.map((u, i) =>
      e(u.id, {
        ipAddress: i === 29 ? '198.51.100.9' : '203.0.113.7',
        countryOrRegion: i === 29 ? 'BR' : 'DE',
      }),
    );
    const before = users.map((u) =>
      e(u.id, { at: at(-600), ipAddress: '203.0.113.7', countryOrRegion: 'DE' }),
    );
    const s = summarizeJobSignIns({ users, entries, before, nonInteractiveMissing: false });
    expect(s.top).toHaveLength(JOB_TOP_USERS);
    expect(s.top[0]).toMatchObject({ userId: 'u29', unusual: { newCountry: true, newIp: true } });
    expect(s.top[1].unusual).toBeUndefined();
  });
});

it('does not count a sign-in at the very second of a sign-out as a usual place', () => {
  const atSignOut = e('a', { at: T0, ipAddress: '198.51.100.9', countryOrRegion: 'BR' });
  const s = summarizeJobSignIns({
    users: [{ id: 'a', validFrom: T0 }],
    entries: [atSignOut],
    before: [atSignOut],
    nonInteractiveMissing: false,
  });
  expect(s.users[0].unusual).toBeDefined();
});

it('keeps per user what the CSV shows', () => {
  const s = summarizeJobSignIns({
    users: [{ id: 'a', validFrom: T0 }],
    entries: [e('a', { ipAddress: '198.51.100.9', city: 'Lima', countryOrRegion: 'PE' })],
    before: [],
    nonInteractiveMissing: false,
  });
  expect(jobSignInCheck(s, new Date(T0))).toEqual({
    at: T0,
    users: [
      {
        userId: 'a',
        refused: 0,
        newSignIns: 1,
        lastNewSignInAt: at(10),
        newPlace: '198.51.100.9 (Lima, PE)',
      },
    ],
  });
});
