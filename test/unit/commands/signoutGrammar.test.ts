import { MAX_INPUT_LENGTH, MAX_REASON_LENGTH, MAX_TARGETS } from '../../../src/commands/limits';
import { parseCommand } from '../../../src/commands/parseCommand';
import { type Command } from '../../../src/domain/command';
import { GUID, expectInvalid, name, oid, signout, upn, users } from '../../support/commandCases';

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
