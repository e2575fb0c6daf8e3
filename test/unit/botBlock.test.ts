import { botBlockNewestFirst, currentBotBlock } from '../../src/domain/botBlock';
import type { AuditEntry } from '../../src/domain/audit';

const LESTER = '11111111-1111-4111-8111-111111111111';
const GWEN = '22222222-2222-4222-8222-222222222222';

let clock = 0;
function entry(event: AuditEntry['event'], targets: string[], over: Partial<AuditEntry> = {}): AuditEntry {
  clock += 1000;
  return {
    at: new Date(Date.UTC(2026, 10, 22) + clock).toISOString(),
    event,
    actor: { id: 'a', name: 'Ada' },
    targets: targets.map((id) => ({ id })),
    ...over,
  };
}

describe('currentBotBlock: is the user blocked by the bot, as its audit log tells', () => {
  it('no entry about the user: not the bot’s block', () => {
    expect(currentBotBlock([], LESTER)).toBeUndefined();
    expect(currentBotBlock([entry('blocked', [GWEN])], LESTER)).toBeUndefined();
  });

  it('a block by the bot with nothing after it is the current block, with its request', () => {
    const blocked = entry('blocked', [LESTER], { requestId: 'r1' });
    expect(currentBotBlock([entry('requested', [LESTER]), blocked, entry('revoked', [LESTER])], LESTER)).toBe(
      blocked,
    );
  });

  it('an unblock after the block ends it, even one that found sign-in already allowed', () => {
    expect(
      currentBotBlock([entry('blocked', [LESTER]), entry('unblocked', [LESTER])], LESTER),
    ).toBeUndefined();
    const noOp = entry('unblocked', [LESTER], { outcome: 'Sign-in was not blocked; nothing changed' });
    expect(currentBotBlock([entry('blocked', [LESTER]), noOp], LESTER)).toBeUndefined();
  });

  it('only the latest block-or-unblock counts: blocked again after an unblock is the bot’s again', () => {
    const again = entry('blocked', [LESTER], { requestId: 'r3' });
    const log = [entry('blocked', [LESTER]), entry('unblocked', [LESTER]), again];
    expect(currentBotBlock(log, LESTER)).toBe(again);
  });

  it('goes by the order of the log, not by the times written in it', () => {
    const blocked = entry('blocked', [LESTER], { at: '2026-11-22T12:00:05Z' });
    const unblocked = entry('unblocked', [LESTER], { at: '2026-11-22T12:00:04Z' });
    expect(currentBotBlock([blocked, unblocked], LESTER)).toBeUndefined();
  });

  it('ignores other events that name the user: requests, failures, refusals, look-ups', () => {
    const blocked = entry('blocked', [LESTER]);
    const later = ['requested', 'confirmed', 'failed', 'refused', 'status', 'revoked'] as const;
    expect(currentBotBlock([blocked, ...later.map((e) => entry(e, [LESTER]))], LESTER)).toBe(blocked);
    expect(
      currentBotBlock(
        later.map((e) => entry(e, [LESTER])),
        LESTER,
      ),
    ).toBeUndefined();
  });

  it('matches object ids case-insensitively, and entries naming several users', () => {
    const blocked = entry('blocked', [GWEN, LESTER.toUpperCase()]);
    expect(currentBotBlock([blocked], LESTER)).toBe(blocked);
    expect(currentBotBlock([blocked, entry('unblocked', [GWEN])], LESTER)).toBe(blocked);
    expect(currentBotBlock([blocked, entry('unblocked', [GWEN])], GWEN)).toBeUndefined();
  });

  it('never throws on an odd log, and never matches an empty id', () => {
    const odd = [
      null,
      { at: 'x', event: 'blocked', actor: {} },
      { at: 'x', event: 'blocked', actor: {}, targets: 'lester' },
      { at: 'x', event: 'blocked', actor: {}, targets: [null, 7, { upn: 'lester@contoso.com' }] },
      { at: 'x', event: 'blocked', actor: {}, targets: [{ id: '' }] },
    ] as unknown as AuditEntry[];
    expect(currentBotBlock(odd, LESTER)).toBeUndefined();
    expect(currentBotBlock(odd, '')).toBeUndefined();
    expect(currentBotBlock([entry('blocked', [''])], ' ')).toBeUndefined();
  });
});

describe('botBlockNewestFirst: the same answer from the log read newest first', () => {
  /** The log as AuditLog.readNewestFirst gives it: whole lines as bytes, `size` lines a chunk, newest chunk first. */
  async function* asBytes(log: readonly unknown[], size: number): AsyncGenerator<Buffer> {
    const lines = log.map((e) => JSON.stringify(e));
    for (let end = lines.length; end > 0; end -= size) {
      yield Buffer.from(lines.slice(Math.max(0, end - size), end).join('\n') + '\n');
    }
  }

  it('agrees with currentBotBlock over every prefix of a log, however it is chunked or written', async () => {
    const log: AuditEntry[] = [
      entry('blocked', [GWEN]),
      entry('blocked', [LESTER.toUpperCase()], { requestId: 'r1' }),
      entry('revoked', [LESTER]),
      entry('unblocked', [GWEN]),
      entry('unblocked', [LESTER], { requestId: 'r2' }),
      entry('blocked', [GWEN, LESTER], { requestId: 'r3' }),
      entry('status', [LESTER]),
    ];
    const lastUnblock = entry('unblocked', [LESTER]);
    for (const full of [log, [...log, lastUnblock]]) {
      for (let n = 0; n <= full.length; n++) {
        const prefix = full.slice(0, n);
        for (const size of [1, 2, 5]) {
          for (const who of [LESTER, GWEN]) {
            const want = currentBotBlock(prefix, who);
            const got = await botBlockNewestFirst(asBytes(prefix, size), who);
            expect(got?.requestId).toEqual(want?.requestId);
            expect(got?.event).toEqual(want?.event);
            expect(!!got).toBe(!!want);
          }
        }
      }
    }
  });

  it('reads a line that names the user with escaped characters, and stops at the newest decision', async () => {
    const escapedId = LESTER.replace(/1/g, '\\u0031');
    const text = [
      JSON.stringify(entry('blocked', [LESTER], { requestId: 'old' })),
      `{"at":"2026-11-22T13:00:00Z","event":"unblocked","actor":{},"targets":[{"id":"${escapedId}"}]}`,
    ].join('\n');
    async function* chunks() {
      yield Buffer.from(text + '\n');
      throw new Error('read past the newest decision');
    }
    expect(await botBlockNewestFirst(chunks(), LESTER)).toBeUndefined();
  });
});
