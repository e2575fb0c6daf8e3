import { currentBotBlock } from '../../src/domain/botBlock';
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
