import type { Command } from '../../domain/command';
import type { Markdown } from '../../domain/markdown';
import type { AccessTokenLifetime } from '../../domain/outEverywhereBy';
import type { AdminPolicy } from '../../domain/policy';
import type { Person } from '../../domain/types';
import type { TargetResolver } from '../../graph/targets';
import type { Logger } from '../../log';
import type { AuditSink } from '../../store/auditLog';
import type { ActivityInfo } from '../../signout/activityInfo';
import type { HistoryService } from '../../signout/historyService';
import type { RequestAssessor } from '../../signout/requestAssessor';
import type { RequestService } from '../../signout/requestService';
import type { TeamsPort } from '../../signout/teamsPort';
import type { SignInChecker } from '../../signout/signInChecker';
import type { UserFinder } from '../../signout/userFinder';
import type { TokenLifetimeSource } from '../../graph/tokenLifetime';
import type { Guard } from '../guard';

/** The message a command answers: what is known of it, and the two ways to answer in its conversation. */
export interface MessageTurn {
  info: ActivityInfo;
  /** answers with text (escaped Markdown) */
  say(text: Markdown): Promise<void>;
  /** answers with a card; the posted activity's id, if the connector gave one */
  show(card: object): Promise<string | undefined>;
}

/** What the command handlers use. */
export interface CommandDeps {
  tenantId: string;
  /** who may use the bot, as the help card says it */
  policy: AdminPolicy;
  guard: Pick<Guard, 'admit' | 'isAdmin' | 'refuse'>;
  users: Pick<UserFinder, 'find' | 'suggestions'>;
  resolver: Pick<TargetResolver, 'resolve' | 'tenantFacts'>;
  assessor: Pick<RequestAssessor, 'assess'>;
  requests: Pick<RequestService, 'create' | 'active'>;
  /** the tenant's access-token lifetime, for a scheduled sign-out's "out everywhere by" */
  tokenLifetime: () => Promise<AccessTokenLifetime>;
  now: () => Date;
  history: Pick<HistoryService, 'card'>;
  audit: Pick<AuditSink, 'append' | 'readNewestFirst'>;
  port: Pick<TeamsPort, 'notifySecurity'>;
  /** the sign-in logs, for verify */
  signIns: Pick<SignInChecker, 'user'>;
  /** the tenant's access-token lifetime, for "out everywhere by" on status */
  lifetime: TokenLifetimeSource;
  log: Logger;
}

/** One command's handler: `cmd` is the parsed command of its kind. */
export type CommandHandler<K extends Command['kind']> = (
  turn: MessageTurn,
  cmd: Extract<Command, { kind: K }>,
  d: CommandDeps,
) => Promise<void>;

/** The caller, if the guard admits them; otherwise the refusal is answered and recorded. */
export async function admitted(turn: MessageTurn, d: CommandDeps, what: string): Promise<Person | undefined> {
  const admission = await d.guard.admit(turn.info, what);
  if (admission.ok) return admission.caller;
  await turn.say(admission.answer);
  return undefined;
}
