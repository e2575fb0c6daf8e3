import { classify, trimTarget, type TokenClass } from '../../../src/commands/classifier';
import { Lexer } from '../../../src/commands/lexer';
import { parseCommand } from '../../../src/commands/parseCommand';
import { type UserRef } from '../../../src/domain/command';
import { GUID, name, oid, upn } from '../../support/commandCases';

/** The class of the first token of `s`. */
const classOf = (s: string): TokenClass => classify(new Lexer(s).read(0)!);
const UPPER = GUID.toUpperCase();

describe('classify: flags and separators', () => {
  it.each<[string, string]>([
    ['--block', 'block'],
    ['-Self', 'self'],
    ['\u2014block', 'block'],
    ['\u2013self', 'self'],
    ['--block.', 'block'],
    ['--BLOCK,', 'block'],
    ['--force', 'force'],
  ])('%j is the flag %j', (text, flag) => {
    expect(classOf(text)).toEqual({ t: 'flag', name: flag });
  });

  it.each(['--', '-', '\u2013', '\u2014', '\u2015', ':', '|', 'reason:', 'Reason:phished'])(
    '%j starts a literal reason',
    (text) => {
      expect(classOf(text)).toEqual({ t: 'sep' });
    },
  );
});

describe('classify: all, group: and search:', () => {
  it.each(['all', 'ALL', 'all.'])('%j is the whole tenant', (text) => {
    expect(classOf(text)).toEqual({ t: 'all' });
  });

  it('reads a quoted "all" as a display name', () => {
    expect(classOf('"all"')).toEqual({ t: 'strong', ref: name('all') });
  });

  it.each<[string, TokenClass]>([
    ['group:Sales', { t: 'prefixed', prefix: 'group', value: 'Sales' }],
    ['group:Sales.', { t: 'prefixed', prefix: 'group', value: 'Sales' }],
    ['group:"  Wave 1  "', { t: 'prefixed', prefix: 'group', value: 'Wave 1' }],
    [`group:${UPPER}`, { t: 'prefixed', prefix: 'group', value: GUID }],
    [`group:{${UPPER}}`, { t: 'prefixed', prefix: 'group', value: GUID }],
    [`search:${UPPER}`, { t: 'prefixed', prefix: 'search', value: UPPER }],
    ['group:', { t: 'prefixed', prefix: 'group', value: '' }],
  ])('%j', (text, expected) => {
    expect(classOf(text)).toEqual(expected);
  });
});

describe('classify: users', () => {
  it.each<[string, UserRef]>([
    ['lester@contoso.com', upn('lester@contoso.com')],
    ['<lester@contoso.com>', upn('lester@contoso.com')],
    ['mailto:lester@contoso.com', upn('lester@contoso.com')],
    ['(lester@contoso.com).', upn('lester@contoso.com')],
    ['@lester@contoso.com', upn('lester@contoso.com')],
    [UPPER, oid(GUID)],
    [`{${UPPER}}`, oid(GUID)],
    ['"a@b.co"', upn('a@b.co')],
    [`"${UPPER}"`, oid(GUID)],
    ['"a@b.co c"', name('a@b.co c')],
    ['"  Lester Smith  "', name('Lester Smith')],
  ])('%j is certainly a user', (text, ref) => {
    expect(classOf(text)).toEqual({ t: 'strong', ref });
  });

  it.each<[string, UserRef]>([
    ['lester', name('lester')],
    ['lester.', name('lester')],
    ['@Lester', name('Lester')],
    ['张伟', name('张伟')],
    ['<script>', name('<script>')],
  ])('%j is a bare word, a name only as the first target', (text, ref) => {
    expect(classOf(text)).toEqual({ t: 'word', ref });
  });

  it.each<[string, RegExp]>([
    ['group', /Did you mean group:NAME\?/],
    ['Search', /Did you mean search:NAME\?/],
    ['everyone', /write exactly: signout all/],
    ['*', /write exactly: signout all/],
  ])('%j is a word with a hint for signout', (text, hint) => {
    const c = classOf(text);
    expect(c).toMatchObject({ t: 'word', ref: name(text) });
    expect(c.t === 'word' && c.hint).toMatch(hint);
  });

  it('keeps an overlong bare word as a name with a problem, and refuses an overlong quoted one', () => {
    expect(classOf('x'.repeat(300))).toEqual({
      t: 'word',
      ref: name('x'.repeat(300)),
      problem: 'That name is longer than 256 characters.',
    });
    expect(classOf(`"${'x'.repeat(300)}"`)).toEqual({
      t: 'bad',
      problem: 'That name is longer than 256 characters.',
    });
  });

  it.each<[string, string]>([
    ['lester@contoso', "`lester@contoso` doesn't look like a complete sign-in address (name@domain.com)."],
    ['<x@y>', "`x@y` doesn't look like a complete sign-in address (name@domain.com)."],
    [`${'a'.repeat(250)}@contoso.com`, 'That address is longer than 254 characters.'],
    ['""', 'There is nothing between the quotes.'],
    ['"  "', 'There is nothing between the quotes.'],
    ['"Lester', 'The quote at `"Lester` is never closed.'],
  ])('%j is unusable', (text, problem) => {
    expect(classOf(text)).toEqual({ t: 'bad', problem });
  });

  it('reads punctuation alone as junk', () => {
    expect(classOf('...')).toEqual({ t: 'junk' });
  });
});

describe('trimTarget', () => {
  it.each<[string, string]>([
    ['a@b.co.', 'a@b.co'],
    ['x.,;:!?', 'x'],
    ['(a@b.co)', 'a@b.co'],
    ['<a@b.co', 'a@b.co'],
    ['a@b.co>', 'a@b.co'],
    [`{${UPPER}}`, UPPER],
    ['<script>', '<script>'],
    ['mailto:x', 'mailto:x'],
  ])('%j → %j', (word, trimmed) => {
    expect(trimTarget(word)).toBe(trimmed);
  });
});

describe('parseCommand: hostile values are kept literally or refused', () => {
  it.each<[string, UserRef]>([
    ["signout x' or 1 eq 1", name("x'")],
    ['signout "x\' or 1 eq 1"', name("x' or 1 eq 1")],
    ['signout "\'); DROP TABLE users; --"', name("'); DROP TABLE users; --")],
    ["signout ');", name("')")],
    ['signout $filter=', name('$filter=')],
    ['signout "$filter=displayName eq \'x\'"', name("$filter=displayName eq 'x'")],
    ['signout ../', name('../')],
    ['signout ../../users', name('../../users')],
    ['signout <script>', name('<script>')],
    ['signout "<script>alert(1)</script>"', name('<script>alert(1)</script>')],
    ['signout %27', name('%27')],
    ['signout \\', name('\\')],
    ['signout "a\\" b"', name('a\\')],
    ['signout "Zhāng Wěi 张伟"', name('Zhāng Wěi 张伟')],
    ['signout "👩‍💻 Dev"', name('👩💻 Dev')],
    ['signout "\u202eevil\u202c"', name('evil')],
    ['signout "a\u0000b"', name('ab')],
    ['status "&lt;b&gt;"', name('&lt;b&gt;')],
  ])('%j', (text, ref) => {
    const cmd = parseCommand(text);
    const refs =
      cmd.kind === 'signout' && cmd.target.kind === 'users'
        ? cmd.target.refs
        : cmd.kind === 'status'
          ? [cmd.user]
          : [];
    expect(refs[0]).toEqual(ref);
  });
});
