import { foreignAuditDetail, foreignNotice } from '../domain/foreignMessages';
import { ForeignActivityTally, type ForeignWindow } from '../domain/foreignTally';
import type { ForeignTenant } from '../domain/policy';
import type { Logger } from '../log';
import type { AuditSink } from '../store/auditLog';
import type { NewAuditEntry } from '../domain/audit';
import type { ProactiveOrigin, TeamsPort } from './teamsPort';

export interface ForeignActivityDeps {
  audit: AuditSink;
  port: TeamsPort;
  log: Logger;
  tally?: ForeignActivityTally;
  now?: () => number;
}

/**
 * What the bot does with activities from other tenants: per tenant and 10-minute window, one audit line
 * and one security-channel notice at the first activity, and one audit line with the count of the rest
 * when the window closes (on the sweep, or at shutdown through flush). Nothing the other tenant wrote
 * (names, team or channel names, text) is logged, audited or posted: only its tenant id.
 */
export class ForeignActivityRefusals {
  private readonly tally: ForeignActivityTally;
  private readonly now: () => number;

  constructor(private readonly d: ForeignActivityDeps) {
    this.tally = d.tally ?? new ForeignActivityTally();
    this.now = d.now ?? Date.now;
  }

  /**
   * Records one refused activity, from `origin`; a click's notice does not wait (its answer is due within
   * about 5 s). True when it opened a window: the caller may answer it.
   */
  async refuse(tenant: ForeignTenant, at: { origin?: ProactiveOrigin; click: boolean }): Promise<boolean> {
    const { opened, window, closed } = this.tally.record(tenant, this.now());
    await this.writeClosed(closed);
    if (!opened) return false;
    this.d.log.warn({ tenant: window.tenant }, 'activity from another tenant refused; more are counted');
    await this.d.audit.append(entry(window, foreignAuditDetail(window)));
    if (at.click) this.d.port.notifySecurityInBackground(foreignNotice(window), at.origin);
    else await this.d.port.notifySecurity(foreignNotice(window), at.origin);
    return true;
  }

  /** Writes the counts of windows that have ended. */
  async sweep(): Promise<void> {
    await this.writeClosed(this.tally.closeDue(this.now()));
  }

  /** Writes the counts of every open window, ended or not: at shutdown. */
  async flush(): Promise<void> {
    await this.writeClosed(this.tally.drain());
  }

  private async writeClosed(windows: ForeignWindow[]): Promise<void> {
    const counted = windows.filter((w) => w.more > 0);
    if (!counted.length) return;
    for (const w of counted) {
      this.d.log.warn({ tenant: w.tenant, more: w.more }, 'activities from another tenant refused');
    }
    await this.d.audit.appendMany(counted.map((w) => entry(w, foreignAuditDetail(w, w.more))));
  }
}

function entry(w: ForeignWindow, detail: string): NewAuditEntry {
  return {
    event: 'refused',
    ...(/^[0-9a-f-]{36}$/.test(w.tenant) ? { tenantId: w.tenant } : {}),
    actor: {},
    detail,
  };
}
