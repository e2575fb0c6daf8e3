import { UNKNOWN_CARD } from '../domain/clickMessages';
import { requestedFields } from '../domain/history';
import type { Markdown } from '../domain/markdown';
import { requestedNotice } from '../domain/noticeMessages';
import { decideConfirm } from '../domain/requestLifecycle';
import type { DirectoryUser, Person, SignoutRequest } from '../domain/types';
import type { ActivityInfo } from './activityInfo';
import { currentCard, loadClicked, type ClickAnswer } from './clickedRequest';
import { auditTargets } from './createRequest';
import type { RequestDeps } from './requestDeps';

/** The guardrails for the user picked (RequestAssessor): the request's targets and approval, or why not. */
export type AssessChoice = (
  req: SignoutRequest,
  chosen: DirectoryUser,
) => Promise<{ targets: DirectoryUser[]; approval: { required: boolean; why: string } } | Markdown>;

/**
 * A name matched several users and the admin picked one (`userId`): the request becomes a normal one,
 * with the guardrails applied to the user picked, and is audited and announced as if asked so.
 */
export async function chooseUser(
  d: RequestDeps,
  info: ActivityInfo,
  clicker: Person,
  requestId: string,
  userId: string | undefined,
  assess: AssessChoice,
): Promise<ClickAnswer> {
  const found = await loadClicked(d, requestId, info);
  if ('message' in found) return found;
  const req = found.req;
  const chosen = req.choices?.find((u) => u.id === userId);
  if (req.status !== 'pending' || !req.choices) return currentCard(d, req, info.zone, { csv: false });
  if (!chosen) return { message: UNKNOWN_CARD };
  if (decideConfirm(req, d.now()) === 'expire')
    return currentCard(d, await d.ends.expire(req), info.zone, { csv: false });
  const assessed = await assess(req, chosen);
  if (!('targets' in assessed)) return { message: assessed };
  const moved = await d.store.patch(req.id, (cur) =>
    cur.status === 'pending' && cur.choices
      ? {
          choices: undefined,
          targets: assessed.targets,
          approval: assessed.approval?.required ? assessed.approval : undefined,
        }
      : undefined,
  );
  if (!moved.ok) return currentCard(d, moved.request ?? req, info.zone, { csv: false });
  await d.audit.append({
    event: 'requested',
    tenantId: req.tenantId,
    requestId: req.id,
    actor: req.requester,
    targets: auditTargets(moved.request.targets),
    reason: req.reason,
    ...requestedFields(moved.request),
    detail: `picked by ${clicker.name} from ${req.choices.length} users named "${req.source}"`,
    conversationId: info.conversationId,
  });
  d.port.notifySecurityInBackground(requestedNotice(moved.request, req.thread ?? info.thread), info.origin);
  return currentCard(d, moved.request, info.zone, { csv: false });
}
