import { quarantinedNotice } from './domain/noticeMessages';
import type { Logger } from './log';
import type { DeferredNotices } from './signout/deferredNotices';
import type { StoreEvents } from './store/assembleStores';

/**
 * What the stores report, as log lines; a record moved aside is also told in the security channel
 * with the first message or click after start-up (`startupNotices`).
 */
export function storeEventLogs(log: Logger, startupNotices: DeferredNotices): StoreEvents {
  return {
    ledgerError: (err) =>
      log.warn(
        { err: (err as Error).message },
        'delivery ledger unavailable: a repeat of this message may be handled again',
      ),
    tornAuditLine: (t) =>
      t.kept
        ? log.warn({ file: t.file, bytes: t.bytes }, `last entry of ${t.file} had no newline; added one`)
        : log.warn(
            { file: t.file, bytes: t.bytes, keptIn: t.tornFile },
            `torn last line of ${t.file} (a crash mid-append) cut off and kept in ${t.tornFile}`,
          ),
    auditIndexError: (err) =>
      log.warn({ err: (err as Error).message }, 'audit log index unavailable; history reads the whole log'),
    auditIndexDiscarded: (d) =>
      log.warn(d, 'audit log no longer matches its index (cut or replaced?); the index is rebuilt'),
    quarantined: (q) => {
      if (q.to) log.warn(q, `stored record ${q.from} could not be read; moved aside to ${q.to}`);
      else log.error(q, `stored record ${q.from} could not be read, nor moved aside; ignored`);
      startupNotices.add(quarantinedNotice(q));
    },
    indexRebuilt: (r) =>
      log.warn(r, 'index of unfinished requests was missing; rebuilt from the request records'),
    requestPartMissing: (r) =>
      log.error(r, "a part of this request's targets or outcomes could not be read; the request is ignored"),
    healthChanged: (problem) =>
      problem
        ? log.error(
            { problem },
            "store refuses writes: /healthz answers 503, commands that write say they can't",
          )
        : log.info('store accepts writes again'),
  };
}
