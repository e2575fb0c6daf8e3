import { NEEDS_APPROVAL, PICK_FIRST, WRONG_CONFIRM_TEXT } from '../domain/clickMessages';
import { decideConfirm } from '../domain/requestLifecycle';
import { zoneToString } from '../domain/storedZone';
import type { Person, SignoutRequest } from '../domain/types';
import type { ActivityInfo } from './activityInfo';
import { currentCard, loadClicked, type ClickAnswer } from './clickedRequest';
import type { RequestDeps } from './requestDeps';
import { scheduleJob } from './scheduleRequest';

/**
 * The requester (or another admin) confirms a pending request: unless it waits for a choice or an
 * approval, or has expired, or `signout all` needs its phrase typed (`confirmText`), it starts, or, if
 * scheduled, waits for its time.
 */
export async function confirmRequest(
  d: RequestDeps,
  info: ActivityInfo,
  clicker: Person,
  requestId: string,
  confirmText: string | undefined,
): Promise<ClickAnswer> {
  const found = await loadClicked(d, requestId, info);
  if ('message' in found) return found;
  const req = found.req;
  if (req.status === 'pending' && req.choices) return { message: PICK_FIRST };
  if (req.status === 'pending' && req.approval?.required) return { message: NEEDS_APPROVAL };
  const decision = decideConfirm(req, d.now());
  if (decision === 'expire') return currentCard(d, await d.ends.expire(req), info.zone, { csv: false });
  if (decision === 'nothing') return currentCard(d, req, info.zone);
  if (req.confirmPhrases && !matchesPhrase(confirmText, req.confirmPhrases)) {
    return { message: WRONG_CONFIRM_TEXT };
  }
  if (req.schedule) return scheduleJob(d, info, clicker, req);
  return startJob(d, info, clicker, req, ['pending']);
}

/** Moves a confirmed or approved request to running (one compare-and-swap), audits it, and runs its job. */
export async function startJob(
  d: RequestDeps,
  info: ActivityInfo,
  clicker: Person,
  req: SignoutRequest,
  from: readonly ('pending' | 'approved')[],
): Promise<ClickAnswer> {
  const now = d.now();
  const moved = await d.store.transition(req.id, from, 'running', () => ({
    confirmedBy: clicker,
    confirmedAt: now.toISOString(),
    confirmerTimeZone: zoneToString(info.zone),
    startedAt: now.toISOString(),
    progress: { done: 0, total: req.targets.length, ratePerSecond: 0, throttled: 0 },
  }));
  if (!moved.ok) {
    d.log.info(
      { requestId: req.id, clicker: clicker.id, status: moved.request?.status },
      'confirm lost the race',
    );
    return currentCard(d, moved.request ?? req, info.zone);
  }
  d.log.info({ requestId: req.id, clicker: clicker.id, targets: req.targets.length }, 'sign-out confirmed');
  await d.audit.append({
    event: 'confirmed',
    tenantId: req.tenantId,
    requestId: req.id,
    actor: clicker,
    conversationId: info.conversationId,
  });
  d.jobs.start(moved.request);
  return currentCard(d, moved.request, info.zone);
}

/** What an admin typed to confirm `signout all`, against the phrases the card asked for. */
export function matchesPhrase(typed: string | undefined, phrases: string[]): boolean {
  if (typeof typed !== 'string') return false;
  const t = typed
    .trim()
    .toLowerCase()
    .replace(/[\s,.']/g, '');
  return phrases.some((p) => p.replace(/[\s,.']/g, '') === t);
}
