import { startupWarnings } from '../../src/startupWarnings';

const BREAK_GLASS = '0d4e2f7a-9b1c-4c3d-8e5f-6a7b8c9d0e1f';

describe('startupWarnings', () => {
  it('warns on App Service (WEBSITE_INSTANCE_ID) when no account is protected', () => {
    expect(startupWarnings({ protectedUserIds: [] }, { WEBSITE_INSTANCE_ID: 'abc123' })).toEqual([
      expect.stringMatching(/^PROTECTED_USER_IDS is empty: .*break-glass/),
    ]);
  });

  it('is quiet once an account is protected, and off App Service', () => {
    expect(startupWarnings({ protectedUserIds: [BREAK_GLASS] }, { WEBSITE_INSTANCE_ID: 'abc123' })).toEqual(
      [],
    );
    expect(startupWarnings({ protectedUserIds: [] }, {})).toEqual([]);
    expect(startupWarnings({ protectedUserIds: [] }, { WEBSITE_INSTANCE_ID: '' })).toEqual([]);
  });
});
