import { heldBy, type RunnerIdentity } from '../domain/jobClaim';
import { entriesNewestFirst } from '../domain/auditLines';
import { entryTime } from '../domain/history';
import { auditKey, endAuditSlices } from '../domain/outcomeAudit';
import { HISTORY_SKEW_MS } from '../domain/recentHistory';
import { FAILED_OUTCOMES, type SignoutRequest } from '../domain/types';
import type { AuditSink } from '../store/auditLog';
import type { RequestStore, TransitionResult } from '../store/requestStore';
import type { Job } from './jobOutcomes';

/** A job of 100,000 users makes and appends its lines in slices, not all at once (~40 MB as one string). */
const AUDIT_LINES_PER_APPEND = 5000;

/** Reports what the job runner has run and ended: see JobReporter. */
export interface JobReports {
  /** the latest state of a multi-target job; the job does not wait for it (see LatestOnly) */
  progress(req: SignoutRequest): Promise<void>;
  /**
   * once a request's end and its audit lines are stored: the end of a job, or of a request that never
   * ran (cancelled, expired, rejected)
   */
  finished(req: SignoutRequest): Promise<void>;
}

/**
 * The end of a request, in an order that survives a crash at any point: its audit lines, then its end
 * in the store marked audited, then the report in Teams marked reported. A runner that resumes an end
 * whose audit may have been written before a crash writes only the lines that are missing, so each
 * line is written once; so does a runner whose job a cancel ended while it audited its outcomes.
 */
export class JobEnd {
  constructor(
    private readonly d: {
      store: RequestStore;
      audit: Pick<AuditSink, 'readNewestFirst' | 'appendMany'>;
      reports: JobReports;
      me: RunnerIdentity;
      now: () => Date;
      /** true once this process stops: a report under way is handed back unmarked */
      pausing: () => boolean;
    },
  ) {}

  /** @returns true when the end is handed back unreported (shutdown) */
  async finish(job: Job, resumed: boolean): Promise<boolean> {
    const { lease } = job;
    let req = await this.d.store.get(job.req.id);
    if (!req || !heldBy(req, this.d.me)) return this.lost(job);
    // what the log holds of the request: after a crash, anything; else what this run writes below
    const written = resumed && !req.auditedAt ? await this.auditedLines(req) : new Set<string>();
    while (!req.auditedAt) {
      for (const slice of endAuditSlices(req, AUDIT_LINES_PER_APPEND)) {
        if (!lease.valid()) return false;
        const lines = slice.filter((e) => !written.has(auditKey(e)));
        await this.d.audit.appendMany(lines);
        for (const line of lines) written.add(auditKey(line));
      }
      if (!lease.valid()) return false;
      const ended = await this.end(req);
      if (!ended.request || !heldBy(ended.request, this.d.me)) return this.lost(job);
      // not ended: a cancel came in since the lines were made; audit what it adds, then end again
      req = ended.request;
    }
    if (req.reportedAt) return false;
    // the final card must not be overwritten by a progress update still on its way
    await job.progress.close();
    await this.d.reports.finished(req);
    // a report made while this process stops may be cut short by the shutdown deadline: handed back
    // unmarked, it is made again at the next start (its posts may then come twice)
    if (this.d.pausing()) return true;
    await this.d.store.patch(req.id, (cur) =>
      heldBy(cur, this.d.me) && !cur.reportedAt ? { reportedAt: this.d.now().toISOString() } : undefined,
    );
    return false;
  }

  /**
   * The end lines the log already holds for a request, read from the log's end back to the request's
   * creation (give or take the skew HISTORY_SKEW_MS allows), not the whole log.
   */
  private async auditedLines(req: SignoutRequest): Promise<Set<string>> {
    const keys = new Set<string>();
    const since = Date.parse(req.createdAt) - HISTORY_SKEW_MS;
    for await (const chunk of this.d.audit.readNewestFirst()) {
      let older = false;
      for (const e of entriesNewestFirst(chunk)) {
        if (!e || typeof e !== 'object') continue;
        if (e.requestId === req.id) keys.add(auditKey(e));
        if (entryTime(e.at) < since) older = true;
      }
      if (older) break;
    }
    return keys;
  }

  private lost(job: Job): false {
    job.lease.lose();
    return false;
  }

  /**
   * Stores the end of a request whose audit lines were just written for the state `req`: a running job
   * becomes done or failed; an end stored already (a cancel, an expiry, a rejection) is marked audited.
   * Writes nothing when the request has changed since (ok: false, with the request as it is now).
   */
  private async end(req: SignoutRequest): Promise<TransitionResult> {
    const now = this.d.now().toISOString();
    const stamp = (cur: SignoutRequest) => ({ auditedAt: now, finishedAt: cur.finishedAt ?? now });
    const unchanged = (cur: SignoutRequest) =>
      heldBy(cur, this.d.me) &&
      !cur.auditedAt &&
      cur.status === req.status &&
      cur.outcomes.length === req.outcomes.length;
    if (req.status !== 'running')
      return this.d.store.patch(req.id, (cur) => (unchanged(cur) ? stamp(cur) : undefined));
    const anyRevoked = req.outcomes.some((o) => !FAILED_OUTCOMES.includes(o.kind));
    return this.d.store.transition(req.id, ['running'], anyRevoked ? 'done' : 'failed', (cur) =>
      unchanged(cur)
        ? { ...stamp(cur), error: anyRevoked ? undefined : cur.outcomes.find((o) => o.message)?.message }
        : undefined,
    );
  }
}
