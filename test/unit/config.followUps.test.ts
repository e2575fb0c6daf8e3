import { ConfigError, loadConfig } from '../../src/config';

const base = { LOCAL_MODE: 'true', AZURE_TENANT_ID: '11111111-2222-4333-8444-555555555555' };

function problemsOf(env: Record<string, string>): string[] {
  try {
    loadConfig(env);
  } catch (err) {
    if (err instanceof ConfigError) return err.problems;
    throw err;
  }
  return [];
}

describe('FOLLOW_UP_MINUTES', () => {
  it('is 15 and 90 minutes when unset', () => {
    expect(loadConfig(base).followUpMinutes).toEqual([15, 90]);
  });

  it('is off when empty or off, unlike other keys, whose empty value means the default', () => {
    expect(loadConfig({ ...base, FOLLOW_UP_MINUTES: '' }).followUpMinutes).toEqual([]);
    expect(loadConfig({ ...base, FOLLOW_UP_MINUTES: ' OFF ' }).followUpMinutes).toEqual([]);
  });

  it('reads a list, and decimals for tests that run in seconds', () => {
    expect(loadConfig({ ...base, FOLLOW_UP_MINUTES: '60, 5' }).followUpMinutes).toEqual([5, 60]);
    expect(loadConfig({ ...base, FOLLOW_UP_MINUTES: '0.05' }).followUpMinutes).toEqual([0.05]);
  });

  it('refuses a bad value in one line naming the rule', () => {
    expect(problemsOf({ ...base, FOLLOW_UP_MINUTES: '15,ninety' })).toEqual([
      expect.stringMatching(/^FOLLOW_UP_MINUTES must be minutes after the sign-out, comma-separated/),
    ]);
  });
});
