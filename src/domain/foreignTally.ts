/**
 * Counts refused activities from other tenants in windows, so a flood costs a handful of writes: the
 * first activity of a tenant opens a window (one audit line and one security-channel notice, at once);
 * the rest are only counted, and the count is written when the window closes. Memory is bounded by age
 * (a window lives `windowMs`) and by count (at most `maxTenants` windows; beyond that, new tenants share
 * one overflow window).
 */

export const FOREIGN_WINDOW_MS = 10 * 60_000;
export const MAX_FOREIGN_TENANTS = 100;
/** The window shared by tenants that arrive while `maxTenants` windows are open. */
export const OVERFLOW_TENANT = 'overflow';

export interface ForeignWindow {
  tenant: string;
  start: number;
  end: number;
  /** activities after the first one, which opened the window */
  more: number;
}

export interface Recorded {
  /** true when this activity opened its window: write and notify now */
  opened: boolean;
  window: ForeignWindow;
  /** windows that had ended by now, removed (see closeDue) */
  closed: ForeignWindow[];
}

export class ForeignActivityTally {
  /** in the order they opened, which is the order they close (all windows are equally long) */
  private readonly open = new Map<string, ForeignWindow>();

  constructor(
    private readonly windowMs = FOREIGN_WINDOW_MS,
    private readonly maxTenants = MAX_FOREIGN_TENANTS,
  ) {}

  get openWindows(): number {
    return this.open.size;
  }

  /** Counts one activity of `tenant` at `now`, after closing the windows that have ended. */
  record(tenant: string, now: number): Recorded {
    const closed = this.closeDue(now);
    const key = this.open.has(tenant) || this.open.size < this.maxTenants ? tenant : OVERFLOW_TENANT;
    const current = this.open.get(key);
    if (current) {
      current.more++;
      return { opened: false, window: current, closed };
    }
    const window = { tenant: key, start: now, end: now + this.windowMs, more: 0 };
    this.open.set(key, window);
    return { opened: true, window, closed };
  }

  /** Removes and returns the windows that ended by `now`; those with `more` > 0 still need their line. */
  closeDue(now: number): ForeignWindow[] {
    const closed: ForeignWindow[] = [];
    for (const [key, window] of this.open) {
      if (window.end > now) break;
      this.open.delete(key);
      closed.push(window);
    }
    return closed;
  }

  /** Every open window, removed: at shutdown, so no count is lost. */
  drain(): ForeignWindow[] {
    const all = [...this.open.values()];
    this.open.clear();
    return all;
  }
}
