import { zoneToString } from '../domain/storedZone';
import type { Person, SignoutRequest } from '../domain/types';
import type { ActivityInfo } from './activityInfo';
import { currentCard, type ClickAnswer } from './clickedRequest';
import type { RequestDeps } from './requestDeps';

/**
 * Confirms (or, with `approval`, approves) a scheduled sign-out before its time: pending → scheduled in
 * one compare-and-swap, audited. Nothing runs now; the ScheduleRunner starts the job at its time.
 */
export async function scheduleJob(
  d: RequestDeps,
  info: ActivityInfo,
  clicker: Person,
  req: SignoutRequest,
  o: {
    /** the second admin's approval, stored in the same change */
    approval?: Partial<SignoutRequest>;
    onScheduled?: (req: SignoutRequest) => void;
  } = {},
): Promise<ClickAnswer> {
  const approval = o.approval;
  const now = d.now();
  const moved = await d.store.transition(req.id, ['pending'], 'scheduled', (cur) =>
    cur.schedule && Date.parse(cur.schedule.at) > now.getTime()
      ? {
          ...approval,
          confirmedBy: clicker,
          confirmedAt: now.toISOString(),
          confirmerTimeZone: zoneToString(info.zone),
        }
      : undefined,
  );
  if (!moved.ok) {
    d.log.info({ requestId: req.id, status: moved.request?.status }, 'scheduling lost the race');
    return currentCard(d, moved.request ?? req, info.zone);
  }
  d.log.info({ requestId: req.id, clicker: clicker.id, at: req.schedule?.at }, 'sign-out scheduled');
  o.onScheduled?.(moved.request);
  await d.audit.append({
    event: approval ? 'approved' : 'confirmed',
    tenantId: req.tenantId,
    requestId: req.id,
    actor: clicker,
    detail: `scheduled for ${req.schedule?.at}`,
    conversationId: info.conversationId,
  });
  return currentCard(d, moved.request, info.zone);
}
