import { credentialProblem, explainGraphFailure } from '../../src/core/graphErrors';
import { checkFailed } from '../../src/bot/messages';
import { isListedAdmin, isPolicyConfigured, sameTenant, whoMayUse } from '../../src/core/policy';

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

  it('compares tenants case-insensitively and refuses a missing tenant', () => {
    expect(sameTenant('AbC', 'abc')).toBe(true);
    expect(sameTenant('abc', undefined)).toBe(false);
    expect(sameTenant('abc', 'abd')).toBe(false);
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

describe('checkFailed', () => {
  it('says a credential problem needs fixing, not waiting', () => {
    const text = checkFailed({
      status: 0,
      code: 'AuthenticationFailed',
      message: 'the bot could not get a token for Microsoft Graph (AADSTS700027)',
    });
    expect(text).toMatch(/couldn't check that you are an admin, so I won't act/);
    expect(text).toMatch(/certificate .* is not one uploaded to the app registration \(AADSTS700027\)/);
    expect(text).toMatch(/Ask whoever runs the bot to fix it/);
    expect(text).not.toMatch(/Try again/);
  });

  it("asks to try again after a passing fault, with Graph's reference", () => {
    const text = checkFailed({ status: 503, code: 'ServiceUnavailable', requestId: 'r-9' });
    expect(text).toMatch(/Try again in a minute/);
    expect(text).toContain('(Graph: 503 ServiceUnavailable, request-id r-9)');
  });
});
