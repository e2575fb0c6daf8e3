import { ForeignActivityRefusals } from '../../src/bot/foreignActivity';
import type { SecurityNotifier } from '../../src/bot/notifier';
import { ForeignActivityTally, OVERFLOW_TENANT } from '../../src/domain/foreignTally';
import { createLogger } from '../../src/log';
import type { AuditSink } from '../../src/store/auditLog';
import type { NewAuditEntry } from '../../src/domain/audit';
import type { Markdown } from '../../src/domain/markdown';
import { shown } from '../support/markdownReader';

const MIN = 60_000;
const A = '11111111-1111-4111-8111-111111111111';
const B = '22222222-2222-4222-8222-222222222222';

describe('ForeignActivityTally', () => {
  it('opens one window per tenant and counts the rest of it', () => {
    const tally = new ForeignActivityTally(10 * MIN, 100);
    expect(tally.record(A, 0)).toMatchObject({
      opened: true,
      window: { tenant: A, start: 0, end: 10 * MIN },
    });
    for (let i = 1; i < 10_000; i++) expect(tally.record(A, i).opened).toBe(false);
    expect(tally.record(B, 5).opened).toBe(true);
    expect(tally.drain()).toEqual([
      { tenant: A, start: 0, end: 10 * MIN, more: 9_999 },
      { tenant: B, start: 5, end: 10 * MIN + 5, more: 0 },
    ]);
    expect(tally.openWindows).toBe(0);
  });

  it('closes a window when it ends, and the next activity opens a new one', () => {
    const tally = new ForeignActivityTally(10 * MIN, 100);
    tally.record(A, 0);
    tally.record(A, MIN);
    tally.record(B, 2 * MIN);
    expect(tally.closeDue(10 * MIN - 1)).toEqual([]);
    const next = tally.record(A, 10 * MIN);
    expect(next.closed).toEqual([{ tenant: A, start: 0, end: 10 * MIN, more: 1 }]);
    expect(next.opened).toBe(true);
    expect(tally.closeDue(12 * MIN)).toEqual([{ tenant: B, start: 2 * MIN, end: 12 * MIN, more: 0 }]);
    expect(tally.openWindows).toBe(1);
  });

  it('bounds memory by count: beyond the cap, new tenants share one overflow window', () => {
    const tally = new ForeignActivityTally(10 * MIN, 50);
    let opened = 0;
    for (let i = 0; i < 100_000; i++) {
      const fake = `${String(i).padStart(8, '0')}-0000-4000-8000-000000000000`;
      if (tally.record(fake, i).opened) opened++;
    }
    expect(tally.openWindows).toBe(51);
    expect(opened).toBe(51);
    const overflow = tally.drain().find((w) => w.tenant === OVERFLOW_TENANT);
    expect(overflow?.more).toBe(100_000 - 51);
  });

  it('bounds memory by age: every window is gone once its time is up', () => {
    const tally = new ForeignActivityTally(10 * MIN, 1000);
    for (let i = 0; i < 500; i++) tally.record(`tenant-${i}`, i * 1000);
    expect(tally.closeDue(10 * MIN + 500 * 1000)).toHaveLength(500);
    expect(tally.openWindows).toBe(0);
  });
});

describe('ForeignActivityRefusals', () => {
  const setup = () => {
    let now = Date.UTC(2026, 10, 22, 12, 0, 0);
    const lines: NewAuditEntry[] = [];
    const notices: string[] = [];
    const audit = {
      append: async (e: NewAuditEntry) => void lines.push(e),
      appendMany: async (es: readonly NewAuditEntry[]) => void lines.push(...es),
    } as unknown as AuditSink;
    const notifier = {
      notify: async (t: Markdown) => void notices.push(shown(t.text)),
    } as unknown as SecurityNotifier;
    const refusals = new ForeignActivityRefusals({
      audit,
      notifier,
      log: createLogger('silent'),
      now: () => now,
    });
    const activity = { serviceUrl: 'https://smba.example/', recipient: { id: '28:bot', name: 'Bot' } };
    return { refusals, lines, notices, activity, advance: (ms: number) => (now += ms) };
  };

  it('turns a flood of 10,000 into one notice and two audit lines, with the count', async () => {
    const { refusals, lines, notices, activity, advance } = setup();
    const first = await Promise.all(Array.from({ length: 10_000 }, () => refusals.refuse(A, activity)));
    expect(first.filter(Boolean)).toHaveLength(1);
    expect(notices).toHaveLength(1);
    expect(lines).toHaveLength(1);
    advance(10 * MIN);
    await refusals.sweep();
    expect(lines).toHaveLength(2);
    expect(lines[1]).toMatchObject({ event: 'refused', tenantId: A, actor: {} });
    expect(lines[1].detail).toMatch(/^foreign tenant: 9,999 more activities from tenant 1111/);
    expect(notices).toHaveLength(1);
  });

  it('writes the count of open windows at shutdown, so nothing is lost', async () => {
    const { refusals, lines, activity } = setup();
    for (let i = 0; i < 5; i++) await refusals.refuse(A, activity);
    await refusals.refuse(B, activity);
    await refusals.flush();
    expect(lines.map((l) => l.detail)).toEqual([
      expect.stringMatching(/1 activity from tenant 1111/),
      expect.stringMatching(/1 activity from tenant 2222/),
      expect.stringMatching(/4 more activities from tenant 1111/),
    ]);
  });

  it('gives each tenant one notice per 10 minutes', async () => {
    const { refusals, notices, activity, advance } = setup();
    await refusals.refuse(A, activity);
    advance(9 * MIN);
    await refusals.refuse(A, activity);
    expect(notices).toHaveLength(1);
    advance(MIN);
    await refusals.refuse(A, activity);
    expect(notices).toHaveLength(2);
  });

  it('never puts a tenant id that is not a GUID into the audit entry', async () => {
    const { refusals, lines, notices, activity } = setup();
    await refusals.refuse('invalid', activity);
    expect(lines[0].tenantId).toBeUndefined();
    expect(notices[0]).toMatch(/with a tenant id that is not a GUID/);
  });
});
