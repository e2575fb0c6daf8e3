import type { Command } from '../../domain/command';
import {
  ambiguousGroup,
  ambiguousInList,
  groupNotFound,
  noUsers,
  notFoundList,
} from '../../domain/lookupMessages';
import { plain } from '../../domain/markdown';
import { resolveWhen } from '../../domain/scheduleTime';
import type { Person, Schedule } from '../../domain/types';
import type { Resolution } from '../../graph/targets';
import { describeFailure } from '../../signout/describeFailure';
import { admitted, type CommandHandler, type CommandDeps, type MessageTurn } from './command';

type SignoutCommand = Extract<Command, { kind: 'signout' }>;

/**
 * `signout <targets> [reason]`: resolves the targets (users, a group, a search, everyone), applies the
 * guardrails (RequestAssessor), and posts the confirmation card; a name that matches several users gets
 * a choice card instead. Nothing is revoked here: that waits for a click on the card.
 */
export const signout: CommandHandler<'signout'> = async (turn, cmd, d) => {
  const caller = await admitted(turn, d, 'request a sign-out');
  if (!caller) return;
  const schedule = cmd.at ? await scheduleOf(turn, cmd.at, d) : undefined;
  if (cmd.at && !schedule) return;
  let resolved: Resolution;
  try {
    resolved = await d.resolver.resolve(cmd.target);
  } catch (err) {
    // a group's members need GroupMember.Read.All; everything else here reads users
    await turn.say(describeFailure(err, d.log, cmd.target.kind === 'group' ? 'membership' : 'lookup'));
    return;
  }
  if (resolved.kind !== 'users') return answerUnresolved(turn, cmd, d, caller, resolved, schedule);
  const all = cmd.target.kind === 'all';
  const assessed = await d.assessor.assess(caller, resolved.users, {
    self: cmd.self,
    block: cmd.block,
    all,
    named: cmd.target.kind === 'users',
  });
  if (!assessed.ok) {
    await d.guard.refuse(turn.info, `sign out ${resolved.source}`, assessed.problem);
    await turn.say(plain(assessed.problem));
    return;
  }
  const facts = all ? await d.resolver.tenantFacts() : undefined;
  await d.requests.create(
    turn.info,
    {
      requester: caller,
      targets: assessed.targets,
      reason: cmd.reason,
      source: resolved.source,
      block: cmd.block,
      approval: assessed.approval,
      excluded: assessed.excluded.map((e) => `${e.user.displayName}: ${e.why}`),
      confirmPhrases: facts
        ? [String(facts.userCount), ...(facts.primaryDomain ? [facts.primaryDomain.toLowerCase()] : [])]
        : undefined,
      schedule,
    },
    turn.show,
  );
};

/**
 * `at <when>` read against now and the requester's Teams time zone (issue 13), or undefined once the
 * refusal is answered. Checked before the targets are looked up: a bad time costs no Graph call.
 */
async function scheduleOf(
  turn: MessageTurn,
  at: NonNullable<SignoutCommand['at']>,
  d: CommandDeps,
): Promise<Schedule | undefined> {
  const zone = turn.info.zone;
  const requesterZone = zone?.kind === 'iana' ? zone.zone : undefined;
  const when = resolveWhen(at, d.now(), requesterZone);
  if (!when.ok) {
    await turn.say(plain(when.problem));
    return undefined;
  }
  return {
    at: when.at.toISOString(),
    zone: when.zone,
    zoneFrom: when.zoneFrom,
    requesterZone,
    tokenLifetime: await d.tokenLifetime(),
  };
}

/** Targets that are not one clear set of users: said so, or, for one name of several users, a choice card. */
async function answerUnresolved(
  turn: MessageTurn,
  cmd: SignoutCommand,
  d: CommandDeps,
  caller: Person,
  resolved: Exclude<Resolution, { kind: 'users' }>,
  schedule: Schedule | undefined,
): Promise<void> {
  switch (resolved.kind) {
    case 'notFound': {
      const typed = resolved.refs.map((r) => r.value);
      return turn.say(notFoundList(typed, await d.users.suggestions(resolved.refs)));
    }
    case 'groupNotFound':
      return turn.say(groupNotFound(resolved.typed, resolved.byId, cmd.reason.trim() !== ''));
    case 'ambiguousInList':
      return turn.say(ambiguousInList(resolved.typed));
    case 'ambiguousGroup':
      return turn.say(ambiguousGroup(resolved.typed, resolved.count));
    case 'empty':
      return turn.say(noUsers(resolved.source));
    case 'ambiguous':
      await d.requests.create(
        turn.info,
        {
          requester: caller,
          targets: [],
          choices: resolved.users,
          reason: cmd.reason,
          source: resolved.typed,
          block: cmd.block,
          self: cmd.self,
          schedule,
        },
        turn.show,
      );
  }
}
