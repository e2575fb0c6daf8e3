import { MAX_INPUT_LENGTH, MAX_REASON_LENGTH, MAX_TARGETS } from '../../../src/commands/limits';
import { normalizeMessageText } from '../../../src/commands/normalizer';
import { parseCommand } from '../../../src/commands/parseCommand';
import { USAGE } from '../../../src/commands/verbs';
import { type Command, type UserRef } from '../../../src/domain/command';
import { CONTROL, expectInvalid, name, signout, upn, users } from '../../support/commandCases';
import { HUGE_MARKUP_TEXTS, NEAR_LIMIT_TEXTS, randomMessages } from '../../support/hostileText';

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

describe('parseCommand: normalized hostile markup', () => {
  it('normalized hostile markup: the reason and refs stay text', () => {
    const raw =
      '<p><at>Sign-out Bot</at> signout &quot;&lt;img src=x onerror=alert(1)&gt;&quot; &lt;/p&gt;</p>';
    expect(parseCommand(normalizeMessageText(raw))).toEqual(
      signout(users(name('<img src=x onerror=alert(1)>')), '</p>'),
    );
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

describe('parseCommand: refusals', () => {
  it("turns a grammar's refusal into invalid, with the verb's usage line after a blank line", () => {
    expect(parseCommand('status')).toEqual({
      kind: 'invalid',
      verb: 'status',
      problem:
        'Tell me whose status to show, e.g. status lester@contoso.com.\n\n' +
        'Usage: status WHO, where WHO is name@contoso.com, an object id or "Display Name"',
    });
  });

  it('adds no usage line when the message has no verb it knows', () => {
    const cmd = parseCommand('x'.repeat(MAX_INPUT_LENGTH + 1));
    expect(cmd).toEqual({
      kind: 'invalid',
      verb: 'message',
      problem: 'That message is 4,001 characters long; I read at most 4,000.',
    });
  });

  it('answers unknown for a non-string', () => {
    expect(parseCommand(undefined as unknown as string)).toEqual({ kind: 'unknown' });
  });
});
