import { buildHistory, requestedFields } from '../../src/domain/history';
import type { AuditEntry } from '../../src/domain/audit';

const ada = { id: 'aaaa', name: 'Ada Admin' };
const bob = { id: 'bbbb', name: 'Bob Boss' };
const cleo = { id: 'cccc', name: 'Cleo Cancel' };
const lester = { id: 'u-lester', upn: 'Lester@Contoso.com', name: 'Lester Lee' };
const gwen = { id: 'u-gwen', upn: 'gwen_fabrikam.com#EXT#@contoso.onmicrosoft.com', name: 'Gwen Guest' };

let clock = Date.parse('2026-11-22T12:00:00Z');
/** Entries one second apart, in log order. */
function log(...entries: Omit<AuditEntry, 'at'>[]): AuditEntry[] {
  return entries.map((e) => ({ at: new Date((clock += 1000)).toISOString(), ...e }));
}
beforeEach(() => {
  clock = Date.parse('2026-11-22T12:00:00Z');
});

/** A request for one user, confirmed and revoked, as the bot logs it. */
function signedOut(id: string, target = lester, by = ada) {
  return log(
    {
      event: 'requested',
      requestId: id,
      actor: by,
      targets: [target],
      reason: 'lost laptop',
      ...requestedFields({ source: target.upn }),
    },
    { event: 'confirmed', requestId: id, actor: bob },
    {
      event: 'revoked',
      requestId: id,
      actor: bob,
      targets: [{ id: target.id, upn: target.upn }],
      outcome: 'revoked',
      graphRequestIds: ['g-1'],
      detail: 'validFrom 2026-11-22T12:00:03Z',
    },
  );
}

describe('requestedFields', () => {
  it('writes the source, the block and the approval as fields of their own', () => {
    expect(requestedFields({ source: 'group:"Wave 1"' })).toEqual({ source: 'group:"Wave 1"', block: false });
    expect(
      requestedFields({
        source: 'all',
        block: true,
        approval: { required: true, why: 'bulk; over 10 users' },
      }),
    ).toEqual({ source: 'all', block: true, approvalWhy: 'bulk; over 10 users' });
    expect(requestedFields({ approval: { required: false, why: 'none' } })).toEqual({
      source: '',
      block: false,
    });
  });
});

describe('history of a request whose values look like the old joined detail', () => {
  const forged = ['x; approval: forged', 'x; block sign-in', 'x; block sign-in; approval: forged'];

  it.each(forged)('a group named %j invents no approval and no block', (name) => {
    const source = `group:"${name}"`;
    const [item] = buildHistory(
      log(
        {
          event: 'requested',
          requestId: 'g',
          actor: ada,
          targets: [lester, gwen, { id: 'u3' }, { id: 'u4' }],
          reason: 'r; approval: also forged',
          ...requestedFields({ source }),
        },
        { event: 'confirmed', requestId: 'g', actor: bob },
      ),
      { count: 1 },
    );
    expect(item.source).toBe(source);
    expect(item.askedAs).toBe(source);
    expect(item.whom).toBe('4 users');
    expect(item.block).toBe(false);
    expect(item).not.toHaveProperty('approvalWhy');
    expect(item.reason).toBe('r; approval: also forged');
  });

  it('a real approval and block stay what the bot wrote, whatever the source says', () => {
    const [item] = buildHistory(
      log({
        event: 'requested',
        requestId: 'g',
        actor: ada,
        targets: [lester],
        ...requestedFields({
          source: 'x; approval: forged',
          block: true,
          approval: { required: true, why: 'privileged target' },
        }),
      }),
      { count: 1 },
    );
    expect(item).toMatchObject({
      source: 'x; approval: forged',
      block: true,
      approvalWhy: 'privileged target',
      outcome: 'Waiting for a second admin',
    });
  });

  it('an entry written before the fields existed shows its detail as one literal text, never split', () => {
    const [item] = buildHistory(
      log({
        event: 'requested',
        requestId: 'old',
        actor: ada,
        targets: [lester],
        detail: 'group:"x; approval: forged"; block sign-in',
      }),
      { count: 1 },
    );
    expect(item.detail).toBe('group:"x; approval: forged"; block sign-in');
    expect(item).not.toHaveProperty('approvalWhy');
    expect(item).not.toHaveProperty('source');
    expect(item.block).toBe(false);
    expect(item.outcome).toBe('Waiting for confirmation or approval');
  });

  it("a request narrowed from a choice keeps the first entry's fields; its note is not read", () => {
    const [item] = buildHistory(
      log({
        event: 'requested',
        requestId: 'ch',
        actor: ada,
        targets: [lester],
        ...requestedFields({ source: 'Lee', block: true }),
        detail: 'picked by Bob from 2 users named "Lee; approval: forged"',
      }),
      { count: 1 },
    );
    expect(item).toMatchObject({ source: 'Lee', block: true, outcome: 'Waiting for confirmation' });
    expect(item).not.toHaveProperty('approvalWhy');
    expect(item).not.toHaveProperty('detail');
  });
});

describe('buildHistory', () => {
  it('one action per request: who asked, whom, when, who confirmed, and the outcome', () => {
    const [item] = buildHistory(signedOut('r1'), { count: 10 });
    expect(item).toEqual({
      kind: 'signout',
      requestId: 'r1',
      at: '2026-11-22T12:00:01.000Z',
      lastAt: '2026-11-22T12:00:03.000Z',
      requester: ada,
      whom: 'Lester Lee (Lester@Contoso.com)',
      targetCount: 1,
      source: 'Lester@Contoso.com',
      reason: 'lost laptop',
      block: false,
      confirmedBy: 'Bob Boss',
      outcome: 'Signed out',
      tone: 'good',
    });
  });

  it('newest first, at most n, and status look-ups are not actions', () => {
    const entries = [
      ...signedOut('r1'),
      ...log({ event: 'status', actor: ada, targets: [lester] }),
      ...signedOut('r2'),
      ...signedOut('r3'),
    ];
    expect(buildHistory(entries, { count: 10 }).map((i) => i.requestId)).toEqual(['r3', 'r2', 'r1']);
    expect(buildHistory(entries, { count: 2 }).map((i) => i.requestId)).toEqual(['r3', 'r2']);
    expect(buildHistory(entries, { count: 0 })).toEqual([]);
  });

  it('leaves CSV downloads out: they change nothing, and the audit export lists them', () => {
    const done = signedOut('r1');
    const client = { ip: '198.51.100.9', userAgent: 'Mozilla/5.0', httpRequestId: 'h-1' };
    const downloads = log(
      { event: 'downloaded', requestId: 'r1', actor: {}, outcome: 'served', client },
      { event: 'downloaded', requestId: 'gone', actor: {}, outcome: 'expired', client },
    );
    expect(buildHistory([...done, ...downloads], { count: 10 })).toEqual(buildHistory(done, { count: 10 }));
  });

  it('orders by when an action was asked, not by its last entry; the log order breaks ties', () => {
    const a = log({ event: 'requested', requestId: 'old', actor: ada, targets: [lester] });
    const b = log({ event: 'requested', requestId: 'new', actor: ada, targets: [lester] });
    const late = log({ event: 'confirmed', requestId: 'old', actor: bob });
    expect(buildHistory([...a, ...b, ...late], { count: 5 }).map((i) => i.requestId)).toEqual(['new', 'old']);
    const same = [
      { at: '2026-11-22T12:00:00Z', event: 'requested', requestId: 'x', actor: ada },
      { at: '2026-11-22T12:00:00Z', event: 'requested', requestId: 'y', actor: ada },
    ] as AuditEntry[];
    expect(buildHistory(same, { count: 5 }).map((i) => i.requestId)).toEqual(['y', 'x']);
  });

  it('filters by target object id or UPN, case-insensitively, across every entry of a request', () => {
    const entries = [
      ...signedOut('r1', lester),
      ...signedOut('r2', gwen),
      ...log({ event: 'refused', actor: { id: 'eve', name: 'Eve' }, detail: 'request a sign-out: notAdmin' }),
    ];
    expect(buildHistory(entries, { user: 'lester@contoso.COM', count: 10 }).map((i) => i.requestId)).toEqual([
      'r1',
    ]);
    expect(buildHistory(entries, { user: 'U-GWEN', count: 10 }).map((i) => i.requestId)).toEqual(['r2']);
    expect(buildHistory(entries, { user: ['nobody', 'u-gwen'], count: 10 })).toHaveLength(1);
    expect(buildHistory(entries, { user: 'someone@contoso.com', count: 10 })).toEqual([]);
    expect(buildHistory(entries, { count: 10 })).toHaveLength(3);
  });

  it('a bulk request is "N users", asked as its source, counted over its per-target outcomes', () => {
    const targets = Array.from({ length: 37 }, (_, i) => ({ id: `u${i}`, upn: `u${i}@contoso.com` }));
    const kinds = [...Array(33).fill('revoked'), 'guestSkipped', 'notFound', 'denied', 'failed'];
    const entries = log(
      {
        event: 'requested',
        requestId: 'bulk',
        actor: ada,
        targets,
        reason: 'wave 1',
        ...requestedFields({ source: 'group:"Migration Wave 1"' }),
      },
      { event: 'confirmed', requestId: 'bulk', actor: bob },
      ...targets.map((t, i) => ({
        event: (kinds[i] === 'revoked' ? 'revoked' : 'failed') as AuditEntry['event'],
        requestId: 'bulk',
        actor: bob,
        targets: [t],
        outcome: kinds[i],
      })),
    );
    const [item] = buildHistory(entries, { count: 1 });
    expect(item.whom).toBe('37 users');
    expect(item.askedAs).toBe('group:"Migration Wave 1"');
    expect(item.targetCount).toBe(37);
    expect(item.outcome).toBe('33 signed out, 1 guest skipped, 1 not found, 1 not allowed, 1 failed');
    expect(item.tone).toBe('partial');
    // the filter finds the bulk request by one of its targets
    expect(buildHistory(entries, { user: 'U36@contoso.com', count: 5 })).toHaveLength(1);
  });

  it('a job with a summary is counted from it, not from its outcome lines, which may disagree', () => {
    const targets = Array.from({ length: 5 }, (_, i) => ({ id: `u${i}`, upn: `u${i}@contoso.com` }));
    const job = (summary: object) =>
      log(
        {
          event: 'requested',
          requestId: 'bulk',
          actor: ada,
          targets,
          ...requestedFields({ source: 'all', block: true }),
        },
        { event: 'confirmed', requestId: 'bulk', actor: bob },
        ...targets.flatMap((t): Omit<AuditEntry, 'at'>[] => [
          { event: 'blocked', requestId: 'bulk', actor: bob, targets: [t] },
          { event: 'revoked', requestId: 'bulk', actor: bob, targets: [t], outcome: 'revoked' },
        ]),
        // a hand-edited line, and an outcome line for someone the request never named
        { event: 'failed', requestId: 'bulk', actor: bob, targets: [targets[0]], outcome: 'denied' },
        { event: 'revoked', requestId: 'bulk', actor: bob, targets: [lester], outcome: 'revoked' },
        { event: 'ended', requestId: 'bulk', actor: bob, ...summary },
      );
    const [item] = buildHistory(job({ counts: { revoked: 4, notFound: 1 }, blockedCount: 5 }), { count: 1 });
    expect(item).toMatchObject({
      whom: '5 users',
      targetCount: 5,
      block: true,
      outcome: 'Sign-in blocked; 4 signed out, 1 not found',
      tone: 'partial',
    });
    // the lines still name the job's users: history <user> finds it by any of them
    expect(buildHistory(job({ counts: { revoked: 5 } }), { user: lester.upn, count: 5 })).toHaveLength(1);
    // a summary that does not read well is ignored: the lines are counted, as before summaries
    for (const counts of [{ revoked: -1 }, { revoked: '5' }, { all: 5 }, [5], 'five', null]) {
      const [counted] = buildHistory(job({ counts, blockedCount: 5 }), { count: 1 });
      expect(counted).toMatchObject({
        targetCount: 6,
        outcome: 'Sign-in blocked; 6 signed out, 1 not allowed',
      });
    }
    const [badBlock] = buildHistory(job({ counts: { revoked: 5 }, blockedCount: -5 }), { count: 1 });
    expect(badBlock.targetCount).toBe(6);
  });

  it('all signed out, signout all, and a short list of names', () => {
    const targets = Array.from({ length: 1234 }, (_, i) => ({ id: `u${i}`, upn: `u${i}@contoso.com` }));
    const all = log(
      { event: 'requested', requestId: 'all', actor: ada, targets, ...requestedFields({ source: 'all' }) },
      { event: 'confirmed', requestId: 'all', actor: bob },
      ...targets.map((t) => ({
        event: 'revoked' as const,
        requestId: 'all',
        actor: bob,
        targets: [t],
        outcome: 'revoked',
      })),
    );
    const [item] = buildHistory(all, { count: 1 });
    expect(item).toMatchObject({ whom: '1,234 users', askedAs: 'all' });
    expect(item.outcome).toBe('All 1,234 signed out');
    expect(item.tone).toBe('good');

    const two = buildHistory(
      log({
        event: 'requested',
        requestId: 'two',
        actor: ada,
        targets: [lester, gwen],
        ...requestedFields({ source: 'x y' }),
      }),
      { count: 1 },
    )[0];
    expect(two.whom).toBe(
      'Lester Lee (Lester@Contoso.com), Gwen Guest (gwen_fabrikam.com#EXT#@contoso.onmicrosoft.com)',
    );
    expect(two.outcome).toBe('Waiting for confirmation');
    expect(two.tone).toBe('open');

    const five = buildHistory(
      log({
        event: 'requested',
        requestId: 'five',
        actor: ada,
        targets: Array.from({ length: 5 }, (_, i) => ({ id: `f${i}` })),
      }),
      { count: 1 },
    )[0];
    expect(five.whom).toBe('5 users');
  });

  it('an approved request names the approver; a rejected one the rejecter and the reason', () => {
    const approved = log(
      {
        event: 'requested',
        requestId: 'ap',
        actor: ada,
        targets: [lester],
        ...requestedFields({
          source: 'lester@contoso.com',
          approval: { required: true, why: 'privileged target' },
        }),
      },
      { event: 'approved', requestId: 'ap', actor: bob },
      { event: 'revoked', requestId: 'ap', actor: bob, targets: [lester], outcome: 'revoked' },
    );
    const rejected = log(
      {
        event: 'requested',
        requestId: 'rj',
        actor: ada,
        targets: [gwen],
        ...requestedFields({ approval: { required: true, why: 'always' } }),
      },
      { event: 'rejected', requestId: 'rj', actor: cleo, reason: 'wrong user, check with HR' },
    );
    const waiting = log({
      event: 'requested',
      requestId: 'wt',
      actor: ada,
      targets: [gwen],
      ...requestedFields({ approval: { required: true, why: 'always' } }),
    });
    const [w, rj, ap] = buildHistory([...approved, ...rejected, ...waiting], { count: 5 });
    expect(ap).toMatchObject({
      approvedBy: 'Bob Boss',
      approvalWhy: 'privileged target',
      outcome: 'Signed out',
    });
    expect(rj).toMatchObject({
      rejectedBy: 'Cleo Cancel',
      rejectionReason: 'wrong user, check with HR',
      outcome: 'Rejected',
      tone: 'neutral',
    });
    expect(w).toMatchObject({ outcome: 'Waiting for a second admin', approvalWhy: 'always', tone: 'open' });
  });

  it('cancelled before, stopped during, expired, failed and interrupted requests', () => {
    const targets = [lester, gwen, { id: 'u3', upn: 'u3@contoso.com' }];
    const entries = [
      ...log(
        { event: 'requested', requestId: 'c', actor: ada, targets: [lester] },
        { event: 'cancelled', requestId: 'c', actor: cleo },
      ),
      ...log(
        { event: 'requested', requestId: 's', actor: ada, targets },
        { event: 'confirmed', requestId: 's', actor: bob },
        { event: 'cancelled', requestId: 's', actor: cleo },
        { event: 'revoked', requestId: 's', actor: bob, targets: [lester], outcome: 'revoked' },
      ),
      ...log(
        { event: 'requested', requestId: 'e', actor: ada, targets: [lester] },
        { event: 'expired', requestId: 'e', actor: {} },
      ),
      ...log(
        {
          event: 'requested',
          requestId: 'f',
          actor: ada,
          targets: [lester],
          ...requestedFields({ source: 'lester', block: true }),
        },
        { event: 'confirmed', requestId: 'f', actor: bob },
        {
          event: 'failed',
          requestId: 'f',
          actor: bob,
          detail: 'The app lacks User.EnableDisableAccount.All',
        },
      ),
      ...log(
        { event: 'requested', requestId: 'i', actor: ada, targets: [lester] },
        { event: 'confirmed', requestId: 'i', actor: bob },
      ),
    ];
    const byId = Object.fromEntries(buildHistory(entries, { count: 10 }).map((i) => [i.requestId, i]));
    expect(byId.c).toMatchObject({
      outcome: 'Cancelled',
      cancelledBy: 'Cleo Cancel',
      tone: 'neutral',
    });
    expect(byId.s).toMatchObject({
      outcome: 'Stopped: 1 signed out, 2 not signed out',
      cancelledBy: 'Cleo Cancel',
      tone: 'partial',
    });
    expect(byId.e).toMatchObject({ outcome: 'Expired: nobody confirmed it in time', tone: 'neutral' });
    expect(byId.f).toMatchObject({
      outcome: 'Failed',
      failure: 'The app lacks User.EnableDisableAccount.All',
      block: true,
      tone: 'bad',
    });
    expect(byId.i.outcome).toMatch(/^Running/);
  });

  it('a blocked-then-revoked request says both', () => {
    const [item] = buildHistory(
      log(
        {
          event: 'requested',
          requestId: 'b',
          actor: ada,
          targets: [lester],
          ...requestedFields({ source: 'lester', block: true }),
        },
        { event: 'confirmed', requestId: 'b', actor: bob },
        { event: 'blocked', requestId: 'b', actor: bob, targets: [lester] },
        { event: 'revoked', requestId: 'b', actor: bob, targets: [lester], outcome: 'revoked' },
      ),
      { count: 1 },
    );
    expect(item).toMatchObject({ block: true, outcome: 'Sign-in blocked; signed out', tone: 'good' });
  });

  it('refused attempts are actions of their own, with the targets of the request they were about', () => {
    const entries = [
      ...log({ event: 'requested', requestId: 'r', actor: ada, targets: [lester] }),
      ...log({ event: 'refused', requestId: 'r', actor: ada, detail: 'approve their own request' }),
      ...log({ event: 'refused', actor: { id: 'eve', name: 'Eve' }, detail: 'request a sign-out: notAdmin' }),
    ];
    const [eve, own, req] = buildHistory(entries, { count: 10 });
    expect(eve).toMatchObject({
      kind: 'refused',
      whom: 'Attempt refused',
      requester: { id: 'eve', name: 'Eve' },
      outcome: 'Refused',
      refusal: 'request a sign-out: notAdmin',
      tone: 'bad',
    });
    expect(own).toMatchObject({
      kind: 'refused',
      requestId: 'r',
      whom: 'Lester Lee (Lester@Contoso.com)',
      outcome: 'Refused',
      refusal: 'approve their own request',
    });
    expect(req.kind).toBe('signout');
    expect(buildHistory(entries, { user: 'u-lester', count: 10 }).map((i) => i.kind)).toEqual([
      'refused',
      'signout',
    ]);
  });

  it('block and unblock outside a request are actions; as requests, an unblock is kind unblock', () => {
    const entries = [
      ...log({ event: 'unblocked', actor: bob, targets: [lester], reason: 'back from leave' }),
      ...log(
        { event: 'requested', requestId: 'ub', actor: ada, targets: [gwen] },
        { event: 'unblocked', requestId: 'ub', actor: bob, targets: [gwen] },
      ),
      ...log({ event: 'blocked', actor: bob, targets: [gwen], outcome: 'Sign-in blocked' }),
    ];
    const [blocked, ub, unblocked] = buildHistory(entries, { count: 10 });
    expect(blocked).toMatchObject({
      kind: 'block',
      outcome: 'Sign-in blocked',
      whom: expect.stringContaining('Gwen'),
    });
    expect(ub).toMatchObject({ kind: 'unblock', outcome: 'Sign-in allowed again' });
    expect(unblocked).toMatchObject({
      kind: 'unblock',
      outcome: 'Sign-in allowed again',
      reason: 'back from leave',
    });
  });

  it('survives a log with odd entries: no actor names, unknown outcome kinds, bad times, no requested entry', () => {
    const entries = [
      { at: 'garbage', event: 'requested', requestId: 'g', actor: {} },
      {
        at: '2026-11-22T12:00:00Z',
        event: 'revoked',
        requestId: 'orphan',
        actor: {},
        targets: [{ id: 'x' }],
        outcome: 'weird',
      },
      null,
      {
        at: '2026-11-22T12:00:01Z',
        event: 'requested',
        requestId: 'n',
        actor: { id: 'only-id' },
        targets: 'nope',
      },
    ] as unknown as AuditEntry[];
    const items = buildHistory(entries, { count: 10 });
    // a request whose `requested` line is not in the log (rotated away, torn) is left out
    expect(items.map((i) => i.requestId)).toEqual(['n', 'g']);
    expect(buildHistory(entries, { user: 'x', count: 10 })).toEqual([]);
    expect(
      buildHistory([{ at: 'x', event: 'refused', actor: {}, targets: 'nope' }] as unknown as AuditEntry[], {
        user: 'x',
        count: 10,
      }),
    ).toEqual([]);
    expect(items[0].whom).toBe('—');
    expect(items[1]).toMatchObject({ requestId: 'g', whom: '—' });
  });

  it('finds the one request for a user among a 10,000-target job and 4,000 others', () => {
    const targets = Array.from({ length: 10_000 }, (_, i) => ({ id: `u${i}`, upn: `u${i}@contoso.com` }));
    const entries = [
      ...log({
        event: 'requested',
        requestId: 'big',
        actor: ada,
        targets,
        ...requestedFields({ source: 'all' }),
      }),
      ...log(
        ...targets.map((t) => ({
          event: 'revoked' as const,
          requestId: 'big',
          actor: bob,
          targets: [t],
          outcome: 'revoked',
        })),
      ),
      ...Array.from({ length: 4000 }, (_, i) => signedOut(`r${i}`)).flat(),
    ];
    const items = buildHistory(entries, { user: 'u9999@contoso.com', count: 50 });
    expect(items.map((i) => i.requestId)).toEqual(['big']);
  });
});

describe('alert card entries (issue 14)', () => {
  it('shows a posted alert, a confirmation and a dismissal as actions on the user, with their words', () => {
    const kat = { id: 'kat', upn: 'kat@contoso.com', name: 'Kat Larsson' };
    const entries: AuditEntry[] = [
      {
        at: '2026-11-22T06:42:00Z',
        event: 'alerted',
        actor: { name: 'Microsoft Entra ID Protection' },
        targets: [kat],
        outcome: 'high risk, atRisk',
      },
      {
        at: '2026-11-22T06:50:00Z',
        event: 'compromised',
        actor: { id: 'a', name: 'Ada Admin' },
        targets: [kat],
        outcome: 'Identity Protection now holds the user compromised',
      },
      {
        at: '2026-11-22T07:00:00Z',
        event: 'dismissed',
        actor: { id: 'a', name: 'Ada Admin' },
        targets: [kat],
        reason: 'known traveller',
      },
    ];
    const items = buildHistory(entries, { user: 'kat@contoso.com', count: 10 });
    expect(items.map((i) => [i.outcome, i.requester.name, i.kind])).toEqual([
      ['Dismissed', 'Ada Admin', 'other'],
      ['Compromised', 'Ada Admin', 'other'],
      ['Alerted', 'Microsoft Entra ID Protection', 'other'],
    ]);
    expect(items[0].reason).toBe('known traveller');
  });
});
