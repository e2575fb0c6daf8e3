import { msg, type Markdown } from './markdown';
import { formatUtc } from './timeFormat';
import { plural } from './wording';

/** What the bot says, posts and audits about activities from other tenants (ids only, never their text). */

export const FOREIGN_TENANT = msg`Sorry, I only work for the organization I was set up for, so I can't help with this request.`;

const FOREIGN_LABELS: Record<string, string> = {
  none: 'with no tenant id',
  invalid: 'with a tenant id that is not a GUID',
  conflict: 'whose two tenant ids disagree',
  overflow: 'from more tenants at once than the bot tracks (counted together)',
};

/** Names the tenant of a refused activity by id only: nothing else from another organization is shown. */
export function foreignTenantLabel(tenant: string): string {
  return FOREIGN_LABELS[tenant] ?? `from tenant ${tenant}`;
}

const utc = (ms: number) => formatUtc(new Date(ms).toISOString());

/** The one security-channel notice of a foreign tenant's 10-minute window. */
export function foreignNotice(w: { tenant: string; start: number; end: number }): Markdown {
  return msg`Refused: an activity ${foreignTenantLabel(w.tenant)} (another organization) at ${utc(w.start)}. Until ${utc(w.end)}, more from it are counted in the audit log, not posted here.`;
}

/** Audit detail of a foreign window: its first activity, or the count of the rest when it closes. */
export function foreignAuditDetail(w: { tenant: string; start: number; end: number }, more?: number): string {
  return more === undefined
    ? `foreign tenant: 1 activity ${foreignTenantLabel(w.tenant)} at ${utc(w.start)}; more until ${utc(w.end)} are counted in one line`
    : `foreign tenant: ${plural(more, 'more activity', 'more activities')} ${foreignTenantLabel(w.tenant)} from ${utc(w.start)} to ${utc(w.end)}`;
}
