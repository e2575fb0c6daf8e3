import { explainSignInLogFailure, missingRefreshesText } from '../../../src/domain/signInLogErrors';

const ref = { requestId: 'req-1' };

describe('explainSignInLogFailure', () => {
  it('names the licence for 403 Authentication_RequestFromNonPremiumTenantOrB2CTenant', () => {
    const text = explainSignInLogFailure({
      status: 403,
      code: 'Authentication_RequestFromNonPremiumTenantOrB2CTenant',
      ...ref,
    });
    expect(text).toMatch(/^The sign-in logs need Microsoft Entra ID P1 or P2/);
    expect(text).toContain(
      '(Graph: 403 Authentication_RequestFromNonPremiumTenantOrB2CTenant, request-id req-1)',
    );
  });

  it('names the permissions for 403 Authorization_RequestDenied', () => {
    const text = explainSignInLogFailure({ status: 403, code: 'Authorization_RequestDenied', ...ref });
    expect(text).toContain('AuditLog.Read.All and Directory.Read.All, with admin consent');
    expect(text).toContain('request-id req-1');
  });

  it.each([
    [{ status: 429, code: 'TooManyRequests' }, /throttling the bot/],
    [{ status: 0, code: 'Timeout' }, /could not be reached in time/],
    [{ status: 503, code: 'ServiceUnavailable' }, /internal error reading the sign-in logs/],
    [{ status: 401, code: 'InvalidAuthenticationToken' }, /could not authenticate to Microsoft Graph/],
  ])('explains %j', (f, words) => {
    expect(explainSignInLogFailure({ ...f, ...ref })).toMatch(words);
  });
});

it('says which log is missing, with the reference', () => {
  expect(missingRefreshesText({ status: 503, code: 'ServiceUnavailable', ...ref })).toMatch(
    /^Token refreshes .* \(Graph: 503 ServiceUnavailable, request-id req-1\)$/,
  );
});
