import type { NewAuditEntry } from '../../../src/domain/audit';
import { buildHistory } from '../../../src/domain/history';
import { requestedLines, TARGETS_PER_LINE } from '../../../src/domain/requestedAudit';

const admin = { id: 'admin', name: 'Ada Admin' };
const targets = (n: number) =>
  Array.from({ length: n }, (_, i) => ({ id: `id-${i}`, upn: `user${i}@contoso.com`, name: `User ${i}` }));
const requested = (n: number): NewAuditEntry => ({
  event: 'requested',
  tenantId: 'contoso',
  requestId: 'job-1',
  actor: admin,
  targets: targets(n),
  reason: 'tenant migration',
  source: 'all',
  block: false,
});

describe('requestedLines', () => {
  it('leaves a request whose targets fit one line as it is', () => {
    for (const n of [0, 1, TARGETS_PER_LINE]) {
      const entry = requested(n);
      expect(requestedLines(entry)).toEqual([entry]);
      expect(requestedLines(entry)[0]).not.toHaveProperty('targetCount');
    }
  });

  it('names the first targets and their number on the request line, and the rest on `targeted` lines', () => {
    const n = 2 * TARGETS_PER_LINE + 500;
    const lines = requestedLines(requested(n));
    expect(lines.map((l) => [l.event, l.targets?.length])).toEqual([
      ['requested', TARGETS_PER_LINE],
      ['targeted', TARGETS_PER_LINE],
      ['targeted', 500],
    ]);
    expect(lines[0]).toMatchObject({
      targetCount: n,
      reason: 'tenant migration',
      source: 'all',
      block: false,
    });
    for (const l of lines.slice(1)) {
      expect(l).toEqual({
        event: 'targeted',
        tenantId: 'contoso',
        requestId: 'job-1',
        actor: admin,
        targets: expect.any(Array),
      });
    }
    // every target once, in order
    expect(lines.flatMap((l) => l.targets ?? [])).toEqual(targets(n));
  });

  it('history shows the request with all its targets, for a user on any of its lines', () => {
    const n = TARGETS_PER_LINE + 1;
    const at = '2026-11-30T07:00:00Z';
    const log = [
      ...requestedLines(requested(n)),
      { event: 'refused', requestId: 'job-1', actor: { id: 'eve' }, detail: 'approving your own request' },
    ].map((e) => ({ at, ...e }) as const);
    for (const who of ['id-0', `user${n - 1}@CONTOSO.com`]) {
      const [refusal, request] = buildHistory(log as never, { user: who, count: 5 });
      expect(request).toMatchObject({ requestId: 'job-1', whom: '1,001 users', targetCount: n });
      // a refusal about the request names its targets: it counts them the same way
      expect(refusal).toMatchObject({ kind: 'refused', whom: '1,001 users', targetCount: n });
    }
    expect(buildHistory(log as never, { user: 'id-1001', count: 5 })).toEqual([]);
  });
});
