import { randomUUID } from 'node:crypto';
import { requestedFields } from '../domain/history';
import { requestedLines } from '../domain/requestedAudit';
import {
  actionOf,
  type DirectoryUser,
  type Person,
  type RequestAction,
  type Schedule,
  type SignoutRequest,
} from '../domain/types';
import type { ActivityInfo } from './activityInfo';
import type { RequestDeps } from './requestDeps';
import { cardFor } from '../cards/cardFor';

/** What the bot knows about a request before it is stored: targets and the policy's verdict. */
export interface NewRequest {
  /** default 'signout' */
  action?: RequestAction;
  requester: Person;
  targets: DirectoryUser[];
  reason: string;
  source: string;
  block: boolean;
  approval?: { required: boolean; why: string };
  choices?: DirectoryUser[];
  confirmPhrases?: string[];
  excluded?: string[];
  self?: boolean;
  /** `signout … at <when>`: runs at its time; its card can be confirmed or approved until then */
  schedule?: Schedule;
}

/** Posts a card in answer to the message being handled; returns the posted activity's id, if known. */
export type PostCard = (card: object) => Promise<string | undefined>;

/**
 * Stores a new request and posts its card (`postCard`), keeping the card's id so that it can be replaced
 * for everyone later. A request with targets is then audited and announced in the security channel; a
 * choice between users of one name is not, until a user is picked (chooseUser).
 */
export async function createRequest(
  d: RequestDeps,
  info: ActivityInfo,
  n: NewRequest,
  postCard: PostCard,
): Promise<SignoutRequest> {
  const now = d.now();
  const req: SignoutRequest = {
    id: randomUUID(),
    action: n.action === 'unblock' ? 'unblock' : undefined,
    tenantId: d.tenantId,
    status: 'pending',
    createdAt: now.toISOString(),
    // a schedule waits for its confirmation or approval until its time (scheduleLifecycle.ts)
    expiresAt: n.schedule?.at ?? new Date(now.getTime() + d.ttlMinutes * 60_000).toISOString(),
    requester: n.requester,
    reason: n.reason,
    targets: n.targets,
    source: n.source,
    block: n.block || undefined,
    approval: n.approval?.required ? n.approval : undefined,
    choices: n.choices,
    self: n.self || undefined,
    confirmPhrases: n.confirmPhrases,
    excluded: n.excluded?.length ? n.excluded : undefined,
    conversation: { reference: info.reference },
    thread: info.thread,
    outcomes: [],
    ...(n.schedule ? { schedule: n.schedule } : {}),
  };
  await d.store.create(req);
  const cardActivityId = await postCard(cardFor(req, { zone: info.zone, now }));
  if (cardActivityId) {
    await d.store.patch(req.id, (cur) => ({ conversation: { ...cur.conversation, cardActivityId } }));
  }
  if (n.choices) return req;
  d.log.info(
    {
      requestId: req.id,
      action: actionOf(req),
      requester: n.requester.id,
      targets: n.targets.length,
      approval: !!req.approval,
    },
    'request made',
  );
  await d.audit.appendMany(
    requestedLines({
      event: 'requested',
      tenantId: req.tenantId,
      requestId: req.id,
      actor: n.requester,
      targets: auditTargets(n.targets),
      reason: n.reason,
      ...requestedFields(req),
      conversationId: info.conversationId,
      ...(req.schedule ? { detail: `scheduled for ${req.schedule.at}` } : {}),
      ...(req.action === 'unblock' ? { action: 'unblock' as const } : {}),
    }),
  );
  await d.notices.show(req.id);
  return req;
}

/** Targets as the audit log names them. */
export function auditTargets(targets: DirectoryUser[]) {
  return targets.map((t) => ({ id: t.id, upn: t.userPrincipalName, name: t.displayName }));
}
