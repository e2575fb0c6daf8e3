import { ContainerClient } from '@azure/storage-blob';
import { BlobsStorage } from 'botbuilder-azure-blobs';
import { sanitizeBlobKey } from 'botbuilder-azure-blobs/lib/sanitizeBlobKey';
import { originAndPath, redactSecrets } from '../domain/redact';
import {
  ACTIVE_INDEX_KEY,
  assembleStores,
  CSV_LINK_KEY,
  newHealth,
  PROBE_KEY,
  type StoreEvents,
  type Stores,
} from './assembleStores';
import { BlobAuditLog } from './blobAuditLog';
import { BlobRecords } from './blobRecords';
import { createIfAbsent } from './createIfAbsent';
import { BlobDeliveryLedger, type LedgerTimes } from './deliveryLedger';
import { FOLLOW_UP_INDEX } from './followUpStore';
import { blobKey } from './sharedKey';

/**
 * STORAGE_BACKEND=blob: requests, audit log, link key and delivery claims in one Azure Blob container,
 * for several instances. Its own module, loaded only then: the Azure Blob SDK is several MB of heap
 * that a bot on the file store never uses.
 */
export async function createBlobStores(
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
    return await assembleStores(events, health, {
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
