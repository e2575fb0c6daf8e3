import { parseCommand } from '../../../src/commands/parseCommand';
import { type Command } from '../../../src/domain/command';
import { GUID, expectInvalid, name, oid, upn } from '../../support/commandCases';

describe('parseCommand: status', () => {
  it.each<[string, Command]>([
    ['status lester@contoso.com', { kind: 'status', user: upn('lester@contoso.com') }],
    ['status lester@contoso.com.', { kind: 'status', user: upn('lester@contoso.com') }],
    [`status ${GUID.toUpperCase()}`, { kind: 'status', user: oid(GUID) }],
    ['status "Lester Smith"', { kind: 'status', user: name('Lester Smith') }],
    ['status lester', { kind: 'status', user: name('lester') }],
    ['status lester?', { kind: 'status', user: name('lester') }],
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
  ])('%j', (text, verb, problem) => {
    expectInvalid(parseCommand(text), verb, problem);
  });
});
