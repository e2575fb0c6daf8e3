import { promises as fs } from 'node:fs';
import path from 'node:path';
import type { Config } from '../config';
import {
  assembleStores,
  CSV_LINK_KEY,
  newHealth,
  PROBE_KEY,
  type StoreEvents,
  type Stores,
} from './assembleStores';
import { AuditLog } from './auditLog';
import { MemoryDeliveryLedger } from './deliveryLedger';
import { FileStorage } from './fileStorage';
import { fileKey } from './sharedKey';

export type { StoreEvents, Stores } from './assembleStores';

/** Teams redelivers a message within seconds to minutes; a day's repeats are long past this. */
const REDELIVERY_WINDOW_MS = 10 * 60_000;
const DEFAULT_CLAIM_SECONDS = 30;

export type StoreConfig = Pick<Config, 'dataDir' | 'storage'> &
  Partial<Pick<Config, 'deliveryClaimSeconds' | 'instanceId'>>;

/**
 * The back-end chosen by STORAGE_BACKEND: `file` keeps requests, audit.jsonl and the link key in
 * DATA_DIR (one instance); `blob` keeps them in one Azure Blob container, for several instances
 * (src/store/blobStores.ts, loaded only then). `now` is the time in ms for every store (default Date.now).
 */
export async function createStores(
  config: StoreConfig,
  events: StoreEvents = {},
  now: () => number = Date.now,
): Promise<Stores> {
  const s = config.storage;
  const times = {
    windowMs: REDELIVERY_WINDOW_MS,
    claimMs: (config.deliveryClaimSeconds ?? DEFAULT_CLAIM_SECONDS) * 1000,
    now,
  };
  if (s.backend === 'blob') {
    const { createBlobStores } = await import('./blobStores');
    return createBlobStores(
      s.connectionString,
      s.containerName,
      { ...times, instance: config.instanceId },
      events,
    );
  }
  const files = await new FileStorage(path.join(config.dataDir, 'requests'), {
    quarantineDir: path.join(config.dataDir, 'quarantine'),
    onQuarantine: events.quarantined,
    now,
  }).init();
  const auditFile = path.join(config.dataDir, 'audit.jsonl');
  const health = newHealth(events, async () => {
    await files.write({ [PROBE_KEY]: { at: new Date(now()).toISOString() } });
    // opening for append fails on a read-only file or folder, and writes nothing
    await (await fs.open(auditFile, 'a')).close();
  });
  return assembleStores(events, health, {
    records: files,
    audit: new AuditLog(auditFile, {
      onTornLine: events.tornAuditLine,
      now,
      index: { onError: events.auditIndexError, onDiscarded: events.auditIndexDiscarded },
    }),
    csvLinkKey: await fileKey(config.dataDir, CSV_LINK_KEY),
    deliveries: new MemoryDeliveryLedger(times),
  });
}
