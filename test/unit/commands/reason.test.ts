import { refuse } from '../../../src/commands/grammar';
import { readReason } from '../../../src/commands/reason';

describe('readReason', () => {
  it('reads the rest of the text, without list separators before it', () => {
    expect(readReason('x phished laptop', 1, false)).toBe('phished laptop');
    expect(readReason('x, phished', 1, false)).toBe('phished');
    expect(readReason('x', 1, false)).toBe('');
  });

  it('drops the separator of an explicit reason and keeps the rest literally', () => {
    expect(readReason('x -- --block here', 1, true)).toBe('--block here');
    expect(readReason('x reason: ok', 1, true)).toBe('ok');
    expect(readReason('x Reason:ok', 1, true)).toBe('ok');
    expect(readReason('x \u2014 ok', 1, true)).toBe('ok');
  });

  it('refuses a known flag inside an implicit reason, saying where it belongs', () => {
    expect(readReason('x phished --block', 1, false, ['block'])).toEqual(
      refuse(
        'Put `--block` before the reason; I found it inside the reason. ' +
          '(If the reason really contains it, start the reason with --.)',
      ),
    );
    expect(readReason('x phished \u2014Block', 1, false, ['block'])).toEqual(
      expect.objectContaining({ sentence: expect.stringMatching(/^Put `--block` before the reason/) }),
    );
  });

  it('refuses any other flag-shaped word as an unknown option', () => {
    expect(readReason('x phished --block', 1, false)).toEqual(refuse("I don't know the option `--block`."));
    expect(readReason('x ok --force', 1, false, ['block'])).toEqual(
      refuse("I don't know the option `--force`."),
    );
  });

  it('refuses a reason over 500 characters and takes one of exactly 500', () => {
    expect(readReason(`x ${'r'.repeat(501)}`, 1, false)).toEqual(
      refuse('The reason is 501 characters long; keep it to 500 or fewer.'),
    );
    expect(readReason(`x ${'r'.repeat(500)}`, 1, false)).toBe('r'.repeat(500));
  });
});
