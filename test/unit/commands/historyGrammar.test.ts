import { parseCommand } from '../../../src/commands/parseCommand';
import { type Command } from '../../../src/domain/command';
import { GUID, expectInvalid, name, oid, upn } from '../../support/commandCases';

describe('parseCommand: history', () => {
  it.each<[string, Command]>([
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
