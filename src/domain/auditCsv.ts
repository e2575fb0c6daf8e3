/**
 * The audit log as CSV for auditors and spreadsheets. Pure: entries in, text out.
 *
 * RFC 4180: a header row, CRLF between records, a field quoted when it holds a quote, comma, CR or LF,
 * with quotes doubled. Cells are also guarded against spreadsheet formula injection (CWE-1236): a cell
 * that starts with = + - @, a tab or a CR (or their full-width forms, which some spreadsheet locales
 * read as the same) gets a leading apostrophe, so Excel, LibreOffice and Google Sheets show the text
 * instead of evaluating it. Reasons, display names and Graph messages are typed by people; they must
 * never become a formula on an auditor's machine.
 */

import type { AuditEntry } from './audit';

export const CSV_EOL = '\r\n';
/** Excel reads a UTF-8 file without a byte-order mark as the local code page; prepend it for Excel users. */
export const UTF8_BOM = '\ufeff';

const FORMULA_START = /^[=+\-@\t\r\uff1d\uff0b\uff0d\uff20]/;
const NEEDS_QUOTES = /[",\r\n]/;

/** One cell: formula-guarded, then quoted when RFC 4180 requires it. `undefined`/`null` is an empty cell. */
export function csvCell(value: string | number | boolean | null | undefined): string {
  if (value === undefined || value === null) return '';
  let s = String(value);
  if (FORMULA_START.test(s)) s = `'${s}`;
  return NEEDS_QUOTES.test(s) ? `"${s.replace(/"/g, '""')}"` : s;
}

/** One record with its line ending. */
export function csvRecord(cells: readonly (string | number | boolean | null | undefined)[]): string {
  return cells.map(csvCell).join(',') + CSV_EOL;
}

export const AUDIT_CSV_COLUMNS = [
  'at',
  'event',
  'requestId',
  'actorId',
  'actorName',
  'targets',
  'outcome',
  'graphRequestIds',
  'reason',
  'detail',
  'conversationId',
  // downloads of CSV links (event `downloaded`)
  'clientIp',
  'userAgent',
  'httpRequestId',
  // added by issue 9, last so that earlier columns keep their places
  'source',
  'block',
  'approvalWhy',
  'action',
  // a job's summary (event `ended`, issue 15): outcome=count pairs, and how many users it blocked
  'counts',
  'blockedCount',
  // a request of more targets than one line names (issue 15): how many; `targeted` lines name the rest
  'targetCount',
] as const;

/** The header row of the audit export. */
export function auditCsvHeader(): string {
  return csvRecord(AUDIT_CSV_COLUMNS);
}

/**
 * One audit entry as one CSV record. Targets are their UPNs (the object id when the entry has no UPN)
 * joined by `;`, and so are Graph request-ids; neither UPNs nor ids can contain a `;`.
 */
export function auditCsvRow(e: AuditEntry): string {
  return csvRecord([
    e.at,
    e.event,
    e.requestId,
    e.actor?.id,
    e.actor?.name,
    (e.targets ?? []).map((t) => t.upn || t.id).join(';'),
    e.outcome,
    (e.graphRequestIds ?? []).join(';'),
    e.reason,
    e.detail,
    e.conversationId,
    e.client?.ip,
    e.client?.userAgent,
    e.client?.httpRequestId,
    e.source,
    e.block,
    e.approvalWhy,
    e.action,
    countsText(e.counts),
    e.blockedCount,
    e.targetCount,
  ]);
}

/** `revoked=9998;failed=2`, as the log holds them (a hand-edited log may hold anything). */
function countsText(counts: unknown): string | undefined {
  if (!counts || typeof counts !== 'object') return counts === undefined ? undefined : String(counts);
  return Object.entries(counts)
    .map(([kind, n]) => `${kind}=${typeof n === 'object' ? JSON.stringify(n) : String(n)}`)
    .join(';');
}
