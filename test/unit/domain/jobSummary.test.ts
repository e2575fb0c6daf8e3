import type { AuditEntry } from '../../../src/domain/audit';
import { jobSummaryEntry, readJobSummary, summarised } from '../../../src/domain/jobSummary';
import { aRequest } from '../../support/requests';

const target = (id: string) => ({ id, displayName: id, userPrincipalName: `${id}@contoso.com` });

describe('jobSummaryEntry', () => {
  it('counts the outcomes of a job of several users, and the users it blocked', () => {
    const req = aRequest({
      status: 'done',
      targets: [target('u1'), target('u2'), target('u3')],
      confirmedBy: { id: 'c', name: 'C' },
      outcomes: [
        { userId: 'u1', kind: 'revoked', blocked: true },
        { userId: 'u2', kind: 'notFound' },
        { userId: 'u3', kind: 'revoked', blocked: true },
      ],
    });
    expect(jobSummaryEntry(req)).toEqual({
      event: 'ended',
      tenantId: 't',
      requestId: 'r1',
      actor: { id: 'c', name: 'C' },
      counts: { revoked: 2, notFound: 1 },
      blockedCount: 2,
    });
  });

  it('writes none for one user, a request that never ran, or an unblock job', () => {
    const two = [target('u1'), target('u2')];
    const outcomes = [{ userId: 'u1', kind: 'revoked' as const }];
    expect(jobSummaryEntry(aRequest({ targets: [target('u1')], outcomes }))).toBeUndefined();
    expect(jobSummaryEntry(aRequest({ status: 'cancelled', targets: two, outcomes: [] }))).toBeUndefined();
    expect(jobSummaryEntry(aRequest({ action: 'unblock', targets: two, outcomes }))).toBeUndefined();
    expect(jobSummaryEntry(aRequest({ status: 'cancelled', targets: two, outcomes }))).toMatchObject({
      counts: { revoked: 1 },
    });
  });
});

describe('readJobSummary', () => {
  const ended = (fields: object) =>
    ({ at: '2026-01-01T00:00:00Z', event: 'ended', requestId: 'r1', actor: {}, ...fields }) as AuditEntry;

  it('reads counts per outcome kind and the number blocked', () => {
    expect(readJobSummary(ended({ counts: { revoked: 3, failed: 0 }, blockedCount: 1 }))).toEqual({
      counts: new Map([
        ['revoked', 3],
        ['failed', 0],
      ]),
      blocked: 1,
    });
    expect(readJobSummary(ended({ counts: {} }))).toEqual({ counts: new Map(), blocked: 0 });
  });

  it('ignores a summary that does not read well, and entries that are not summaries', () => {
    for (const fields of [
      {},
      { counts: null },
      { counts: [1] },
      { counts: 'all' },
      { counts: { revoked: -1 } },
      { counts: { revoked: 1.5 } },
      { counts: { revoked: '1' } },
      { counts: { revoked: 2 ** 53 } },
      { counts: { everyone: 1 } },
      { counts: { revoked: 1 }, blockedCount: 'all' },
      { counts: { revoked: 1 }, blockedCount: -1 },
      { event: 'revoked', counts: { revoked: 1 } },
    ]) {
      expect(readJobSummary(ended(fields))).toBeUndefined();
    }
    expect(readJobSummary(null as unknown as AuditEntry)).toBeUndefined();
  });
});

describe('summarised', () => {
  it("leaves out a request's outcome lines once it has a summary that reads well, the last one winning", () => {
    const at = '2026-01-01T00:00:00Z';
    const line = (event: AuditEntry['event'], fields: object = {}) =>
      ({ at, event, requestId: 'r1', actor: {}, ...fields }) as AuditEntry;
    const lines = [
      line('requested'),
      line('blocked'),
      line('revoked'),
      line('failed'),
      line('unblocked'),
      line('cancelled'),
    ];
    const first = line('ended', { counts: { revoked: 1 } });
    const last = line('ended', { counts: { revoked: 2 } });
    const bad = line('ended', { counts: { revoked: -2 } });
    expect(summarised([...lines, first, last, bad])).toEqual({
      entries: [lines[0], lines[5], first, last, bad],
      summary: { counts: new Map([['revoked', 2]]), blocked: 0 },
    });
    expect(summarised([...lines, bad])).toEqual({ entries: [...lines, bad] });
  });
});
