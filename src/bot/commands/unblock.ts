import { botBlockNewestFirst } from '../../domain/botBlock';
import { plain } from '../../domain/markdown';
import {
  NOT_BLOCKED_OUTCOME,
  notBlocked,
  notBlockedByBot,
  unblockedNotice,
} from '../../domain/unblockMessages';
import { admitted, type CommandHandler } from './command';

/**
 * `unblock <user> [reason]`: the same guardrails as a sign-out of that user (break-glass accounts
 * refused, privileged targets flagged, APPROVAL_POLICY), then a confirmation card; and only for a block
 * the bot's own audit log shows it made. The job runner checks that again and makes the one PATCH.
 */
export const unblock: CommandHandler<'unblock'> = async (turn, cmd, d) => {
  const caller = await admitted(turn, d, 'unblock a user');
  if (!caller) return;
  const found = await d.users.find(cmd.user);
  if ('answer' in found) return void (await turn.say(found.answer));
  const user = found.user;
  const assessed = await d.assessor.assess(caller, [user], {
    self: false,
    block: false,
    all: false,
    named: true,
    action: 'unblock',
  });
  if (!assessed.ok) {
    await d.guard.refuse(turn.info, `unblock ${user.userPrincipalName}`, assessed.problem);
    await turn.say(plain(assessed.problem));
    return;
  }
  // just read from Graph; unknown (null) counts as blocked, and the audit log decides
  if (user.accountEnabled === true) {
    d.log.info({ caller: caller.id, target: user.id }, 'unblock: sign-in not blocked');
    await d.audit.append({
      event: 'unblocked',
      tenantId: d.tenantId,
      actor: caller,
      targets: [{ id: user.id, upn: user.userPrincipalName, name: user.displayName }],
      outcome: NOT_BLOCKED_OUTCOME,
      reason: cmd.reason,
      conversationId: turn.info.conversationId,
    });
    await turn.say(notBlocked(user));
    await d.port.notifySecurity(unblockedNotice(caller, user, turn.info.thread, false), turn.info.origin);
    return;
  }
  if (!(await botBlockNewestFirst(d.audit.readNewestFirst([user.id]), user.id))) {
    await d.guard.refuse(
      turn.info,
      `unblock ${user.userPrincipalName}`,
      'its sign-in was not blocked by the bot',
    );
    await turn.say(notBlockedByBot(user));
    return;
  }
  await d.requests.create(
    turn.info,
    {
      action: 'unblock',
      requester: caller,
      targets: assessed.targets,
      reason: cmd.reason,
      source: user.userPrincipalName,
      block: false,
      approval: assessed.approval,
    },
    turn.show,
  );
};
