import { decideCancel } from '../domain/requestLifecycle';
import type { Person } from '../domain/types';
import type { ActivityInfo } from './activityInfo';
import { currentCard, loadClicked, type ClickAnswer } from './clickedRequest';
import type { RequestDeps } from './requestDeps';

/**
 * Cancels a request that waits (pending, approved, or scheduled for later) or stops one that runs. No new batch starts once
 * the cancel is stored; the job's runner audits the cancel with the outcomes it has, and reports it
 * (JobEnd). A request that has not run is ended here and finished by the runner in the background.
 */
export async function cancelRequest(
  d: RequestDeps,
  info: ActivityInfo,
  clicker: Person,
  requestId: string,
): Promise<ClickAnswer> {
  const found = await loadClicked(d, requestId, info);
  if ('message' in found) return found;
  const req = found.req;
  const decision = decideCancel(req, d.now());
  if (decision === 'expire') return currentCard(d, await d.ends.expire(req), info.zone, { csv: false });
  if (decision === 'nothing') return currentCard(d, req, info.zone);
  const moved =
    decision === 'stop'
      ? await d.store.transition(req.id, ['running'], 'cancelled', () => ({ cancelledBy: clicker }))
      : await d.ends.end(req, ['pending', 'approved', 'scheduled'], 'cancelled', () => ({
          cancelledBy: clicker,
          finishedAt: d.now().toISOString(),
        }));
  const current = moved.request ?? req;
  if (!moved.ok) return currentCard(d, current, info.zone);
  if (decision === 'stop') d.jobs.stop(requestId);
  d.log.info({ requestId, clicker: clicker.id, running: decision === 'stop' }, 'sign-out cancelled');
  return currentCard(d, current, info.zone);
}
