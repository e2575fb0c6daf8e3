import { COMMANDS, WRITING_COMMANDS } from '../../../../src/bot/commands/table';
import { help } from '../../../../src/bot/commands/help';
import { signout } from '../../../../src/bot/commands/signout';
import { status } from '../../../../src/bot/commands/status';
import { unblock } from '../../../../src/bot/commands/unblock';

describe('the command table', () => {
  it('has one handler for each kind of command the parser makes', () => {
    expect(Object.keys(COMMANDS).sort()).toEqual(
      ['help', 'history', 'invalid', 'schedule', 'signout', 'status', 'unblock', 'unknown', 'verify'].sort(),
    );
    expect(COMMANDS).toMatchObject({ help, signout, status, unblock });
  });

  it('names the commands that write, which wait while the store refuses writes', () => {
    expect([...WRITING_COMMANDS].sort()).toEqual(['signout', 'unblock']);
  });
});
