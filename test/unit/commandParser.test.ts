import {
  MAX_INPUT_LENGTH,
  MAX_REASON_LENGTH,
  MAX_TARGETS,
  USAGE,
  normalizeMessageText,
  parseCommand,
} from '../../src/commands';
import { type Command, type TargetSpec, type UserRef } from '../../src/domain/command';
import { HUGE_MARKUP_TEXTS, NEAR_LIMIT_TEXTS, randomMessages } from '../support/hostileText';

const upn = (value: string): UserRef => ({ kind: 'upn', value });
const oid = (value: string): UserRef => ({ kind: 'objectId', value });
const name = (value: string): UserRef => ({ kind: 'name', value });
const users = (...refs: UserRef[]): TargetSpec => ({ kind: 'users', refs });
const signout = (target: TargetSpec, reason = '', block = false, self = false): Command => ({
  kind: 'signout',
  target,
  reason,
  block,
  self,
});

const GUID = '5a1c2e7f-9b3d-4086-a2c4-e6f8aabbccdd';
const CONTROL = /[\p{Cc}\p{Cf}\p{Cs}]/u;

function expectInvalid(cmd: Command, verb: string, problem: RegExp) {
  expect(cmd).toMatchObject({ kind: 'invalid', verb });
  if (cmd.kind !== 'invalid') return;
  expect(cmd.problem).toMatch(problem);
  if (verb in USAGE) expect(cmd.problem.endsWith(USAGE[verb as keyof typeof USAGE])).toBe(true);
}

describe('normalizeMessageText', () => {
  it.each<[string, string, string]>([
    [
      'channel message with mention, nbsp and mailto link',
      '<p><at>Sign-out Bot</at>&nbsp;signout <a href="mailto:lester@contoso.com">lester@contoso.com</a></p>',
      'signout lester@contoso.com',
    ],
    ['mention with an id attribute', '<at id="0">Sign-out Bot</at> status lester', 'status lester'],
    ['bot mention in any case', '<at>SIGN-OUT BOT</at> help', 'help'],
    ['leading mention of a renamed bot', '<at>IT Helper</at> help', 'help'],
    ['several leading mentions (split bot name)', '<at>Sign-out</at> <at>Bot</at> help', 'help'],
    [
      'person mention becomes a quoted name',
      '<at>Sign-out Bot</at> signout <at>Lester Smith</at> phished',
      'signout "Lester Smith" phished',
    ],
    [
      'a person split into two mentions is one name',
      '<at>Sign-out Bot</at> signout <at>Lester</at>&nbsp;<at>Smith</at>',
      'signout "Lester Smith"',
    ],
    [
      'mentions separated by a comma stay apart',
      '<at>Sign-out Bot</at> signout <at>Lester</at>, <at>Bob</at>',
      'signout "Lester", "Bob"',
    ],
    [
      'a quote inside a mention is dropped',
      '<at>Bot</at> status <at>Lester "Les" Smith</at>',
      'status "Lester Les Smith"',
    ],
    ['bot mention in the middle is removed', 'signout <at>Sign-out Bot</at> lester', 'signout lester'],
    [
      'div, br and span',
      '<div>signout<br>lester@contoso.com</div><span class="x">now</span>',
      'signout lester@contoso.com now',
    ],
    ['paragraphs become spaces', '<p>signout a@b.co</p><p>reason</p>', 'signout a@b.co reason'],
    ['inline tags join', 'lester@<b>contoso</b>.com', 'lester@contoso.com'],
    ['named entities', 'a&amp;b &lt;c&gt; &quot;d&quot; &#39;e&#39; &apos;f&apos;', "a&b <c> \"d\" 'e' 'f'"],
    ['numeric entities', '&#123;&#x7B;&#X7d;&#65;', '{{}A'],
    ['entities are decoded once', '&amp;lt;at&amp;gt;', '&lt;at&gt;'],
    ['decoded tags stay text', '&lt;at&gt;Sign-out Bot&lt;/at&gt; help', '<at>Sign-out Bot</at> help'],
    ['unknown entity kept', '&bogus; &#xZZ;', '&bogus; &#xZZ;'],
    ['invalid code points dropped', 'a&#0;b&#xD800;c&#1114112;d', 'abcd'],
    [
      'typographic double quotes',
      'signout \u201cLester Smith\u201d \u201eWave\u201c \u00abX\u00bb',
      'signout "Lester Smith" "Wave" "X"',
    ],
    ['typographic single quotes', '\u2018Dan O\u2019Brien\u2019', "'Dan O'Brien'"],
    ['nbsp and other spaces', 'signout\u00a0\u2003lester\u202f\u3000x', 'signout lester x'],
    ['zero-width characters vanish', 'sign\u200bout le\u200cst\u200der\u2060\ufeff', 'signout lester'],
    [
      'bidi controls vanish',
      'signout \u202elester\u202c \u2066x\u2069 \u200f\u200e\u061c',
      'signout lester x',
    ],
    [
      'control characters vanish, newlines are spaces',
      'signout\u0000\u0007 lester\r\n\tphished\u007f\u0085x',
      'signout lester phished x',
    ],
    ['lone surrogates vanish', 'a\ud800b\udc00c', 'abc'],
    ['emoji kept, whitespace collapsed', '  status   \ud83d\ude00  ', 'status \ud83d\ude00'],
    ['NFC', 'signout Jose\u0301', 'signout Jos\u00e9'],
    ['plain-text bot name with @', '@Sign-out Bot signout lester', 'signout lester'],
    ['plain-text bot name without @', 'Sign-out Bot: signout lester', 'signout lester'],
    ['bot name only as a whole word', 'Sign-out Botany', 'Sign-out Botany'],
    ['a "<" that starts no tag stays', 'a < b and c > d', 'a < b and c > d'],
    ['an unclosed tag is text', 'signout lester <b', 'signout lester <b'],
    ['comments removed', 'sign<!-- x > y -->out', 'signout'],
    [
      'emoji image keeps its alt',
      'status <emoji id="smile" alt="\ud83d\ude04"></emoji>',
      'status \ud83d\ude04',
    ],
    [
      'an unclosed mention keeps its text',
      '<at>Sign-out Bot</at> status <at>Lester &amp;amp; Co',
      'status Lester &amp; Co',
    ],
    ['empty', '', ''],
    ['only markup', '<p><at>Sign-out Bot</at>&nbsp;</p>', ''],
    // found by the property test: the entity table answered Object.prototype's `constructor`
    ['an entity named like an Object member stays text', 'a &constructor; b', 'a &constructor; b'],
  ])('%s', (_label, raw, expected) => {
    expect(normalizeMessageText(raw)).toBe(expected);
  });

  it('removes the bot names it is given, anywhere', () => {
    expect(normalizeMessageText('signout <at>IT Helper</at> lester', ['IT Helper'])).toBe('signout lester');
    expect(normalizeMessageText('IT Helper status x', ['IT Helper'])).toBe('status x');
    expect(normalizeMessageText('signout <at>IT Helper</at> lester')).toBe('signout "IT Helper" lester');
  });

  it('returns no control characters for any input', () => {
    let all = '';
    for (let c = 0; c < 0x10000; c++) all += String.fromCharCode(c);
    expect(normalizeMessageText(all)).not.toMatch(CONTROL);
  });

  it('tolerates a non-string', () => {
    expect(normalizeMessageText(undefined as unknown as string)).toBe('');
  });
});

describe('parseCommand: verbs', () => {
  it.each<[string, Command['kind']]>([
    ['signout a@b.co', 'signout'],
    ['SignOut a@b.co', 'signout'],
    ['SIGNOUT a@b.co', 'signout'],
    ['sign-out a@b.co', 'signout'],
    ['Sign-Out a@b.co', 'signout'],
    ['sign\u2011out a@b.co', 'signout'],
    ['sign out a@b.co', 'signout'],
    ['Sign Out a@b.co', 'signout'],
    ['revoke a@b.co', 'signout'],
    ['/signout a@b.co', 'signout'],
    ['signout: a@b.co', 'signout'],
    ['status a@b.co', 'status'],
    ['Status a@b.co', 'status'],
    ['history', 'history'],
    ['HISTORY 5', 'history'],
    ['unblock a@b.co', 'unblock'],
    ['help', 'help'],
    ['HELP', 'help'],
    ['help me', 'help'],
    ['help?', 'help'],
    ['?', 'help'],
    ['', 'help'],
    ['   ', 'help'],
    ['hello', 'unknown'],
    // found by the property test: these found Object.prototype members in the verb table, and the
    // parser answered undefined instead of a Command
    ['__proto__', 'unknown'],
    ['constructor a@b.co', 'unknown'],
    ['Constructor', 'unknown'],
    ['logout a@b.co', 'unknown'],
    ['log out a@b.co', 'unknown'],
    ['sign in a@b.co', 'unknown'],
    ['sign', 'unknown'],
    ['signouts a@b.co', 'unknown'],
    ['please signout a@b.co', 'unknown'],
    ['??', 'unknown'],
  ])('%j → %s', (text, kind) => {
    expect(parseCommand(text).kind).toBe(kind);
  });
});

describe('parseCommand: signout targets', () => {
  it.each<[string, Command]>([
    ['signout lester@contoso.com', signout(users(upn('lester@contoso.com')))],
    ['signout Lester@Contoso.com', signout(users(upn('Lester@Contoso.com')))],
    ['signout lester@contoso.com.', signout(users(upn('lester@contoso.com')))],
    ['signout lester@contoso.com,', signout(users(upn('lester@contoso.com')))],
    ['signout lester@contoso.com;', signout(users(upn('lester@contoso.com')))],
    ['signout lester@contoso.com!', signout(users(upn('lester@contoso.com')))],
    ['signout lester@contoso.com, phished', signout(users(upn('lester@contoso.com')), 'phished')],
    ['signout lester@contoso.com. Phished.', signout(users(upn('lester@contoso.com')), 'Phished.')],
    ['signout <lester@contoso.com>', signout(users(upn('lester@contoso.com')))],
    ['signout (lester@contoso.com)', signout(users(upn('lester@contoso.com')))],
    ['signout mailto:lester@contoso.com', signout(users(upn('lester@contoso.com')))],
    ['signout @lester@contoso.com', signout(users(upn('lester@contoso.com')))],
    ["signout o'brien@contoso.com", signout(users(upn("o'brien@contoso.com")))],
    ['signout first.last+tag@mail.contoso.co.uk', signout(users(upn('first.last+tag@mail.contoso.co.uk')))],
    ['signout a-b_c@x-y.io', signout(users(upn('a-b_c@x-y.io')))],
    [
      'signout john_fabrikam.com#EXT#@contoso.onmicrosoft.com',
      signout(users(upn('john_fabrikam.com#EXT#@contoso.onmicrosoft.com'))),
    ],
    ['signout 张伟@例子.公司', signout(users(upn('张伟@例子.公司')))],
    [`signout ${GUID}`, signout(users(oid(GUID)))],
    [`signout ${GUID.toUpperCase()}`, signout(users(oid(GUID)))],
    [`signout {${GUID}}`, signout(users(oid(GUID)))],
    [`signout "${GUID}"`, signout(users(oid(GUID)))],
    ['signout "lester@contoso.com"', signout(users(upn('lester@contoso.com')))],
    ['signout "Lester Smith"', signout(users(name('Lester Smith')))],
    ['signout "  Lester Smith  "', signout(users(name('Lester Smith')))],
    ["signout 'Lester Smith'", signout(users(name('Lester Smith')))],
    ["signout 'Dan O'Brien' left", signout(users(name("Dan O'Brien")), 'left')],
    ['signout "张伟"', signout(users(name('张伟')))],
    ['signout lester', signout(users(name('lester')))],
    ['signout lester.', signout(users(name('lester')))],
    ['signout @Lester', signout(users(name('Lester')))],
    ['signout lester phished laptop', signout(users(name('lester')), 'phished laptop')],
    ['signout lester bob', signout(users(name('lester')), 'bob')],
    ['signout 😀', signout(users(name('😀')))],
    [
      'signout a@b.co c@d.co, e@f.co;g@h.co',
      signout(users(upn('a@b.co'), upn('c@d.co'), upn('e@f.co'), upn('g@h.co'))),
    ],
    ['signout a@b.co,c@d.co', signout(users(upn('a@b.co'), upn('c@d.co')))],
    [
      `signout lester@contoso.com ${GUID} "Bob Jones" stolen phone`,
      signout(users(upn('lester@contoso.com'), oid(GUID), name('Bob Jones')), 'stolen phone'),
    ],
    ['signout a@b.co A@B.CO a@b.co', signout(users(upn('a@b.co')))],
    [`signout ${GUID} ${GUID.toUpperCase()}`, signout(users(oid(GUID)))],
    ['signout "Lester Smith" "lester smith"', signout(users(name('Lester Smith')))],
    ['signout lester, "Bob"', signout(users(name('lester'), name('Bob')))],
    ['signout all', signout({ kind: 'all' })],
    ['signout ALL', signout({ kind: 'all' })],
    ['signout all.', signout({ kind: 'all' })],
    ['signout --block all', signout({ kind: 'all' }, '', true)],
    ['signout all -- quarterly drill', signout({ kind: 'all' }, 'quarterly drill')],
    ['signout all: breach', signout({ kind: 'all' }, 'breach')],
    ['signout all reason: breach', signout({ kind: 'all' }, 'breach')],
    ['signout "all"', signout(users(name('all')))],
    ['signout group:Sales', signout({ kind: 'group', group: 'Sales' })],
    ['signout Group:Sales.', signout({ kind: 'group', group: 'Sales' })],
    ['signout group:"Migration Wave 1"', signout({ kind: 'group', group: 'Migration Wave 1' })],
    [
      'signout group:"Migration Wave 1" cutover',
      signout({ kind: 'group', group: 'Migration Wave 1' }, 'cutover'),
    ],
    ["signout group:'Migration Wave 1'", signout({ kind: 'group', group: 'Migration Wave 1' })],
    ['signout group: "Migration Wave 1"', signout({ kind: 'group', group: 'Migration Wave 1' })],
    ['signout group: Sales now', signout({ kind: 'group', group: 'Sales' }, 'now')],
    [`signout group:${GUID.toUpperCase()}`, signout({ kind: 'group', group: GUID })],
    [`signout group:{${GUID}}`, signout({ kind: 'group', group: GUID })],
    ['signout search:Test', signout({ kind: 'search', query: 'Test' })],
    ['signout SEARCH:"Test user" cleanup', signout({ kind: 'search', query: 'Test user' }, 'cleanup')],
    ['signout search:"a\\b"', signout({ kind: 'search', query: 'a\\b' })],
  ])('%j', (text, expected) => {
    expect(parseCommand(text)).toEqual(expected);
  });
});

describe('parseCommand: signout flags and reason', () => {
  it.each<[string, Command]>([
    ['signout --block a@b.co', signout(users(upn('a@b.co')), '', true)],
    ['signout --self a@b.co', signout(users(upn('a@b.co')), '', false, true)],
    ['signout --self --block a@b.co', signout(users(upn('a@b.co')), '', true, true)],
    ['signout --BLOCK a@b.co', signout(users(upn('a@b.co')), '', true)],
    ['signout -block a@b.co', signout(users(upn('a@b.co')), '', true)],
    ['signout \u2014block a@b.co', signout(users(upn('a@b.co')), '', true)],
    ['signout \u2013self a@b.co', signout(users(upn('a@b.co')), '', false, true)],
    ['signout a@b.co --block', signout(users(upn('a@b.co')), '', true)],
    ['signout a@b.co --block phished', signout(users(upn('a@b.co')), 'phished', true)],
    ['signout a@b.co --block, c@d.co', signout(users(upn('a@b.co'), upn('c@d.co')), '', true)],
    ['signout a@b.co   phished   laptop  ', signout(users(upn('a@b.co')), 'phished laptop')],
    ['signout a@b.co -- --block is in the reason', signout(users(upn('a@b.co')), '--block is in the reason')],
    ['signout a@b.co - phished', signout(users(upn('a@b.co')), 'phished')],
    ['signout a@b.co \u2014 phished', signout(users(upn('a@b.co')), 'phished')],
    ['signout a@b.co: phished', signout(users(upn('a@b.co')), 'phished')],
    ['signout a@b.co reason: phished', signout(users(upn('a@b.co')), 'phished')],
    ['signout a@b.co Reason:phished', signout(users(upn('a@b.co')), 'phished')],
    ['signout a@b.co -- "phished"', signout(users(upn('a@b.co')), '"phished"')],
    ['signout a@b.co "phished"', signout(users(upn('a@b.co'), name('phished')))],
    ['signout a@b.co reported by bob@c.co', signout(users(upn('a@b.co')), 'reported by bob@c.co')],
    ['signout a@b.co group cleanup', signout(users(upn('a@b.co')), 'group cleanup')],
    ['signout a@b.co ticket #123, see INC-9', signout(users(upn('a@b.co')), 'ticket #123, see INC-9')],
    ['signout a@b.co 他的电脑被偷了 😢', signout(users(upn('a@b.co')), '他的电脑被偷了 😢')],
    [
      `signout a@b.co ${'x'.repeat(MAX_REASON_LENGTH)}`,
      signout(users(upn('a@b.co')), 'x'.repeat(MAX_REASON_LENGTH)),
    ],
  ])('%j', (text, expected) => {
    expect(parseCommand(text)).toEqual(expected);
  });
});

describe('parseCommand: signout refusals', () => {
  it.each<[string, RegExp]>([
    ['signout', /^Tell me who to sign out/],
    ['sign out', /^Tell me who to sign out/],
    ['signout --block', /^Tell me who to sign out/],
    ['signout --self', /^Tell me who to sign out/],
    ['signout -- phished', /^Tell me who to sign out/],
    ['signout ,', /^Tell me who to sign out/],
    ['signout ...', /can't read `...` as a user/],
    ['signout --force a@b.co', /don't know the option `--force`.*--block and --self/],
    ['signout --blok a@b.co', /`--blok`/],
    ['signout a@b.co phished --block', /Put `--block` before the reason/],
    ['signout a@b.co phished \u2014self', /Put `--self` before the reason/],
    ['signout a@b.co phished --now', /don't know the option `--now`/],
    ['signout lester@contoso', /`lester@contoso` doesn't look like a complete sign-in address/],
    ['signout lester@', /doesn't look like a complete sign-in address/],
    ['signout a@b@c.co', /doesn't look like a complete sign-in address/],
    ['signout a@b.c', /doesn't look like a complete sign-in address/],
    ['signout a@-b.co', /doesn't look like a complete sign-in address/],
    ['signout a@b..co', /doesn't look like a complete sign-in address/],
    ['signout a/b@c.co', /doesn't look like a complete sign-in address/],
    ['signout a@b.co c@d', /`c@d` doesn't look like a complete sign-in address/],
    [`signout ${'a'.repeat(250)}@contoso.com`, /longer than 254 characters/],
    [`signout ${'a'.repeat(300)}`, /name is longer than 256 characters/],
    [`signout "${'a'.repeat(300)}"`, /name is longer than 256 characters/],
    ['signout ""', /nothing between the quotes/],
    ['signout "Lester Smith', /quote at `"Lester Smith` is never closed/],
    ['signout a@b.co "Lester', /never closed/],
    ['signout group:"Wave 1', /never closed/],
    ['signout all guests', /only take it on its own.*signout all -- your reason/],
    ['signout all users', /only take it on its own/],
    ['signout all a@b.co', /not a mix \(found `a@b.co`\)/],
    ['signout all group:x', /not a mix/],
    ['signout all all', /not a mix/],
    ['signout a@b.co all', /not a mix \(found `all`\)/],
    ['signout a@b.co group:Sales', /not a mix/],
    ['signout a@b.co, search:x', /not a mix/],
    ['signout group:Sales a@b.co', /not a mix/],
    [`signout group:Sales ${GUID}`, /not a mix/],
    ['signout group:Sales "Lester"', /not a mix/],
    ['signout search:x all', /not a mix/],
    ['signout search:x group:y', /not a mix/],
    ['signout group:a group:b', /One group: at a time/],
    ['signout search:a search:b', /One search: at a time/],
    ['signout group:', /group: needs the group's name or object id/],
    ['signout group:""', /group: needs/],
    ['signout group: --block', /group: needs/],
    ['signout search:', /search: needs the text/],
    [`signout group:"${'g'.repeat(300)}"`, /group text is longer than 256/],
    ['signout group Sales', /Did you mean group:NAME\?/],
    ['signout search Test', /Did you mean search:NAME\?/],
    ['signout everyone', /write exactly: signout all/],
    ['signout *', /write exactly: signout all/],
    [`signout a@b.co ${'x'.repeat(MAX_REASON_LENGTH + 1)}`, /reason is 501 characters long; keep it to 500/],
  ])('%j', (text, problem) => {
    expectInvalid(parseCommand(text), 'signout', problem);
  });

  it('refuses more than MAX_TARGETS distinct users, counting after duplicates are removed', () => {
    expect(MAX_TARGETS).toBe(1000);
    expectInvalid(
      parseCommand('signout a@b.co c@d.co e@f.co', { maxTargets: 2 }),
      'signout',
      /more than 2 users/,
    );
    expect(parseCommand('signout a@b.co A@b.co c@d.co', { maxTargets: 2 })).toEqual(
      signout(users(upn('a@b.co'), upn('c@d.co'))),
    );
  });

  it('takes as many distinct users as fit in one message', () => {
    const refs = Array.from({ length: 360 }, (_, i) => `u${i}@x.io`);
    const text = `signout ${refs.join(' ')}`;
    expect(text.length).toBeLessThanOrEqual(MAX_INPUT_LENGTH);
    const cmd = parseCommand(text);
    expect(cmd.kind === 'signout' && cmd.target.kind === 'users' && cmd.target.refs.length).toBe(360);
  });
});

describe('parseCommand: status, unblock, history', () => {
  it.each<[string, Command]>([
    ['status lester@contoso.com', { kind: 'status', user: upn('lester@contoso.com') }],
    ['status lester@contoso.com.', { kind: 'status', user: upn('lester@contoso.com') }],
    [`status ${GUID.toUpperCase()}`, { kind: 'status', user: oid(GUID) }],
    ['status "Lester Smith"', { kind: 'status', user: name('Lester Smith') }],
    ['status lester', { kind: 'status', user: name('lester') }],
    ['status lester?', { kind: 'status', user: name('lester') }],
    ['unblock lester@contoso.com', { kind: 'unblock', user: upn('lester@contoso.com'), reason: '' }],
    [
      'unblock lester@contoso.com back from leave',
      { kind: 'unblock', user: upn('lester@contoso.com'), reason: 'back from leave' },
    ],
    ['unblock lester back', { kind: 'unblock', user: name('lester'), reason: 'back' }],
    ['unblock "Lester Smith" -- ok', { kind: 'unblock', user: name('Lester Smith'), reason: 'ok' }],
    ['unblock a@b.co, ok', { kind: 'unblock', user: upn('a@b.co'), reason: 'ok' }],
    ['history', { kind: 'history', count: 10 }],
    ['history 20', { kind: 'history', count: 20 }],
    ['history 1', { kind: 'history', count: 1 }],
    ['history 50', { kind: 'history', count: 50 }],
    ['history 05', { kind: 'history', count: 5 }],
    ['history lester@contoso.com', { kind: 'history', user: upn('lester@contoso.com'), count: 10 }],
    ['history lester@contoso.com 5', { kind: 'history', user: upn('lester@contoso.com'), count: 5 }],
    ['history 5 lester@contoso.com', { kind: 'history', user: upn('lester@contoso.com'), count: 5 }],
    ['history "Lester Smith" 5.', { kind: 'history', user: name('Lester Smith'), count: 5 }],
    ['history lester', { kind: 'history', user: name('lester'), count: 10 }],
    [`history ${GUID}`, { kind: 'history', user: oid(GUID), count: 10 }],
  ])('%j', (text, expected) => {
    expect(parseCommand(text)).toEqual(expected);
  });

  it.each<[string, string, RegExp]>([
    ['status', 'status', /^Tell me whose status to show/],
    ['status a@b.co c@d.co', 'status', /one user at a time; I don't know what to do with `c@d.co`/],
    ['status a@b.co please', 'status', /one user at a time/],
    ['status lester smith', 'status', /Put a display name with spaces in quotes, e.g. "lester smith"/],
    ['status all', 'status', /status works on one user, not `all`/],
    ['status group:x', 'status', /not `group:x`/],
    ['status --block a@b.co', 'status', /no options like `--block`/],
    ['status lester@contoso', 'status', /doesn't look like a complete sign-in address/],
    ['status "lester', 'status', /never closed/],
    ['status --', 'status', /can't read `--` as a user/],
    ['unblock', 'unblock', /^Tell me who to unblock/],
    ['unblock all', 'unblock', /not `all`/],
    ['unblock a@b.co c@d.co', 'unblock', /one user at a time/],
    ['unblock a@b.co group:x', 'unblock', /one user at a time/],
    ['unblock a@b.co --block', 'unblock', /no options like `--block`/],
    ['unblock a@b.co ok --force', 'unblock', /don't know the option `--force`/],
    [`unblock a@b.co ${'r'.repeat(501)}`, 'unblock', /reason is 501 characters/],
    ['history 0', 'history', /1 to 50 entries; `0` is outside/],
    ['history 51', 'history', /`51` is outside/],
    ['history -1', 'history', /`-1` is outside/],
    ['history 99999999999999999999999', 'history', /is outside/],
    ['history 5.5', 'history', /whole number from 1 to 50, not `5.5`/],
    ['history 1e3', 'history', /not `1e3`/],
    ['history 1,000', 'history', /./],
    ['history 5 6', 'history', /one count only/],
    ['history a@b.co c@d.co', 'history', /one user at a time/],
    ['history lester smith', 'history', /in quotes/],
    ['history a@b.co 5 x', 'history', /one user at a time/],
    ['history all', 'history', /Leave the user out/],
    ['history --all', 'history', /no options/],
    ['history group:x', 'history', /one user, or nobody for everyone/],
  ])('%j', (text, verb, problem) => {
    expectInvalid(parseCommand(text), verb, problem);
  });
});

// A pattern that backtracks catastrophically on these inputs makes its test time out; how long the
// parser takes on them is printed by `npm run bench` (bench/parser.ts), not asserted here.
describe('parseCommand: input length', () => {
  it.each([
    [
      'signout ' + 'a'.repeat(5000),
      'signout',
      /5,008 characters long; I read at most 4,000\. Split the users/,
    ],
    ['status ' + 'x '.repeat(50_000), 'status', /100,007 characters/],
    ['x'.repeat(MAX_INPUT_LENGTH + 1), 'message', /4,001 characters/],
  ])('refuses long text: %#', (text, verb, problem) => {
    expectInvalid(parseCommand(text), verb, problem);
  });

  it('reads text of exactly MAX_INPUT_LENGTH', () => {
    const text = `signout a@b.co ${'r '.repeat(1000)}`.slice(0, MAX_INPUT_LENGTH);
    expectInvalid(parseCommand(text), 'signout', /reason is/);
  });

  it.each(NEAR_LIMIT_TEXTS)('answers hostile text near the limit: %s', (_label, text) => {
    expect(text.length).toBeLessThanOrEqual(MAX_INPUT_LENGTH);
    const cmd = parseCommand(text);
    expect(['signout', 'history', 'invalid']).toContain(cmd.kind);
    checkInvariants(cmd);
  });

  it.each(HUGE_MARKUP_TEXTS)(
    'normalizes 100,000 adversarial characters to text the parser answers: %s',
    (_label, raw) => {
      const text = normalizeMessageText(raw);
      expect(text).not.toMatch(CONTROL);
      checkInvariants(parseCommand(text));
    },
  );
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

  it('normalized hostile markup: the reason and refs stay text', () => {
    const raw =
      '<p><at>Sign-out Bot</at> signout &quot;&lt;img src=x onerror=alert(1)&gt;&quot; &lt;/p&gt;</p>';
    expect(parseCommand(normalizeMessageText(raw))).toEqual(
      signout(users(name('<img src=x onerror=alert(1)>')), '</p>'),
    );
  });

  it('echoes typed text inertly in problems', () => {
    const cmd = parseCommand('signout --b<i>`x`</i>');
    expectInvalid(cmd, 'signout', /option `--bix\/i`;/);
  });
});

describe('parseCommand: real Teams messages end to end', () => {
  it.each<[string, Command]>([
    [
      '<p><at>Sign-out Bot</at>&nbsp;signout <a href="mailto:lester@contoso.com">lester@contoso.com</a></p>',
      signout(users(upn('lester@contoso.com'))),
    ],
    [
      '<p><at>Sign-out Bot</at>&nbsp;signout <a href="mailto:lester@contoso.com">lester@contoso.com</a>, <a href="mailto:bob@contoso.com">bob@contoso.com</a>. Phishing &amp; MFA fatigue</p>',
      signout(users(upn('lester@contoso.com'), upn('bob@contoso.com')), 'Phishing & MFA fatigue'),
    ],
    [
      '<at>Sign-out Bot</at> Sign Out --block <at>Lester</at> <at>Smith</at> stolen laptop',
      signout(users(name('Lester Smith')), 'stolen laptop', true),
    ],
    [
      '<div><at>Sign-out Bot</at></div><div>signout group:\u201cMigration Wave 1\u201d</div>',
      signout({ kind: 'group', group: 'Migration Wave 1' }),
    ],
    ['<p><at>Sign-out Bot</at>&nbsp;help</p>', { kind: 'help' }],
    ['<p><at>Sign-out Bot</at></p>', { kind: 'help' }],
    ['<p><at>Sign-out Bot</at> history&nbsp;20</p>', { kind: 'history', count: 20 }],
    [
      '<p><at>Sign-out Bot</at> status <a href="mailto:LESTER@contoso.com">LESTER@contoso.com</a>.</p>',
      { kind: 'status', user: upn('LESTER@contoso.com') },
    ],
  ])('%j', (raw, expected) => {
    expect(parseCommand(normalizeMessageText(raw, ['Sign-out Bot']))).toEqual(expected);
  });
});

describe('USAGE', () => {
  it('has one line per verb and no markup Teams would eat', () => {
    for (const line of Object.values(USAGE)) {
      expect(line).toMatch(/^Usage: /);
      expect(line).not.toMatch(/[<>\n]/);
    }
  });
});

// ---------------------------------------------------------------------------------------------------------

function checkInvariants(cmd: Command) {
  const strings: string[] = [];
  const ref = (r: UserRef) => {
    expect(['objectId', 'upn', 'name']).toContain(r.kind);
    expect(r.value.length).toBeGreaterThan(0);
    expect(r.value.length).toBeLessThanOrEqual(256);
    expect(r.value).toBe(r.value.trim());
    strings.push(r.value);
  };
  switch (cmd.kind) {
    case 'signout':
      strings.push(cmd.reason);
      expect(cmd.reason.length).toBeLessThanOrEqual(MAX_REASON_LENGTH);
      if (cmd.target.kind === 'users') {
        expect(cmd.target.refs.length).toBeGreaterThan(0);
        expect(cmd.target.refs.length).toBeLessThanOrEqual(MAX_TARGETS);
        cmd.target.refs.forEach(ref);
        const keys = cmd.target.refs.map((r) => `${r.kind}:${r.value.toLowerCase()}`);
        expect(new Set(keys).size).toBe(keys.length);
      }
      if (cmd.target.kind === 'group') strings.push(cmd.target.group);
      if (cmd.target.kind === 'search') strings.push(cmd.target.query);
      break;
    case 'unblock':
      ref(cmd.user);
      strings.push(cmd.reason);
      break;
    case 'status':
      ref(cmd.user);
      break;
    case 'history':
      if (cmd.user) ref(cmd.user);
      expect(Number.isInteger(cmd.count) && cmd.count >= 1 && cmd.count <= 50).toBe(true);
      break;
    case 'invalid':
      expect(cmd.problem.length).toBeGreaterThan(0);
      if (cmd.verb in USAGE) expect(cmd.problem.endsWith(USAGE[cmd.verb as keyof typeof USAGE])).toBe(true);
      strings.push(cmd.problem.replace(/\n/g, ' '));
      break;
  }
  for (const s of strings) expect(s).not.toMatch(CONTROL);
}

describe('property: 1,000 random messages (seeded)', () => {
  it('never throws and keeps its invariants', () => {
    const kinds = new Set<string>();
    for (const [i, raw] of randomMessages(0x5eed, 1000).entries()) {
      for (const text of [raw, normalizeMessageText(raw, ['Sign-out Bot'])]) {
        let cmd: Command;
        try {
          cmd = parseCommand(text);
        } catch (err) {
          throw new Error(`parseCommand threw on sample ${i}: ${JSON.stringify(text)}: ${String(err)}`);
        }
        kinds.add(cmd.kind);
        checkInvariants(cmd);
      }
    }
    // the generator must reach the interesting outcomes, or this test proves little
    expect([...kinds].sort()).toEqual(
      ['help', 'history', 'invalid', 'signout', 'status', 'unblock', 'unknown'].sort(),
    );
  });
});
