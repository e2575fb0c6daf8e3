import type { NewAuditEntry } from '../../../src/domain/audit';
import type { Markdown } from '../../../src/domain/markdown';
import { createLogger } from '../../../src/log';
import { ForeignActivityRefusals } from '../../../src/signout/foreignActivity';
import type { TeamsPort } from '../../../src/signout/teamsPort';
import type { AuditSink } from '../../../src/store/auditLog';
import { shown } from '../../support/markdownReader';

const MIN = 60_000;
const A = '11111111-1111-4111-8111-111111111111';
const B = '22222222-2222-4222-8222-222222222222';

describe('ForeignActivityRefusals', () => {
  const setup = () => {
    let now = Date.UTC(2026, 10, 22, 12, 0, 0);
    const lines: NewAuditEntry[] = [];
    const notices: string[] = [];
    const audit = {
      append: async (e: NewAuditEntry) => void lines.push(e),
      appendMany: async (es: readonly NewAuditEntry[]) => void lines.push(...es),
    } as unknown as AuditSink;
    const port = {
      notifySecurity: async (t: Markdown) => void notices.push(shown(t.text)),
      notifySecurityInBackground: (t: Markdown) => void notices.push(shown(t.text)),
    } as unknown as TeamsPort;
    const refusals = new ForeignActivityRefusals({
      audit,
      port,
      log: createLogger('silent'),
      now: () => now,
    });
    const activity = {
      origin: { serviceUrl: 'https://smba.example/', bot: { id: '28:bot', name: 'Bot' } },
      click: false,
    };
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
