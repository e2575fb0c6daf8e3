import {
  endAuditEntries,
  endAuditSlices,
  notYetAudited,
  outcomeAuditEntries,
} from '../../src/domain/outcomeAudit';
import type { AuditEntry } from '../../src/domain/audit';
import { aRequest } from '../support/requests';

const target = (id: string) => ({ id, displayName: id, userPrincipalName: `${id}@contoso.com` });

describe('outcomeAuditEntries', () => {
  it('writes one outcome line per user, after a blocked line when Graph confirmed the block', () => {
    const req = aRequest({
      targets: [target('u1'), target('u2'), target('u3')],
      confirmedBy: { id: 'c', name: 'C' },
      outcomes: [
        { userId: 'u1', kind: 'revoked', validFrom: '2026-11-22T12:00:01Z', blocked: true, requestId: 'g1' },
        {
          userId: 'u2',
          kind: 'failed',
          code: 'ServiceUnavailable',
          message: 'Graph did not answer',
          blocked: true,
        },
        { userId: 'u3', kind: 'unblocked', requestId: 'g3' },
      ],
    });
    const lines = outcomeAuditEntries(req);
    expect(lines.map((e) => [e.event, e.targets?.[0].id, e.outcome])).toEqual([
      ['blocked', 'u1', undefined],
      ['revoked', 'u1', 'revoked'],
      ['blocked', 'u2', undefined],
      ['failed', 'u2', 'failed'],
      ['unblocked', 'u3', 'unblocked'],
    ]);
    expect(lines[1]).toMatchObject({
      requestId: 'r1',
      actor: { id: 'c' },
      targets: [{ id: 'u1', upn: 'u1@contoso.com' }],
      graphRequestIds: ['g1'],
      detail: 'validFrom 2026-11-22T12:00:01Z',
    });
    expect(lines[3].detail).toBe('Graph did not answer');
  });
});

describe('endAuditEntries', () => {
  const megan = { id: 'm', name: 'Megan' };

  it('writes the event that ended a request before its outcomes, and a job summary last', () => {
    const stopped = aRequest({
      status: 'cancelled',
      startedAt: '2026-11-22T12:00:00Z',
      cancelledBy: megan,
      targets: [target('u1'), target('u2')],
      outcomes: [{ userId: 'u1', kind: 'revoked' }],
    });
    expect(endAuditEntries(stopped).map((e) => [e.event, e.actor, e.targets?.[0].id])).toEqual([
      ['cancelled', megan, undefined],
      ['revoked', {}, 'u1'],
      ['ended', {}, undefined],
    ]);
    expect(endAuditEntries(stopped).at(-1)).toEqual({
      event: 'ended',
      tenantId: 't',
      requestId: 'r1',
      actor: {},
      counts: { revoked: 1 },
      blockedCount: 0,
    });
  });

  it('writes one line for a request that ended before it ran, and none of its own for a job that ran out', () => {
    expect(endAuditEntries(aRequest({ status: 'expired' }))).toEqual([
      { event: 'expired', tenantId: 't', requestId: 'r1', actor: {} },
    ]);
    const rejected = aRequest({
      status: 'rejected',
      rejectedBy: megan,
      rejectionReason: 'wrong user',
      conversation: { reference: { conversation: { id: '19:abc@thread.tacv2;messageid=1' } } },
    });
    expect(endAuditEntries(rejected)).toEqual([
      {
        event: 'rejected',
        tenantId: 't',
        requestId: 'r1',
        actor: megan,
        reason: 'wrong user',
        conversationId: '19:abc@thread.tacv2;messageid=1',
      },
    ]);
    const done = aRequest({
      status: 'done',
      targets: [target('u1')],
      outcomes: [{ userId: 'u1', kind: 'revoked' }],
    });
    expect(endAuditEntries(done).map((e) => e.event)).toEqual(['revoked']);
  });
});

describe('notYetAudited', () => {
  it('leaves out the lines a log already holds for the request, by event and user', () => {
    const req = aRequest({
      targets: [target('u1'), target('u2')],
      outcomes: [
        { userId: 'u1', kind: 'revoked', blocked: true },
        { userId: 'u2', kind: 'revoked', blocked: true },
      ],
    });
    const lines = outcomeAuditEntries(req);
    // a crash cut the first append after u1's lines; another request's line for u2 does not count
    const log = [...lines.slice(0, 2), { ...lines[3], requestId: 'other' }].map(
      (e) => ({ at: '2026-11-22T12:00:00Z', ...e }) as AuditEntry,
    );
    expect(notYetAudited(lines, log).map((e) => [e.event, e.targets?.[0].id])).toEqual([
      ['blocked', 'u2'],
      ['revoked', 'u2'],
    ]);
    expect(notYetAudited(lines, [])).toEqual(lines);
  });

  it('writes a job summary once, and again only when a later end has other counts', () => {
    const req = aRequest({
      status: 'done',
      targets: [target('u1'), target('u2')],
      outcomes: [{ userId: 'u1', kind: 'revoked' }],
    });
    const stamp = (e: object) => ({ at: '2026-11-22T12:00:00Z', ...e }) as AuditEntry;
    const log = endAuditEntries(req).map(stamp);
    // a resume after a crash that came after the append: nothing again, the summary neither
    expect(notYetAudited(endAuditEntries(req), log)).toEqual([]);
    // a cancel came in while the end was audited, and u2's outcome with it: its line and a new summary
    const more = { ...req, outcomes: [...req.outcomes, { userId: 'u2', kind: 'failed' as const }] };
    expect(notYetAudited(endAuditEntries(more), log).map((e) => [e.event, e.counts])).toEqual([
      ['failed', undefined],
      ['ended', { revoked: 1, failed: 1 }],
    ]);
  });
});

describe('endAuditSlices', () => {
  it('makes the same lines as endAuditEntries, a slice of outcomes at a time', () => {
    const targets = Array.from({ length: 23 }, (_, i) => target(`u${i}`));
    const req = aRequest({
      status: 'cancelled',
      cancelledBy: { id: 'c', name: 'C' },
      targets,
      outcomes: targets.map((t, i) => ({ userId: t.id, kind: 'revoked', blocked: i % 5 === 0 })),
    });
    const slices = [...endAuditSlices(req, 10)];
    expect(slices.map((s) => s.filter((e) => e.event !== 'blocked').length)).toEqual([1, 10, 10, 4]);
    expect(slices.at(-1)?.at(-1)).toMatchObject({ event: 'ended', counts: { revoked: 23 } });
    expect(slices.flat()).toEqual(endAuditEntries(req));
    expect([...endAuditSlices(aRequest({ status: 'done' }), 10)]).toEqual([]);
  });
});
