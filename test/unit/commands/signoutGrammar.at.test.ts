import { parseCommand } from '../../../src/commands/parseCommand';
import type { Command, WhenSpec } from '../../../src/domain/command';
import { expectInvalid, name, signout, upn, users } from '../../support/commandCases';

const scheduled = (cmd: Command, at: WhenSpec): Command => ({ ...cmd, at }) as Command;
const clock = (hour: number, minute: number, zone?: string): WhenSpec => ({
  kind: 'clock',
  hour,
  minute,
  zone,
});

describe('parseCommand: signout … at <when>', () => {
  it.each<[string, Command]>([
    [
      'signout lester@contoso.com at 2026-12-05 18:00 UTC tenant migration',
      scheduled(signout(users(upn('lester@contoso.com')), 'tenant migration'), {
        kind: 'date',
        year: 2026,
        month: 12,
        day: 5,
        hour: 18,
        minute: 0,
        zone: 'UTC',
      }),
    ],
    [
      'signout a@contoso.com b@contoso.com at 18:00 Europe/Berlin',
      scheduled(signout(users(upn('a@contoso.com'), upn('b@contoso.com'))), clock(18, 0, 'Europe/Berlin')),
    ],
    [
      'signout group:"Migration Wave 1" at 18:00 cutover',
      scheduled(signout({ kind: 'group', group: 'Migration Wave 1' }, 'cutover'), clock(18, 0)),
    ],
    [
      'signout search:"Test" AT 07:30 UTC',
      scheduled(signout({ kind: 'search', query: 'Test' }), clock(7, 30, 'UTC')),
    ],
    [
      'signout all at 18:00 UTC -- cutover to the new tenant',
      scheduled(signout({ kind: 'all' }, 'cutover to the new tenant'), clock(18, 0, 'UTC')),
    ],
    ['signout all at 18:00', scheduled(signout({ kind: 'all' }), clock(18, 0))],
    [
      'signout --block lester@contoso.com at in 45m phished',
      scheduled(signout(users(upn('lester@contoso.com')), 'phished', true), {
        kind: 'relative',
        minutes: 45,
      }),
    ],
    [
      'signout lester@contoso.com in 2h --block',
      scheduled(signout(users(upn('lester@contoso.com')), '', true), { kind: 'relative', minutes: 120 }),
    ],
    [
      'signout lester at 18:00: at the request of HR',
      scheduled(signout(users(name('lester')), 'at the request of HR'), clock(18, 0)),
    ],
    [
      'signout lester@contoso.com at 18:00 -- --block is not wanted',
      scheduled(signout(users(upn('lester@contoso.com')), '--block is not wanted'), clock(18, 0)),
    ],
  ])('%s', (text, cmd) => {
    expect(parseCommand(text)).toEqual(cmd);
  });

  it('keeps reasons that merely contain "at" or "in", and "in" that is no duration', () => {
    expect(parseCommand('signout lester@contoso.com -- at risk')).toEqual(
      signout(users(upn('lester@contoso.com')), 'at risk'),
    );
    expect(parseCommand('signout lester@contoso.com phished at 09:00')).toEqual(
      signout(users(upn('lester@contoso.com')), 'phished at 09:00'),
    );
    expect(parseCommand('signout lester@contoso.com in case of compromise')).toEqual(
      signout(users(upn('lester@contoso.com')), 'in case of compromise'),
    );
  });

  it.each<[string, RegExp]>([
    // after the targets, `at` always starts a time: a reason starting with it needs --
    ['signout lester@contoso.com at risk', /can't read `risk` as a time.*at 2026-12-05 18:00 UTC/],
    ['signout lester@contoso.com at 6pm', /24-hour HH:MM/],
    ['signout lester@contoso.com at', /"at" needs a time/],
    ['signout lester@contoso.com at 18:00 at 19:00', /one time per request/],
    ['signout lester@contoso.com at 18:00 in 2h', /one time per request/],
    ['signout lester@contoso.com at 18:00 ann@contoso.com', /Put every target before "at"/],
    ['signout lester@contoso.com at 18:00 group:"Wave"', /Put every target before "at"/],
    ['signout all at 18:00 cutover', /"all" signs out every user.*signout all at 18:00 UTC -- your reason/],
    ['signout lester@contoso.com at 18:00 CET', /`CET` is ambiguous/],
    ['signout lester@contoso.com at 18:00 Europe/Nowhere', /don't know the time zone/],
    ['signout lester@contoso.com at 18:00 reason --bogus', /I don't know the option/],
  ])('refuses %j', (text, problem) => {
    expectInvalid(parseCommand(text), 'signout', problem);
  });

  it('names the time in its usage line', () => {
    const cmd = parseCommand('signout lester@contoso.com at noon');
    expect(cmd.kind === 'invalid' && cmd.problem).toMatch(/\[at WHEN\]/);
  });
});
