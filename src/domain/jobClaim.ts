import { needsRunner } from './requestLifecycle';
import type { SignoutRequest } from './types';

/**
 * Who may run a job. A runner is a process: its INSTANCE_ID (for people) and a token made when it
 * starts (so two processes that share an INSTANCE_ID, or a restart of the same one, never pass for
 * each other).
 */
export interface RunnerIdentity {
  instance: string;
  token: string;
}

/** The job's claim is this process's: only then may it write the job's outcomes and its end. */
export function heldBy(req: Pick<SignoutRequest, 'runner'>, me: RunnerIdentity): boolean {
  return req.runner?.instance === me.instance && req.runner.token === me.token;
}

/**
 * This process may claim the job (or the end of a request, see needsRunner): it needs a runner, and
 * none holds it (a graceful shutdown gave it up), or this process does, or the holder has not renewed
 * its claim for a whole lease.
 */
export function mayClaim(
  req: Pick<SignoutRequest, 'status' | 'reportedAt' | 'runner'>,
  me: RunnerIdentity,
  nowMs: number,
  leaseMs: number,
): boolean {
  if (!needsRunner(req)) return false;
  const r = req.runner;
  return !r || heldBy(req, me) || nowMs - Date.parse(r.heartbeatAt) > leaseMs;
}
