import { parseCommand } from '../../../src/commands/parseCommand';
import { type Command } from '../../../src/domain/command';
import { expectInvalid, name, upn } from '../../support/commandCases';

describe('parseCommand: unblock', () => {
  it.each<[string, Command]>([
    ['unblock lester@contoso.com', { kind: 'unblock', user: upn('lester@contoso.com'), reason: '' }],
    [
      'unblock lester@contoso.com back from leave',
      { kind: 'unblock', user: upn('lester@contoso.com'), reason: 'back from leave' },
    ],
    ['unblock lester back', { kind: 'unblock', user: name('lester'), reason: 'back' }],
    ['unblock "Lester Smith" -- ok', { kind: 'unblock', user: name('Lester Smith'), reason: 'ok' }],
    ['unblock a@b.co, ok', { kind: 'unblock', user: upn('a@b.co'), reason: 'ok' }],
  ])('%j', (text, expected) => {
    expect(parseCommand(text)).toEqual(expected);
  });

  it.each<[string, string, RegExp]>([
    ['unblock', 'unblock', /^Tell me who to unblock/],
    ['unblock all', 'unblock', /not `all`/],
    ['unblock a@b.co c@d.co', 'unblock', /one user at a time/],
    ['unblock a@b.co group:x', 'unblock', /one user at a time/],
    ['unblock a@b.co --block', 'unblock', /no options like `--block`/],
    ['unblock a@b.co ok --force', 'unblock', /don't know the option `--force`/],
    [`unblock a@b.co ${'r'.repeat(501)}`, 'unblock', /reason is 501 characters/],
  ])('%j', (text, verb, problem) => {
    expectInvalid(parseCommand(text), verb, problem);
  });
});
