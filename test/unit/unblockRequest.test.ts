import { approvalNotice, endedNotice, requestedNotice } from '../../src/domain/noticeMessages';
import { outcomeLines } from '../../src/domain/outcomeMessages';
import { notBlockedByBot } from '../../src/domain/unblockMessages';
import { cardFor } from '../../src/cards/cardFor';
import { renderConfirmCard } from '../../src/cards/confirm';
import { renderHistoryCard } from '../../src/cards/history';
import { renderResultCard } from '../../src/cards/result';
import { approvalNeeded, protectedTargetProblem, selfUnblockProblem } from '../../src/domain/approvalPolicy';
import { explainGraphFailure } from '../../src/domain/graphErrors';
import { buildHistory } from '../../src/domain/history';
import { actionOf, type DirectoryUser, type SignoutRequest } from '../../src/domain/types';
import { runBulkRevoke, type BatchItem, type BatchItemResponse } from '../../src/graph/bulk';
import { limitsForTenantSize } from '../../src/graph/throttleLimits';
import type { AuditEntry } from '../../src/domain/audit';
import { shown } from '../support/markdownReader';

// The package's lib/ is extension-less ESM that Node cannot load; dist/ is the same code as a UMD bundle.
// eslint-disable-next-line @typescript-eslint/no-require-imports
const AC: typeof import('adaptivecards') = require('adaptivecards/dist/adaptivecards.js');

function cardProblems(card: object): string[] {
  const parsed = new AC.AdaptiveCard();
  const ctx = new AC.SerializationContext(AC.Versions.v1_5);
  parsed.parse(card, ctx);
  const problems: string[] = [];
  for (let i = 0; i < ctx.eventCount; i++) problems.push(ctx.getEventAt(i).message);
  for (const e of parsed.validateProperties().validationEvents) problems.push(e.message);
  return problems;
}

type Node = Record<string, unknown>;
function walk(node: unknown, visit: (o: Node) => void): void {
  if (Array.isArray(node)) node.forEach((n) => walk(n, visit));
  else if (node && typeof node === 'object') {
    visit(node as Node);
    Object.values(node).forEach((n) => walk(n, visit));
  }
}

/** What a reader sees: TextBlocks, and each RichTextBlock's runs joined. */
function allText(card: object): string {
  const out: string[] = [];
  walk(card, (o) => {
    if (o.type === 'TextBlock') out.push(String(o.text));
    if (o.type === 'RichTextBlock') out.push((o.inlines as { text: string }[]).map((r) => r.text).join(''));
  });
  return out.join('\n');
}

function buttons(card: object): { verb?: string; title: string }[] {
  const out: { verb?: string; title: string }[] = [];
  walk(card, (o) => {
    if (o.type === 'Action.Execute') out.push({ verb: String(o.verb), title: String(o.title) });
  });
  return out;
}

const NOW = new Date('2026-11-22T12:35:00Z');
const lester: DirectoryUser = {
  id: '11111111-1111-4111-8111-111111111111',
  displayName: 'Lester Lee',
  userPrincipalName: 'lester@contoso.com',
  accountEnabled: false,
  userType: 'Member',
  validFrom: '2026-11-22T09:00:00Z',
};
const bob = { id: 'bbbb', name: 'Bob Boss' };

function unblockRequest(over: Partial<SignoutRequest> = {}): SignoutRequest {
  return {
    id: '6f1c2d4e-0000-4000-8000-00000000abcd',
    action: 'unblock',
    tenantId: 'tenant',
    status: 'pending',
    createdAt: '2026-11-22T12:34:00Z',
    expiresAt: '2026-11-22T12:49:00Z',
    requester: { id: 'aaaa', name: 'Ada Admin' },
    reason: 'laptop recovered',
    targets: [lester],
    source: lester.userPrincipalName,
    conversation: { reference: {} },
    outcomes: [],
    ...over,
  };
}
const done = (over: Partial<SignoutRequest> = {}) =>
  unblockRequest({
    status: 'done',
    confirmedBy: bob,
    confirmedAt: '2026-11-22T12:36:00Z',
    startedAt: '2026-11-22T12:36:00Z',
    finishedAt: '2026-11-22T12:36:01Z',
    outcomes: [{ userId: lester.id, kind: 'unblocked', requestId: 'g-7' }],
    ...over,
  });

describe('the action of a request', () => {
  it('is a sign-out when a stored record has none (records from before unblock requests)', () => {
    expect(actionOf({})).toBe('signout');
    expect(actionOf({ action: 'signout' })).toBe('signout');
    expect(actionOf({ action: 'unblock' })).toBe('unblock');
  });
});

describe('unblock confirmation card', () => {
  it('says it is an unblock, what happens, and has an Unblock button on the usual verbs', () => {
    const card = renderConfirmCard(unblockRequest(), { now: NOW });
    expect(cardProblems(card)).toEqual([]);
    const shown = allText(card);
    expect(shown).toContain('Unblock: allow sign-in again?');
    expect(shown).toContain('Sign-in is allowed again (accountEnabled = true)');
    expect(shown).toContain('Sessions revoked earlier stay revoked');
    expect(shown).toMatch(/does not reset the password or MFA methods/);
    expect(shown).toContain('lester@contoso.com');
    expect(shown).toContain('laptop recovered');
    expect(shown).not.toMatch(/Sign out|sign out|revoked: they must sign in again/);
    expect(buttons(card)).toEqual([
      { verb: 'signout.confirm', title: 'Unblock' },
      { verb: 'signout.cancel', title: 'Cancel' },
    ]);
  });

  it('waits for a second admin like a sign-out: Approve, Reject, Cancel, and no Unblock', () => {
    const card = cardFor(
      unblockRequest({ approval: { required: true, why: 'Lester Lee holds Global Administrator.' } }),
      { now: NOW },
    );
    expect(cardProblems(card)).toEqual([]);
    expect(allText(card)).toContain('Waiting for a second admin');
    expect(allText(card)).toContain('Lester Lee holds Global Administrator.');
    expect(buttons(card).map((b) => b.verb)).toEqual(['signout.approve', 'signout.reject', 'signout.cancel']);
  });

  it('a sign-out keeps its own heading and Sign out button', () => {
    const card = renderConfirmCard(unblockRequest({ action: undefined }), { now: NOW });
    expect(allText(card)).toContain('Sign out of all Microsoft 365 sessions?');
    expect(buttons(card)[0]).toEqual({ verb: 'signout.confirm', title: 'Sign out' });
  });
});

describe('unblock result card', () => {
  it('done: sign-in is allowed again, nothing about signing out', () => {
    const card = renderResultCard(done());
    expect(cardProblems(card)).toEqual([]);
    const shown = allText(card);
    expect(shown).toMatch(/^Sign-in allowed again/);
    expect(shown).toContain('Sessions revoked earlier stay revoked');
    expect(shown).not.toMatch(/Signed out|Not signed out/);
    expect(buttons(card)).toEqual([]);
  });

  it('running, failed, cancelled, rejected and expired say unblock, and that nothing changed', () => {
    const running = allText(renderResultCard(unblockRequest({ status: 'running', confirmedBy: bob })));
    expect(running).toMatch(/^Unblocking…/);
    const failed = allText(
      renderResultCard(
        done({
          status: 'failed',
          error: 'By the time this was confirmed, … so nothing was changed.',
          outcomes: [{ userId: lester.id, kind: 'failed', code: 'NotBlockedByBot', message: 'no block' }],
        }),
      ),
    );
    expect(failed).toMatch(/^Unblock failed/);
    expect(failed).toContain('so nothing was changed');
    const cancelled = allText(renderResultCard(unblockRequest({ status: 'cancelled', cancelledBy: bob })));
    expect(cancelled).toMatch(/^Unblock cancelled/);
    expect(cancelled).toContain('Nothing was changed.');
    expect(cancelled).toContain('Not unblocked');
    const rejected = allText(
      renderResultCard(unblockRequest({ status: 'rejected', rejectedBy: bob, rejectionReason: 'too soon' })),
    );
    expect(rejected).toMatch(/^Unblock rejected/);
    const expired = allText(renderResultCard(unblockRequest({ status: 'expired' })));
    expect(expired).toMatch(/^Request expired[\s\S]*Nothing was changed/);
  });
});

describe('unblock texts', () => {
  it('the thread line and the notices name the unblock, not a sign-out', () => {
    expect(shown(outcomeLines(done()).text)).toBe(
      'Sign-in is allowed again for Lester Lee (lester@contoso.com) (accountEnabled = true). Sessions revoked earlier stay revoked: they sign in afresh.',
    );
    expect(shown(requestedNotice(unblockRequest(), 'General').text)).toBe(
      'Unblock requested: Ada Admin asked to allow Lester Lee (lester@contoso.com) to sign in again. Reason: laptop recovered. In General.',
    );
    expect(shown(endedNotice(done(), 'General').text)).toMatch(
      /^Unblock done: Lester Lee .*confirmed by Bob Boss/,
    );
    expect(shown(approvalNotice(unblockRequest(), 'approved', bob, 'General').text)).toMatch(
      /^Unblock approved: Bob Boss approved Ada Admin's request to unblock Lester Lee/,
    );
    const failed = done({
      status: 'failed',
      outcomes: [{ userId: lester.id, kind: 'failed', message: 'Graph said no.' }],
    });
    expect(shown(outcomeLines(failed).text)).toBe(
      'Could not unblock Lester Lee (lester@contoso.com): Graph said no.',
    );
  });

  it('a refused unblock of a block the bot did not make points to the Entra admin center', () => {
    const said = shown(notBlockedByBot(lester).text);
    expect(said).toMatch(/I won't unblock Lester Lee/);
    expect(said).toMatch(/changed nothing/);
    expect(said).toMatch(/only reverses blocks it made/);
    expect(said).toMatch(/Microsoft Entra admin center/);
  });

  it('Graph refusing an unblock is worded as an unblock, naming the permission', () => {
    const e = explainGraphFailure(
      { status: 403, code: 'Authorization_RequestDenied', requestId: 'g-1' },
      'unblock',
      'Lester Lee',
    );
    expect(e.kind).toBe('denied');
    expect(e.text).toMatch(/refused to allow sign-in again for Lester Lee/);
    expect(e.text).toContain('User.EnableDisableAccount.All');
  });
});

describe('unblock guardrails', () => {
  it('nobody unblocks their own account, and break-glass accounts are refused with the admin center hint', () => {
    expect(selfUnblockProblem('AAAA', 'aaaa')).toMatch(/can't unblock your own account.*another admin/);
    expect(selfUnblockProblem('aaaa', 'bbbb')).toBeUndefined();
    const problem = protectedTargetProblem([{ id: 'bg', displayName: 'Break Glass' }], ['BG'], 'unblock');
    expect(problem).toMatch(/^Break Glass is a protected break-glass account/);
    expect(problem).toMatch(/never signs it out, blocks or unblocks it.*Microsoft Entra admin center/);
  });

  it('APPROVAL_POLICY decides as for a sign-out of the same user, in words that fit an unblock', () => {
    const base = { bulkThreshold: 10, targetCount: 1, privilegedCount: 0, unblock: true };
    expect(approvalNeeded({ ...base, policy: 'always' })).toEqual({
      required: true,
      why: 'The approval policy asks a second admin for every sign-out and every unblock.',
    });
    expect(approvalNeeded({ ...base, policy: 'privileged' }).required).toBe(false);
    expect(
      approvalNeeded({
        ...base,
        policy: 'privileged',
        privilegedCount: 1,
        privilegedTargets: [{ displayName: 'Patti', privilegedRoles: ['Global Administrator'] }],
      }),
    ).toEqual({ required: true, why: 'Patti holds Global Administrator.' });
    expect(approvalNeeded({ ...base, policy: 'none' }).required).toBe(false);
  });
});

describe('history of unblock requests', () => {
  const ada = { id: 'aaaa', name: 'Ada Admin' };
  const target = { id: lester.id, upn: lester.userPrincipalName, name: lester.displayName };
  let t = Date.parse('2026-11-22T12:00:00Z');
  const log = (...entries: Omit<AuditEntry, 'at'>[]): AuditEntry[] =>
    entries.map((e) => ({ at: new Date((t += 1000)).toISOString(), ...e }));
  const requested = (id: string): Omit<AuditEntry, 'at'> => ({
    event: 'requested',
    requestId: id,
    actor: ada,
    targets: [target],
    source: lester.userPrincipalName,
    action: 'unblock',
  });

  it('an unblock request is kind unblock, from waiting to its outcome', () => {
    const entries = [
      ...log(
        requested('ok'),
        { event: 'confirmed', requestId: 'ok', actor: bob },
        {
          event: 'unblocked',
          requestId: 'ok',
          actor: bob,
          targets: [target],
          outcome: 'unblocked',
          graphRequestIds: ['g-1'],
        },
      ),
      ...log(requested('waiting')),
      ...log(
        requested('no'),
        { event: 'confirmed', requestId: 'no', actor: bob },
        {
          event: 'failed',
          requestId: 'no',
          actor: bob,
          targets: [target],
          outcome: 'failed',
          detail: 'By the time this was confirmed, … so nothing was changed.',
        },
      ),
      ...log(requested('gone'), { event: 'cancelled', requestId: 'gone', actor: bob }),
    ];
    const items = buildHistory(entries, { count: 10 });
    expect(items.map((i) => [i.requestId, i.kind, i.outcome, i.tone])).toEqual([
      ['gone', 'unblock', 'Cancelled', 'neutral'],
      ['no', 'unblock', 'Not unblocked: By the time this was confirmed, … so nothing was changed.', 'bad'],
      ['waiting', 'unblock', 'Waiting for confirmation', 'open'],
      ['ok', 'unblock', 'Sign-in allowed again', 'good'],
    ]);
    const card = renderHistoryCard(items, { title: 'Last actions' });
    expect(cardProblems(card)).toEqual([]);
    expect(allText(card)).toContain('Action: unblock (allow sign-in again)');
  });

  it('a --block sign-out with its per-user blocked entries reads as blocked and signed out', () => {
    const entries = log(
      { event: 'requested', requestId: 's', actor: ada, targets: [target], detail: 'x; block sign-in' },
      { event: 'confirmed', requestId: 's', actor: ada },
      { event: 'blocked', requestId: 's', actor: ada, targets: [target] },
      { event: 'revoked', requestId: 's', actor: ada, targets: [target], outcome: 'revoked' },
    );
    expect(buildHistory(entries, { count: 10 })).toEqual([
      expect.objectContaining({ kind: 'signout', block: true, outcome: 'Sign-in blocked; signed out' }),
    ]);
  });
});

describe('bulk --block outcomes say who was blocked', () => {
  /** Graph in miniature: PATCH blocks, POST revokes, GET reads back; `deny` lists what answers 403. */
  function transport(deny: { block?: string[]; revoke?: string[] }) {
    return async (items: BatchItem[]): Promise<BatchItemResponse[]> =>
      items.map((item) => {
        const user = decodeURIComponent(item.url.split('/')[2].split('?')[0]);
        const denied =
          (item.method === 'PATCH' && deny.block?.includes(user)) ||
          (item.method === 'POST' && deny.revoke?.includes(user));
        if (denied)
          return { id: item.id, status: 403, body: { error: { code: 'Authorization_RequestDenied' } } };
        if (item.method === 'GET')
          return {
            id: item.id,
            status: 200,
            body: { signInSessionsValidFromDateTime: '2026-11-22T12:00:00Z', userType: 'Member' },
          };
        return { id: item.id, status: item.method === 'PATCH' ? 204 : 200, body: { value: true } };
      });
  }

  it('blocked is set when the block succeeded, also when the revoke after it failed, and not otherwise', async () => {
    const result = await runBulkRevoke({
      userIds: ['ok', 'noBlock', 'noRevoke'],
      transport: transport({ block: ['noBlock'], revoke: ['noRevoke'] }),
      limits: limitsForTenantSize(0),
      block: true,
    });
    const byUser = Object.fromEntries(result.outcomes.map((o) => [o.userId, o]));
    expect(byUser.ok).toMatchObject({ kind: 'revoked', blocked: true });
    expect(byUser.noRevoke).toMatchObject({ kind: 'denied', blocked: true });
    expect(byUser.noBlock.kind).toBe('denied');
    expect(byUser.noBlock.blocked).toBeUndefined();
  });

  it('without --block, nobody is marked blocked', async () => {
    const result = await runBulkRevoke({
      userIds: ['a', 'b'],
      transport: transport({}),
      limits: limitsForTenantSize(0),
    });
    expect(result.outcomes.map((o) => o.blocked)).toEqual([undefined, undefined]);
  });
});
