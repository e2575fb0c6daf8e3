import path from 'node:path';
import { ContainerClient } from '@azure/storage-blob';
import type { Storage, StoreItems } from 'botbuilder';
import { BlobsStorage } from 'botbuilder-azure-blobs';
import { sanitizeBlobKey } from 'botbuilder-azure-blobs/lib/sanitizeBlobKey';
import type { Config } from '../config';
import { originAndPath, redactSecrets } from '../core/redact';
import { AuditLog, type AuditSink, type TornLine } from './auditLog';
import { createIfAbsent } from './createIfAbsent';
import { BlobAuditLog } from './blobAuditLog';
import { FileStorage } from './fileStorage';
import { RequestStore } from './requestStore';
import {
  BlobDeliveryLedger,
  type DeliveryLedger,
  type LedgerTimes,
  MemoryDeliveryLedger,
} from './deliveryLedger';
import { blobKey, fileKey } from './sharedKey';

/** The request store's index of unfinished requests (see RequestStore.init). */
const ACTIVE_INDEX_KEY = 'index/active';
const CSV_LINK_KEY = 'csv-link.key';
/** Teams redelivers a message within seconds to minutes; a day's repeats are long past this. */
const REDELIVERY_WINDOW_MS = 10 * 60_000;
const DEFAULT_CLAIM_SECONDS = 30;

export interface Stores {
  /** the Storage under `store`; flush() waits for writes in flight */
  storage: Storage & { flush(): Promise<void> };
  store: RequestStore;
  audit: AuditSink;
  /** signs the CSV download links; the same for every instance on this back-end */
  csvLinkKey: Buffer;
  /** messages already handled, so Teams' redelivery is not handled twice */
  deliveries: DeliveryLedger;
  /** Waits for writes and appends in flight. */
  close(): Promise<void>;
}

export type StoreConfig = Pick<Config, 'dataDir' | 'storage'> & Partial<Pick<Config, 'deliveryClaimSeconds'>>;

/** What the stores report to whoever runs them (logs, the security channel). */
export interface StoreEvents {
  /** the delivery ledger could not answer: the message is handled anyway */
  ledgerError?: (err: unknown) => void;
  /** a torn last line of audit.jsonl was repaired before an append */
  tornAuditLine?: (torn: TornLine) => void;
}

/**
 * The back-end chosen by STORAGE_BACKEND: `file` keeps requests, audit.jsonl and the link key in
 * DATA_DIR (one instance); `blob` keeps them in one Azure Blob container, for several instances.
 */
export async function createStores(config: StoreConfig, events: StoreEvents = {}): Promise<Stores> {
  const s = config.storage;
  const times = {
    windowMs: REDELIVERY_WINDOW_MS,
    claimMs: (config.deliveryClaimSeconds ?? DEFAULT_CLAIM_SECONDS) * 1000,
  };
  if (s.backend === 'blob') return createBlobStores(s.connectionString, s.containerName, times, events);
  const storage = await new FileStorage(path.join(config.dataDir, 'requests')).init();
  const store = await new RequestStore(storage).init();
  const audit = await new AuditLog(path.join(config.dataDir, 'audit.jsonl'), {
    onTornLine: events.tornAuditLine,
  }).init();
  const csvLinkKey = await fileKey(config.dataDir, CSV_LINK_KEY);
  const deliveries = new MemoryDeliveryLedger(times);
  return { storage, store, audit, csvLinkKey, deliveries, close: () => closeAll(storage, audit) };
}

async function createBlobStores(
  connectionString: string,
  containerName: string,
  times: LedgerTimes,
  events: StoreEvents,
): Promise<Stores> {
  const container = new ContainerClient(connectionString, containerName);
  try {
    await container.createIfNotExists();
    await seedActiveIndex(container);
    const storage = new TrackedStorage(new BlobsStorage(connectionString, containerName));
    const store = await new RequestStore(storage).init();
    const audit = await new BlobAuditLog(container).init();
    const csvLinkKey = await blobKey(container, CSV_LINK_KEY);
    const deliveries = new BlobDeliveryLedger(container, { ...times, onError: events.ledgerError });
    return { storage, store, audit, csvLinkKey, deliveries, close: () => closeAll(storage, audit) };
  } catch (err) {
    // container.url carries a SAS connection string's token in its query: origin and path only
    throw new Error(
      `blob container ${originAndPath(container.url)}: ${redactSecrets((err as Error).message.split('\n')[0])}`,
    );
  }
}

/**
 * RequestStore.init() seeds a missing index with an unconditional write, as botbuilder's Storage has no
 * create-if-absent. Instances starting together could then overwrite an index another one has already
 * added a request to. Creating it here with If-None-Match: * closes that window; init() then finds it.
 */
async function seedActiveIndex(container: ContainerClient): Promise<void> {
  // already there is as wanted
  await createIfAbsent(
    container.getBlockBlobClient(sanitizeBlobKey(ACTIVE_INDEX_KEY)),
    JSON.stringify({ ids: [] }),
    { blobContentType: 'application/json' },
  );
}

/** A Storage that remembers its writes and deletes in flight, so shutdown can wait for them. */
class TrackedStorage implements Storage {
  private readonly pending = new Set<Promise<unknown>>();

  constructor(private readonly inner: Storage) {}

  read(keys: string[]): Promise<StoreItems> {
    return this.inner.read(keys);
  }

  write(changes: StoreItems): Promise<void> {
    return this.track(this.inner.write(changes));
  }

  delete(keys: string[]): Promise<void> {
    return this.track(this.inner.delete(keys));
  }

  async flush(): Promise<void> {
    await Promise.allSettled([...this.pending]);
  }

  private track<T>(work: Promise<T>): Promise<T> {
    this.pending.add(work);
    const done = () => this.pending.delete(work);
    work.then(done, done);
    return work;
  }
}

async function closeAll(storage: { flush(): Promise<void> }, audit: AuditSink): Promise<void> {
  await storage.flush();
  await audit.flush();
}
