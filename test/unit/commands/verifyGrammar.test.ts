import { parseVerify, VERIFY_USAGE } from '../../../src/commands/verifyGrammar';

describe('verify grammar', () => {
  it('reads one user', () => {
    expect(parseVerify('lester@contoso.com')).toEqual({
      kind: 'verify',
      user: { kind: 'upn', value: 'lester@contoso.com' },
    });
    expect(parseVerify('"Lester Young"')).toEqual({
      kind: 'verify',
      user: { kind: 'name', value: 'Lester Young' },
    });
  });

  it('reads since TIME after the user, in any case', () => {
    expect(parseVerify('lester@contoso.com SINCE 2026-11-29 14:02')).toEqual({
      kind: 'verify',
      user: { kind: 'upn', value: 'lester@contoso.com' },
      since: { kind: 'instant', iso: '2026-11-29T14:02:00.000Z' },
    });
    expect(parseVerify('lester@contoso.com since 2h')).toMatchObject({
      since: { kind: 'ago', minutes: 120 },
    });
  });

  it.each([
    ['', /whose sign-ins to check/],
    ['lester@contoso.com since', /Say since when/],
    ['lester@contoso.com since whenever', /can't read "whenever" as a time/],
    ['lester@contoso.com adele@contoso.com', /one user at a time/],
    ['all', /verify works on one user/],
    ['group:Sales', /verify works on one user/],
    ['--block lester@contoso.com', /verify has no options/],
    ['Lester Young', /in quotes/],
  ])('refuses %j', (args, sentence) => {
    expect(parseVerify(args)).toEqual({ kind: 'refusal', sentence: expect.stringMatching(sentence) });
  });

  it('has a usage line that names since', () => {
    expect(VERIFY_USAGE).toMatch(/^Usage: verify WHO \[since TIME\]/);
  });
});
