import type { Activity } from 'botbuilder';
import { threadLabel } from '../../../src/bot/activityInfo';
import { collapseLineBreaks, isMarkdown, type Markdown } from '../../../src/domain/markdown';
import type { DirectoryUser, SignoutRequest, TargetOutcome } from '../../../src/domain/types';
import * as chatMessages from '../../../src/domain/chatMessages';
import * as clickMessages from '../../../src/domain/clickMessages';
import * as foreignMessages from '../../../src/domain/foreignMessages';
import * as lookupMessages from '../../../src/domain/lookupMessages';
import * as noticeMessages from '../../../src/domain/noticeMessages';
import * as outcomeMessages from '../../../src/domain/outcomeMessages';
import * as refusalMessages from '../../../src/domain/refusalMessages';
import * as unblockMessages from '../../../src/domain/unblockMessages';
import { liveMarkup, shown } from '../../support/markdownReader';
import { aRequest } from '../../support/requests';

/** Every module of the bot's words (src/domain/*Messages.ts), as one. */
const text = {
  ...chatMessages,
  ...clickMessages,
  ...foreignMessages,
  ...lookupMessages,
  ...noticeMessages,
  ...outcomeMessages,
  ...refusalMessages,
  ...unblockMessages,
};

/** Display names, reasons, group names and Graph messages an attacker could choose. */
const HOSTILE = [
  '[Re-verify your MFA](https://evil.example)',
  '![logo](https://evil.example/p.png)',
  '<a href="https://evil.example">Re-verify</a>',
  '<at>Security Team</at>',
  'Ada\n\n# Urgent\n- [Re-verify](https://evil.example)\n> quote',
  '\\[x](y) &lt;b&gt; **bold** `code`',
];

const user = (name: string, upn = 'lester@contoso.com'): DirectoryUser => ({
  id: 'u1',
  displayName: name,
  userPrincipalName: upn,
});

/** Every text the bot builds, with `s` in every place a value goes. */
function everyText(s: string): [string, Markdown][] {
  const u = user(s, `${s}@contoso.com`);
  const person = { id: s, name: s };
  const thread = { place: `${s} › ${s}`, link: 'https://teams.microsoft.com/l/message/19%3Aa/1' };
  const outcomes: TargetOutcome[] = [
    { userId: 'u1', kind: 'revoked', validFrom: '2026-11-22T12:00:00Z' },
    { userId: 'u2', kind: 'failed', message: s, code: s },
    { userId: 'u3', kind: 'guestSkipped', message: s },
    { userId: s, kind: 'denied' },
  ];
  const req: SignoutRequest = aRequest({
    status: 'done',
    requester: person,
    reason: s,
    source: `group:"${s}"`,
    targets: [u, { ...u, id: 'u2' }, { ...u, id: 'u3' }],
    outcomes,
    confirmedBy: person,
    rejectionReason: s,
    error: s,
    startedAt: '2026-11-22T12:00:00Z',
    finishedAt: '2026-11-22T12:01:00Z',
  });
  return [
    ['foreignNotice', text.foreignNotice({ tenant: s, start: 0, end: 600_000 })],
    ['notFound with suggestions', text.notFound(s, [u, u])],
    ['notFound with one suggestion', text.notFound(s, [u])],
    ['groupNotFound', text.groupNotFound(s, false, true)],
    ['groupNotFound by id', text.groupNotFound(s, true)],
    ['ambiguous', text.ambiguous(s, [u, u])],
    ['outcomeLines', text.outcomeLines(req)],
    ['requestedNotice', text.requestedNotice({ ...req, targets: [u] }, thread)],
    ['requestedNotice, old thread string', text.requestedNotice(req, s)],
    ['refusedNotice', text.refusedNotice(person, s, s, thread)],
    ['refusedNotice, no caller', text.refusedNotice(undefined, s, s, { place: s })],
    ['endedNotice', text.endedNotice(req, thread)],
    [
      'endedNotice, cancelled',
      text.endedNotice({ ...req, status: 'cancelled', cancelledBy: person }, thread),
    ],
    ['multiTargetSummary', text.multiTargetSummary(req)],
    ['approvalNotice', text.approvalNotice(req, 'rejected', person, thread)],
    ['notFoundList', text.notFoundList([s, s], new Map([[s, [u]]]))],
    ['ambiguousInList', text.ambiguousInList([s, s])],
    ['ambiguousGroup', text.ambiguousGroup(s, 2)],
    ['noUsers', text.noUsers(s)],
    [
      'outcomeLine, unblocked',
      text.outcomeLine(u, { userId: u.id, kind: 'unblocked' }, undefined, 'unblock'),
    ],
    ['notBlockedByBot', text.notBlockedByBot(u)],
    ['notBlocked', text.notBlocked(u)],
    ['unblockedNotice', text.unblockedNotice(person, u, thread)],
    ['unblockedNotice, nothing changed', text.unblockedNotice(person, u, thread, false)],
  ];
}

describe('texts the bot posts', () => {
  it.each(HOSTILE)('carry no live markup from a hostile value, and show it literally: %j', (s) => {
    for (const [what, m] of everyText(s)) {
      expect([what, liveMarkup(m.text)]).toEqual([what, []]);
      expect([what, shown(m.text).includes(collapseLineBreaks(s))]).toEqual([what, true]);
      // a value cannot start a line of its own: every line begins with the bot's words or its "- "
      for (const line of m.text.split('\n').filter(Boolean))
        expect([what, line]).not.toEqual([what, expect.stringMatching(/^(?:\\?[#>]|&gt;|\\-)/)]);
    }
  });

  it("the bot's own words carry no HTML", () => {
    const constants = Object.entries(text).filter(([, v]) => isMarkdown(v)) as [string, Markdown][];
    expect(constants.length).toBeGreaterThan(10);
    for (const [, m] of [...constants, ...everyText('Ada')]) expect(m.text).not.toMatch(/[<>]/);
    expect(shown(text.groupNotFound('x', false).text)).toContain('or use group:<object id>.');
  });

  it('the thread line keeps the bot link clickable and escapes the team and channel names', () => {
    const activity = {
      conversation: { id: '19:a_b(c)@thread.tacv2;messageid=17', conversationType: 'channel' },
      channelData: { team: { name: '[MFA](https://evil.example)' }, channel: { name: '<at>General</at>' } },
    } as unknown as Activity;
    const label = threadLabel(activity);
    expect(label.link).toBe('https://teams.microsoft.com/l/message/19%3Aa%5Fb%28c%29%40thread.tacv2/17');
    const line = text.threadText(label).text;
    expect(line).toBe(`\\[MFA\\](https://evil.example) › &lt;at&gt;General&lt;/at&gt; (${label.link})`);
  });

  it('a personal chat names the caller, escaped', () => {
    const activity = {
      conversation: { id: 'a:1', conversationType: 'personal' },
      from: { name: '[x](https://evil.example)' },
    } as unknown as Activity;
    expect(text.threadText(threadLabel(activity)).text).toBe(
      'a personal chat with \\[x\\](https://evil.example)',
    );
  });
});
