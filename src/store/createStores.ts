import { promises as fs } from 'node:fs';
import path from 'node:path';
import { ContainerClient } from '@azure/storage-blob';
import type { Storage } from 'botbuilder';
import { BlobsStorage } from 'botbuilder-azure-blobs';
import { sanitizeBlobKey } from 'botbuilder-azure-blobs/lib/sanitizeBlobKey';
import type { Config } from '../config';
import { originAndPath, redactSecrets } from '../domain/redact';
import { AlertStore, type CreateIfAbsent, processLocalCreate } from './alertStore';
import { AuditLog, type AuditSink, type TornLine } from './auditLog';
import { BlobRecords } from './blobRecords';
import { createIfAbsent } from './createIfAbsent';
import { BlobAuditLog } from './blobAuditLog';
import { FileStorage } from './fileStorage';
import { FOLLOW_UP_INDEX, FollowUpStore } from './followUpStore';
import { GuardedAudit, GuardedStorage } from './guardedStore';
import type { Quarantined } from './quarantine';
import { RefusalTallies } from './refusalTallies';
import { RequestStore, type ListableStorage } from './requestStore';
import {
  BlobDeliveryLedger,
  type DeliveryLedger,
  type LedgerTimes,
  MemoryDeliveryLedger,
} from './deliveryLedger';
import { blobKey, fileKey } from './sharedKey';
import { StoreHealth } from './storeHealth';

/** The request store's index of unfinished requests (see RequestStore.init). */
const ACTIVE_INDEX_KEY = 'index/active';
const CSV_LINK_KEY = 'csv-link.key';
/** Teams redelivers a message within seconds to minutes; a day's repeats are long past this. */
const REDELIVERY_WINDOW_MS = 10 * 60_000;
const DEFAULT_CLAIM_SECONDS = 30;

/** How often the store is probed with a small write while it refuses writes, and while it accepts them. */
const PROBE_MS = 5_000;
const HEALTHY_PROBE_MS = 30_000;
const PROBE_KEY = 'health/probe';

export interface Stores {
  /** the Storage under `store`; flush() waits for writes in flight */
  storage: Storage & { flush(): Promise<void> };
  store: RequestStore;
  /** the records behind alert cards (risky users' episodes, submitted alerts) */
  alerts: AlertStore;
  /** the follow-ups owed after sign-outs (FOLLOW_UP_MINUTES) */
  followUps: FollowUpStore;
  audit: AuditSink;
  /** signs the CSV download links; the same for every instance on this back-end */
  csvLinkKey: Buffer;
  /** each caller's refusals per hour, with the card that shows them */
  tallies: RefusalTallies;
  /** messages already handled, so Teams' redelivery is not handled twice */
  deliveries: DeliveryLedger;
  /** whether the store accepts writes (for /healthz and the answers) */
  health: StoreHealth;
  /** Waits for writes and appends in flight. */
  close(): Promise<void>;
}

export type StoreConfig = Pick<Config, 'dataDir' | 'storage'> &
  Partial<Pick<Config, 'deliveryClaimSeconds' | 'instanceId'>>;

/** What the stores report to whoever runs them (logs, the security channel). */
export interface StoreEvents {
  /** the delivery ledger could not answer: the message is handled anyway */
  ledgerError?: (err: unknown) => void;
  /** a torn last line of audit.jsonl was repaired before an append */
  tornAuditLine?: (torn: TornLine) => void;
  /** a record that could not be read was moved aside */
  quarantined?: (q: Quarantined) => void;
  /** the index of unfinished requests was missing and was rebuilt from the records */
  indexRebuilt?: (r: { records: number; unfinished: number }) => void;
  /** a part of a request's targets or outcomes could not be read: the request reads as absent */
  requestPartMissing?: (r: { requestId: string }) => void;
  /** the store started refusing writes (a short reason), or accepts them again (undefined) */
  healthChanged?: (problem: string | undefined) => void;
}

/**
 * The back-end chosen by STORAGE_BACKEND: `file` keeps requests, audit.jsonl and the link key in
 * DATA_DIR (one instance); `blob` keeps them in one Azure Blob container, for several instances.
 * `now` is the time in ms for every store (default Date.now).
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
  if (s.backend === 'blob')
    return createBlobStores(
      s.connectionString,
      s.containerName,
      { ...times, instance: config.instanceId },
      events,
    );
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
  return assemble(events, health, {
    records: files,
    audit: new AuditLog(auditFile, { onTornLine: events.tornAuditLine, now }),
    csvLinkKey: await fileKey(config.dataDir, CSV_LINK_KEY),
    deliveries: new MemoryDeliveryLedger(times),
  });
}

async function createBlobStores(
  connectionString: string,
  containerName: string,
  times: LedgerTimes & { instance?: string; now: () => number },
  events: StoreEvents,
): Promise<Stores> {
  const container = new ContainerClient(connectionString, containerName);
  try {
    await container.createIfNotExists();
    await seedIndex(container, ACTIVE_INDEX_KEY);
    await seedIndex(container, FOLLOW_UP_INDEX);
    const health = newHealth(events, async () => {
      const at = new Date(times.now()).toISOString();
      await container.getBlockBlobClient(PROBE_KEY).upload(at, at.length);
    });
    return await assemble(events, health, {
      records: new BlobRecords(
        new BlobsStorage(connectionString, containerName),
        container,
        events.quarantined,
        times.now,
      ),
      audit: new BlobAuditLog(container, { now: times.now }),
      csvLinkKey: await blobKey(container, CSV_LINK_KEY),
      deliveries: new BlobDeliveryLedger(container, { ...times, onError: events.ledgerError }),
      // as BlobsStorage names and reads it, so the record is then read and swapped like any other
      createIfAbsent: (key, item) =>
        createIfAbsent(container.getBlockBlobClient(sanitizeBlobKey(key)), JSON.stringify(item), {
          blobContentType: 'application/json',
        }),
    });
  } catch (err) {
    // container.url carries a SAS connection string's token in its query: origin and path only
    throw new Error(
      `blob container ${originAndPath(container.url)}: ${redactSecrets((err as Error).message.split('\n')[0])}`,
    );
  }
}

/** The same on either back-end: writes go through the health guard, and the probes start. */
async function assemble(
  events: StoreEvents,
  health: StoreHealth,
  parts: {
    records: ListableStorage;
    audit: AuditSink;
    csvLinkKey: Buffer;
    deliveries: DeliveryLedger;
    /** the back-end's create-if-absent; default: serialised in this process (the file store) */
    createIfAbsent?: CreateIfAbsent;
  },
): Promise<Stores> {
  const storage = new GuardedStorage(parts.records, health);
  const store = await new RequestStore(storage, {
    onIndexRebuilt: events.indexRebuilt,
    onPartMissing: events.requestPartMissing,
  }).init();
  const followUps = await new FollowUpStore(storage).init();
  const audit = await new GuardedAudit(parts.audit, health).init();
  const create = parts.createIfAbsent;
  const alerts = new AlertStore(
    storage,
    create ? (key, item) => health.guard(() => create(key, item)) : processLocalCreate(storage),
  );
  health.start();
  return {
    storage,
    store,
    alerts,
    followUps,
    audit,
    csvLinkKey: parts.csvLinkKey,
    tallies: new RefusalTallies(storage),
    deliveries: parts.deliveries,
    health,
    close: () => closeAll(storage, audit, health),
  };
}

function newHealth(events: StoreEvents, probe: () => Promise<void>): StoreHealth {
  return new StoreHealth({
    probe,
    probeMs: PROBE_MS,
    healthyProbeMs: HEALTHY_PROBE_MS,
    onChange: events.healthChanged,
  });
}

/**
 * RequestStore.init() (and FollowUpStore.init()) seed a missing index with an unconditional write, as
 * botbuilder's Storage has no create-if-absent. Instances starting together could then overwrite an index
 * another one has already added to. Creating it here with If-None-Match: * closes that window; init()
 * then finds it.
 */
async function seedIndex(container: ContainerClient, key: string): Promise<void> {
  // already there is as wanted
  await createIfAbsent(container.getBlockBlobClient(sanitizeBlobKey(key)), JSON.stringify({ ids: [] }), {
    blobContentType: 'application/json',
  });
}

async function closeAll(
  storage: { flush(): Promise<void> },
  audit: AuditSink,
  health: StoreHealth,
): Promise<void> {
  health.stop();
  await storage.flush();
  await audit.flush();
}
