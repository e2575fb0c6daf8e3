import {
  detectionsUnavailable,
  riskAccessDeniedNotice,
  riskAnswerFailed,
} from '../../../src/domain/alertMessages';

const denied = { status: 403, code: 'Authorization_RequestDenied', requestId: 'r-1' };

describe('alert messages', () => {
  it('names the permission, the licence, the retry and Graph’s reference when the poll is refused', () => {
    const text = riskAccessDeniedNotice(denied, 60).text;
    expect(text).toContain('IdentityRiskyUser.ReadWrite.All');
    expect(text).toContain('Entra ID P2');
    expect(text).toContain('every 60 minutes');
    expect(text).toContain('403 Authorization\\_RequestDenied, request-id r-1');
  });

  it('says what a failed confirm or dismiss needs', () => {
    expect(riskAnswerFailed('confirm', denied)).toContain('IdentityRiskyUser.ReadWrite.All');
    expect(riskAnswerFailed('dismiss', { status: 503, code: 'ServiceUnavailable' })).toContain('Try again');
    expect(detectionsUnavailable(denied)).toContain('IdentityRiskEvent.Read.All');
  });
});
