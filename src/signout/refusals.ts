import { RecentKeys } from '../domain/recentKeys';
import { refusedNotice } from '../domain/refusalMessages';
import type { ThreadLabel } from '../domain/types';
import type { Logger } from '../log';
import type { AuditSink } from '../store/auditLog';
import type { ActivityInfo } from './activityInfo';
import type { TeamsPort } from './teamsPort';

/** One caller's refusals post to the security channel at most this often; the audit log gets every one. */
export const REFUSAL_NOTICE_INTERVAL_MS = 60_000;

export interface Refusal {
  /** the message or click refused: its caller, tenant, conversation, and where to post from */
  info: ActivityInfo;
  /** what the caller tried, in words: "request a sign-out", "approve their own request" */
  what: string;
  /** why not: an authorization result ("notAdmin"), a guardrail's words, "two-person rule" */
  why: string;
  /** the request it was about, if any */
  requestId?: string;
  /** the thread named in the notice; default the activity's */
  thread?: ThreadLabel | string;
}

/**
 * The one way the bot records a refusal, whoever refuses (the guard, a guardrail, the two-person rule):
 * a log line, an audit line for every attempt, and a security-channel notice at most once a minute per
 * caller, and per request for refusals about one (a refused approval is not hidden by an earlier
 * refused command). A click's notice goes out in the background: the click must be answered within about 5 s.
 * Activities from other tenants are counted apart (ForeignActivityRefusals).
 */
export class Refusals {
  private readonly noticed: RecentKeys;

  constructor(
    private readonly d: {
      audit: Pick<AuditSink, 'append'>;
      port: TeamsPort;
      log: Logger;
      now?: () => number;
    },
  ) {
    this.noticed = new RecentKeys(REFUSAL_NOTICE_INTERVAL_MS, undefined, d.now);
  }

  async refuse(r: Refusal): Promise<void> {
    const { info } = r;
    this.d.log.warn(
      { caller: info.caller?.id, tenantId: info.tenantId, requestId: r.requestId, what: r.what, why: r.why },
      'refused',
    );
    await this.d.audit.append({
      event: 'refused',
      tenantId: info.tenantId,
      ...(r.requestId ? { requestId: r.requestId } : {}),
      actor: info.caller ?? {},
      detail: `${r.what}: ${r.why}`,
      conversationId: info.conversationId,
    });
    const key = `${info.tenantId}|${info.caller?.id ?? info.senderId}|${r.requestId ?? ''}`;
    if (this.noticed.checkAndMark(key)) return;
    const notice = refusedNotice(info.caller, r.what, r.why, r.thread ?? info.thread);
    if (info.click) this.d.port.notifySecurityInBackground(notice, info.origin);
    else await this.d.port.notifySecurity(notice, info.origin);
  }
}
