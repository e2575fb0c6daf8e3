import { credentialProblem, explainGraphFailure } from '../../src/domain/graphErrors';
import * as foreignMessages from '../../src/domain/foreignMessages';
import * as lookupMessages from '../../src/domain/lookupMessages';
import * as noticeMessages from '../../src/domain/noticeMessages';
import * as outcomeMessages from '../../src/domain/outcomeMessages';
import * as refusalMessages from '../../src/domain/refusalMessages';
import type { Markdown } from '../../src/domain/markdown';
import { shown } from '../support/markdownReader';
import { aRequest } from '../support/requests';
import type { DirectoryUser } from '../../src/domain/types';
import { checkTenant, isListedAdmin, isPolicyConfigured, whoMayUse } from '../../src/domain/policy';

/** The bot's texts as a reader sees them (escapes resolved), for matching words. */
const read =
  <A extends unknown[]>(f: (...a: A) => Markdown) =>
  (...a: A) =>
    shown(f(...a).text);
const messages = {
  ...foreignMessages,
  ...lookupMessages,
  ...noticeMessages,
  ...outcomeMessages,
  ...refusalMessages,
};
const { foreignAuditDetail } = foreignMessages;
const multiTargetSummary = read(messages.multiTargetSummary);
const foreignNotice = read(messages.foreignNotice);
const CHECK_FAILED = shown(messages.CHECK_FAILED.text);
const REFUSED = shown(messages.REFUSED.text);
const UNCONFIGURED = shown(messages.UNCONFIGURED.text);
const endedNotice = read(messages.endedNotice);
const groupNotFound = read(messages.groupNotFound);
const notFound = read(messages.notFound);
const notFoundList = read(messages.notFoundList);

describe('admin policy', () => {
  it('fails closed when nothing is configured', () => {
    const none = { adminUserIds: [] };
    expect(isPolicyConfigured(none)).toBe(false);
    expect(isListedAdmin(none, 'x')).toBe(false);
    expect(whoMayUse(none)).toMatch(/^Nobody/);
  });

  it('matches listed admins case-insensitively and never an empty caller', () => {
    const p = { adminUserIds: ['abc'] };
    expect(isListedAdmin(p, 'ABC')).toBe(true);
    expect(isListedAdmin(p, undefined)).toBe(false);
  });

  describe('checkTenant', () => {
    const OURS = '11111111-2222-4333-8444-555555555555';
    const OTHER = '99999999-8888-4777-8666-555555555555';

    it('accepts our tenant from either field, or both when they agree (any case)', () => {
      expect(checkTenant(OURS, OURS, undefined)).toEqual({ ok: true });
      expect(checkTenant(OURS, undefined, OURS.toUpperCase())).toEqual({ ok: true });
      expect(checkTenant(OURS, OURS.toUpperCase(), OURS)).toEqual({ ok: true });
    });

    it('names another tenant by its id only', () => {
      expect(checkTenant(OURS, OTHER.toUpperCase(), undefined)).toEqual({ ok: false, tenant: OTHER });
      expect(checkTenant(OURS, undefined, OTHER)).toEqual({ ok: false, tenant: OTHER });
    });

    it('refuses two tenant ids that disagree, even when one is ours', () => {
      expect(checkTenant(OURS, OURS, OTHER)).toEqual({ ok: false, tenant: 'conflict' });
      expect(checkTenant(OURS, OTHER, OURS)).toEqual({ ok: false, tenant: 'conflict' });
    });

    it('refuses a missing tenant, and never echoes one that is not a GUID', () => {
      expect(checkTenant(OURS, undefined, undefined)).toEqual({ ok: false, tenant: 'none' });
      expect(checkTenant(OURS, '', null)).toEqual({ ok: false, tenant: 'none' });
      expect(checkTenant(OURS, '[Re-verify](https://evil.example)', undefined)).toEqual({
        ok: false,
        tenant: 'invalid',
      });
      expect(checkTenant(OURS, 42, undefined)).toEqual({ ok: false, tenant: 'invalid' });
    });
  });

  it('describes who may use the bot without revealing ids', () => {
    const text = whoMayUse({ adminUserIds: ['11111111-1111-1111-1111-111111111111'], adminGroupId: 'g-123' });
    expect(text).toMatch(/admin group/);
    expect(text).not.toMatch(/1111|g-123/);
  });
});

describe('explainGraphFailure', () => {
  const ref = { requestId: 'req-42' };
  it('explains 404 with the request-id', () => {
    const e = explainGraphFailure(
      { status: 404, code: 'Request_ResourceNotFound', ...ref },
      'revoke',
      'Lester',
    );
    expect(e.kind).toBe('notFound');
    expect(e.text).toMatch(/no user Lester/);
    expect(e.text).toMatch(/404 Request_ResourceNotFound, request-id req-42/);
  });

  it('explains 403 on revoke with the privileged role, and elsewhere with the permission', () => {
    const revoke = explainGraphFailure(
      { status: 403, code: 'Authorization_RequestDenied', ...ref },
      'revoke',
    );
    expect(revoke.kind).toBe('denied');
    expect(revoke.text).toMatch(/Privileged Authentication Administrator/);
    const block = explainGraphFailure({ status: 403, code: 'Authorization_RequestDenied' }, 'block');
    expect(block.text).toMatch(/User\.EnableDisableAccount\.All/);
  });

  it('explains throttling, unreachable Graph and server errors as failures', () => {
    expect(explainGraphFailure({ status: 429, code: 'TooManyRequests' }, 'revoke').text).toMatch(
      /throttling/,
    );
    expect(explainGraphFailure({ status: 0, code: 'Unreachable' }, 'revoke').text).toMatch(
      /could not be reached/,
    );
    expect(explainGraphFailure({ status: 503, code: 'ServiceUnavailable' }, 'revoke').text).toMatch(
      /internal error/,
    );
  });
});

describe('credentialProblem', () => {
  const failure = (aadsts?: string) => ({
    status: 0,
    code: 'AuthenticationFailed',
    message: `the bot could not get a token for Microsoft Graph${aadsts ? ` (${aadsts})` : ''}`,
  });

  it.each([
    ['AADSTS7000215', /client secret \(AZURE_CLIENT_SECRET\) is wrong/],
    ['AADSTS7000222', /client secret \(AZURE_CLIENT_SECRET\) has expired/],
    ['AADSTS700027', /certificate \(AZURE_CLIENT_CERTIFICATE_PATH\) is not one uploaded/],
    ['AADSTS700016', /AZURE_CLIENT_ID is not an app registered in this tenant/],
    ['AADSTS90002', /AZURE_TENANT_ID names no tenant/],
  ])('names the setting to fix for %s', (code, hint) => {
    const text = credentialProblem(failure(code));
    expect(text).toMatch(hint);
    expect(text).toContain(`(${code})`);
    expect(explainGraphFailure(failure(code), 'revoke').text).toMatch(hint);
  });

  it('falls back to the general advice, keeping an unknown code', () => {
    expect(credentialProblem(failure('AADSTS1234567'))).toMatch(
      /\(AADSTS1234567\): check its app registration/,
    );
    expect(credentialProblem(failure())).toMatch(/Microsoft Graph: check its app registration, credential/);
  });
});

describe('refusals to callers who are not listed admins', () => {
  // a refused caller must not learn which setting is broken: that is for the log and for listed admins
  it.each([
    ['no admins configured', UNCONFIGURED],
    ['admin check failed', CHECK_FAILED],
    ['not an admin', REFUSED],
  ])('%s: names no setting, no Entra code and no Graph reference', (_why, text) => {
    expect(text).not.toMatch(/AADSTS|[A-Z]{2,}_[A-Z_]+|Graph:|request-id|certificate|secret/i);
  });

  it('say what to do next in plain words', () => {
    expect(UNCONFIGURED).toMatch(/the bot has no admins configured/);
    expect(UNCONFIGURED).toMatch(/Ask whoever deployed it/);
    expect(CHECK_FAILED).toMatch(/cannot check who is an admin right now/);
  });
});

describe('foreign tenant texts', () => {
  const w = {
    tenant: '99999999-8888-4777-8666-555555555555',
    start: Date.UTC(2026, 10, 22, 12, 0, 0),
    end: Date.UTC(2026, 10, 22, 12, 10, 0),
  };

  it('give the tenant id, a count and the window, nothing else', () => {
    expect(foreignNotice(w)).toBe(
      'Refused: an activity from tenant 99999999-8888-4777-8666-555555555555 (another organization) at 2026-11-22 12:00:00 UTC. Until 2026-11-22 12:10:00 UTC, more from it are counted in the audit log, not posted here.',
    );
    expect(foreignAuditDetail(w, 9999)).toBe(
      'foreign tenant: 9,999 more activities from tenant 99999999-8888-4777-8666-555555555555 from 2026-11-22 12:00:00 UTC to 2026-11-22 12:10:00 UTC',
    );
  });

  it('describe tenants that are not a GUID without quoting them', () => {
    expect(foreignNotice({ ...w, tenant: 'invalid' })).toMatch(/with a tenant id that is not a GUID/);
    expect(foreignNotice({ ...w, tenant: 'conflict' })).toMatch(/whose two tenant ids disagree/);
    expect(foreignAuditDetail({ ...w, tenant: 'none' }, 1)).toMatch(/1 more activity with no tenant id/);
  });
});

describe('not-found answers', () => {
  const user = (name: string, upn: string): DirectoryUser => ({
    id: upn,
    displayName: name,
    userPrincipalName: upn,
  });
  const lester = user('Lester Young', 'lester@contoso.com');
  const lee = user('Lee Gu', 'leeg@contoso.com');

  it('offers users whose names start with what was typed, to copy', () => {
    expect(notFound('lester', [lester])).toMatch(
      /couldn't find a user "lester".*\nFor "lester", did you mean Lester Young \(lester@contoso\.com\)\?$/s,
    );
    expect(notFound('le', [lester, lee])).toMatch(
      /For "le", did you mean one of these\?\n- Lester Young \(lester@contoso\.com\)\n- Lee Gu \(leeg@contoso\.com\)$/,
    );
    expect(notFound('zz', [])).not.toMatch(/did you mean/);
    expect(notFound('zz')).not.toMatch(/did you mean/);
  });

  it('lists every name not found, with suggestions only for those that have some', () => {
    const text = notFoundList(
      ['zz@contoso.com', 'lester@contso.com'],
      new Map([['lester@contso.com', [lester]]]),
    );
    expect(text).toMatch(
      /^I couldn't find "zz@contoso\.com", "lester@contso\.com" in the directory, so I did nothing/,
    );
    expect(text).toMatch(/For "lester@contso\.com", did you mean Lester Young \(lester@contoso\.com\)\?$/);
    expect(text).not.toMatch(/For "zz@contoso\.com"/);
  });

  it('says what kind of group reference was not found', () => {
    expect(groupNotFound('Nope', false)).toBe(
      'I couldn\'t find a group named "Nope", so I did nothing. The name must match the group\'s display name exactly (case does not matter), or use group:<object id>.',
    );
    expect(groupNotFound('Migration', false, true)).toMatch(
      /named "Migration".* If its name has spaces, put all of it in quotes, e\.g\. group:"Migration Wave 1"\.$/,
    );
    expect(groupNotFound('Migration', false, false)).not.toMatch(/quotes/);
    expect(groupNotFound('No Such Wave', false, true)).not.toMatch(/quotes/);
    expect(groupNotFound('3f6a9c1e-8b2d-4e5f-a7c0-1d2e3f4a5b6c', true)).toMatch(
      /^There is no group with object id 3f6a9c1e-8b2d-4e5f-a7c0-1d2e3f4a5b6c, so I did nothing/,
    );
  });
});

describe('end-of-job texts', () => {
  const users = Array.from({ length: 25 }, (_, i) => ({
    id: `u${i}`,
    displayName: `User ${i}`,
    userPrincipalName: `u${i}@contoso.com`,
  }));
  const job = aRequest({
    status: 'done',
    source: 'group:"Wave"',
    targets: users,
    startedAt: '2026-11-23T12:00:00.000Z',
    finishedAt: '2026-11-23T12:03:12.000Z',
    confirmedBy: { id: 'b', name: 'Bea' },
    outcomes: [
      ...users
        .slice(0, 22)
        .map((u) => ({ userId: u.id, kind: 'revoked' as const, validFrom: '2026-11-23T12:01:00Z' })),
      { userId: 'u22', kind: 'guestSkipped' as const },
      {
        userId: 'u23',
        kind: 'denied' as const,
        code: 'Authorization_RequestDenied',
        message: 'Insufficient privileges',
      },
      { userId: 'u24', kind: 'notFound' as const, code: 'Request_ResourceNotFound' },
    ],
  });

  it('sums a bulk job up in words, singular where it is one', () => {
    expect(multiTargetSummary(job)).toBe(
      'Bulk sign-out finished (group:"Wave"): 22 signed out, 2 failed, 1 guest skipped, in 3 min 12 s.',
    );
    expect(multiTargetSummary({ ...job, finishedAt: job.startedAt })).toMatch(/, in under a second\.$/);
  });

  it('tells the security channel the counts, and the failures before the successes', () => {
    const text = endedNotice(job, 'the thread');
    expect(text.split('\n\n')[0]).toBe(
      'Sign-out done: 25 users (22 signed out, 2 failed, 1 guest skipped), requested by Alex, confirmed by Bea.',
    );
    const lines = text.split('\n\n').filter((l) => l.startsWith('- '));
    expect(lines).toHaveLength(21);
    expect(lines[0]).toMatch(/User 23/);
    expect(lines[1]).toMatch(/User 24/);
    expect(lines[20]).toBe("- …and 5 more (all of them in the thread's CSV)");
  });

  it('keeps a single sign-out to one line, without counts', () => {
    const one = aRequest({
      status: 'done',
      targets: [users[0]],
      confirmedBy: { id: 'b', name: 'Bea' },
      outcomes: [{ userId: 'u0', kind: 'revoked', validFrom: '2026-11-23T12:01:00Z' }],
    });
    const text = endedNotice(one, 'the thread');
    expect(text.split('\n\n')[0]).toBe(
      'Sign-out done: User 0 (u0@contoso.com), requested by Alex, confirmed by Bea.',
    );
    expect(text).not.toMatch(/more/);
  });
});
