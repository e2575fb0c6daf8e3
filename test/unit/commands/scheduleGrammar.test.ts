import { parseCommand } from '../../../src/commands/parseCommand';
import { expectInvalid } from '../../support/commandCases';

describe('parseCommand: schedule', () => {
  it.each(['schedule', 'Schedule', '/schedules', 'scheduled?', 'schedule  '])(
    '%j lists the schedules',
    (text) => {
      expect(parseCommand(text)).toEqual({ kind: 'schedule' });
    },
  );

  it('takes nothing after it, and says how to schedule instead', () => {
    expectInvalid(
      parseCommand('schedule lester@contoso.com at 18:00'),
      'schedule',
      /schedule takes nothing after it.*signout <users> at 18:00 UTC/,
    );
  });
});
