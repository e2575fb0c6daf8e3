import type { Command } from '../../src/domain/command';
import { plain, type Markdown } from '../../src/domain/markdown';
import type { DirectoryUser, Person, SignoutRequest } from '../../src/domain/types';
import type { Resolution } from '../../src/graph/targets';
import { createLogger } from '../../src/log';
import type { ActivityInfo } from '../../src/signout/activityInfo';
import type { AuthorizationResult } from '../../src/signout/authorizer';
import type { NewRequest } from '../../src/signout/createRequest';
import type { Assessment } from '../../src/signout/requestAssessor';
import type { ActionDeps } from '../../src/bot/actions/action';
import type { CommandDeps, MessageTurn } from '../../src/bot/commands/command';
import { runCommand } from '../../src/bot/commands/table';
import { Guard } from '../../src/bot/guard';
import { shown } from './markdownReader';
import { RequestService } from '../../src/signout/requestService';
import { SignInCheckRequests } from '../../src/signout/signInCheckRequests';
import type { SignInChecker } from '../../src/signout/signInChecker';
import { anInfo, fakePort, ListAudit, requestDeps, securityCards } from './serviceFakes';

export const ALEX: Person = { id: 'a', name: 'Alex' };
export const MEGAN: Person = { id: 'b', name: 'Megan' };
export const EVE: Person = { id: 'e', name: 'Eve' };
export const TENANT = 't';

/** "now" of the command and action fakes */
export const NOW = new Date('2026-11-22T13:00:00Z');

/** A sign-in checker that records what it was asked and answers `answer` (a card, or a problem). */
export function fakeChecker(
  answer: { problem: string } | { card: object; newSignIns?: number } = { card: { checked: true } },
) {
  const asked: {
    userId?: string;
    since?: string;
    users?: { id: string; validFrom: string }[];
    o?: object;
  }[] = [];
  const checker: Pick<SignInChecker, 'user' | 'job'> = {
    user: async (user, since, o) => {
      asked.push({ userId: user.id, since: since.toISOString(), o });
      if ('problem' in answer) return answer;
      return {
        card: answer.card,
        report: {
          since: since.toISOString(),
          apps: [],
          refusedTotal: 0,
          newSignIns: Array.from({ length: answer.newSignIns ?? 0 }, (_, i) => ({
            id: `s${i}`,
            at: since.toISOString(),
            userId: user.id,
            app: 'Exchange Online',
            errorCode: 0,
            interactive: true,
          })),
          acceptedWithoutSignIn: [],
          nonInteractiveMissing: false,
        },
      };
    },
    job: async (users) => {
      asked.push({ users: [...users] });
      if ('problem' in answer) return answer;
      return {
        refused: 0,
        usersRefused: 0,
        usersWithNewSignIns: 0,
        top: [],
        users: users.map((u) => ({ userId: u.id, refused: 0, newSignIns: 0 })),
        nonInteractiveMissing: false,
      };
    },
  };
  return { checker, asked };
}

export const aUser = (id: string, over: Partial<DirectoryUser> = {}): DirectoryUser => ({
  id,
  displayName: `User ${id}`,
  userPrincipalName: `${id}@contoso.com`,
  accountEnabled: true,
  ...over,
});

/** An authorizer that admits the listed ids. */
export const listed = (...ids: string[]) => ({
  check: async (id: string | undefined): Promise<AuthorizationResult> =>
    !id
      ? { allowed: false, why: 'unknownCaller' }
      : ids.includes(id)
        ? { allowed: true, via: 'list' }
        : { allowed: false, why: 'notAdmin' },
});

/** The real guard, with Alex and Megan as admins and Megan as the only approver. */
export function aGuard() {
  const audit = new ListAudit();
  const port = fakePort();
  const { refusals, cards } = securityCards(port, undefined as never, audit);
  const foreign = { refuse: jest.fn(async () => true) };
  const guard = new Guard({
    tenantId: TENANT,
    admins: listed('a', 'b'),
    approvers: listed('b'),
    refusals,
    foreign,
  });
  return { guard, audit, port, foreign, settled: () => cards.settle() };
}

/** A message from `caller`, and what the bot answered to it. */
export function aTurn(caller: Person = ALEX, over: Partial<ActivityInfo> = {}) {
  const said: string[] = [];
  const cards: object[] = [];
  const turn: MessageTurn = {
    info: anInfo({ caller, click: false, ...over }),
    say: async (text: Markdown) => void said.push(shown(text.text)),
    show: async (card: object) => {
      cards.push(card);
      return `card-${cards.length}`;
    },
  };
  return { turn, said, cards };
}

/** Everything a command handler uses, with the guard real and the rest recording what it was asked. */
export function commandDeps(
  o: {
    users?: DirectoryUser[];
    resolution?: Resolution;
    assessment?: Assessment;
    checker?: Pick<SignInChecker, 'user' | 'job'>;
    /** what RequestService.active answers (the `schedule` command lists it) */
    active?: SignoutRequest[];
    now?: Date;
  } = {},
) {
  const g = aGuard();
  const created: NewRequest[] = [];
  const assessed: { targets: DirectoryUser[]; flags: object }[] = [];
  const history: object[] = [];
  const users = o.users ?? [];
  const deps: CommandDeps = {
    tenantId: TENANT,
    policy: { adminUserIds: ['a', 'b'], adminGroupId: undefined },
    guard: g.guard,
    users: {
      find: async (ref) => {
        const user = users.find((u) => u.id === ref.value || u.userPrincipalName === ref.value);
        return user ? { user } : { answer: { text: `nobody is ${ref.value}` } as Markdown };
      },
      suggestions: async () => new Map(),
    },
    resolver: {
      resolve: async () =>
        o.resolution ?? { kind: 'users', users, source: users.map((u) => u.id).join(', ') },
      tenantFacts: async () => ({ userCount: 1234, primaryDomain: 'Contoso.com' }),
    },
    assessor: {
      assess: async (_requester, targets, flags) => {
        assessed.push({ targets, flags });
        return o.assessment ?? { ok: true, targets, approval: { required: false, why: '' }, excluded: [] };
      },
    },
    requests: {
      create: async (_info, n, postCard) => {
        created.push(n);
        await postCard({ type: 'AdaptiveCard', body: [] });
        return { id: 'r1' } as SignoutRequest;
      },
      active: async () => o.active ?? [],
    },
    tokenLifetime: async () => ({ minutes: 90, source: 'default' }),
    now: () => o.now ?? new Date(),
    history: { card: async (q) => (history.push(q), { type: 'AdaptiveCard', history: true }) },
    audit: g.audit,
    port: g.port,
    signIns: o.checker ?? fakeChecker().checker,
    lifetime: { lifetime: async () => ({ minutes: 60, source: 'policy' }) },
    log: createLogger('silent'),
  };
  return { deps, created, assessed, history, ...g };
}

/** Runs one command through the table, as the message route does. */
export async function run(cmd: Command, deps: CommandDeps, caller: Person = ALEX) {
  const t = aTurn(caller);
  await runCommand(t.turn, cmd, deps);
  return t;
}

/** A click the guard admitted, from `caller` in conversation `conv`. */
export const aClick = (caller: Person) => ({ info: anInfo({ caller }), caller });

/** What the card actions use: the real request service over a real store, and the real guard. */
export async function actionDeps(assessment?: Assessment, checker = fakeChecker().checker) {
  const svc = await requestDeps();
  const assessed: DirectoryUser[][] = [];
  const g = aGuard();
  const deps: ActionDeps = {
    requests: new RequestService(svc.deps),
    guard: g.guard,
    assessor: {
      assess: async (_requester, targets) => {
        assessed.push(targets);
        return assessment ?? { ok: true, targets, approval: { required: false, why: '' }, excluded: [] };
      },
    },
    alertClicks: { act: async () => ({ message: plain('not an alert test') }) },
    signInChecks: new SignInCheckRequests({
      store: svc.deps.store,
      checker,
      port: svc.deps.port,
      log: createLogger('silent'),
    }),
  };
  return { ...svc, deps, assessed, refusals: { audit: g.audit, port: g.port, settled: g.settled } };
}
