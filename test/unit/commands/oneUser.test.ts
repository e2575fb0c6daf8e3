import { refuse } from '../../../src/commands/grammar';
import { Lexer } from '../../../src/commands/lexer';
import { extraUser, readOneUser } from '../../../src/commands/oneUser';
import { name, upn } from '../../support/commandCases';

const tok = (s: string) => new Lexer(s).read(0)!;

describe('readOneUser', () => {
  it('reads a certain user, or a bare word marked as bare', () => {
    expect(readOneUser(tok('a@b.co'), 'status')).toEqual({ ref: upn('a@b.co'), bare: false });
    expect(readOneUser(tok('"Lester Smith"'), 'status')).toEqual({ ref: name('Lester Smith'), bare: false });
    expect(readOneUser(tok('lester'), 'status')).toEqual({ ref: name('lester'), bare: true });
  });

  it('says why a token names no user, in the words of the verb', () => {
    expect(readOneUser(tok('--block'), 'unblock')).toEqual(refuse('unblock has no options like `--block`.'));
    expect(readOneUser(tok('all'), 'status')).toEqual(refuse('status works on one user, not `all`.'));
    expect(readOneUser(tok('group:x'), 'history', 'one user, or nobody for everyone')).toEqual(
      refuse('history works on one user, or nobody for everyone, not `group:x`.'),
    );
    expect(readOneUser(tok('--'), 'status')).toEqual(refuse("I can't read `--` as a user."));
    expect(readOneUser(tok('...'), 'status')).toEqual(refuse("I can't read `...` as a user."));
    expect(readOneUser(tok('a@b'), 'status')).toEqual(
      refuse("`a@b` doesn't look like a complete sign-in address (name@domain.com)."),
    );
    expect(readOneUser(tok('x'.repeat(300)), 'status')).toEqual(
      refuse('That name is longer than 256 characters.'),
    );
  });
});

describe('extraUser', () => {
  it('asks for quotes when two bare words look like one name', () => {
    const lex = new Lexer('lester smith');
    const first = lex.read(0)!;
    expect(extraUser('status', true, first, lex.read(first.end)!)).toEqual(
      refuse('Put a display name with spaces in quotes, e.g. "lester smith".'),
    );
  });

  it('otherwise says the verb takes one user at a time', () => {
    const lex = new Lexer('a@b.co c@d.co');
    const first = lex.read(0)!;
    expect(extraUser('status', false, first, lex.read(first.end)!)).toEqual(
      refuse("status works on one user at a time; I don't know what to do with `c@d.co`."),
    );
  });
});
