import { createHash } from 'node:crypto';
import type { ContainerClient } from '@azure/storage-blob';
import { RecentKeys } from '../core/recentKeys';
import { createIfAbsent } from './createIfAbsent';

/**
 * Teams delivers a message again when the bot takes more than 15 s to answer it (a big `signout all`
 * can). The ledger tells the first delivery from a repeat, so the repeat posts no second card.
 */
export interface DeliveryLedger {
  /** True the first time `key` is claimed within the window, false for a repeat. */
  claim(key: string): Promise<boolean>;
  /** Forgets claims older than the window. */
  sweep(): Promise<void>;
}

/** One process: enough for the file back-end, which serves one instance. */
export class MemoryDeliveryLedger implements DeliveryLedger {
  private readonly seen: RecentKeys;

  constructor(windowMs: number, now: () => number = Date.now) {
    this.seen = new RecentKeys(windowMs, 10_000, now);
  }

  async claim(key: string): Promise<boolean> {
    return !this.seen.checkAndMark(key);
  }

  async sweep(): Promise<void> {}
}

/**
 * Several instances: a claim is an empty blob `deliveries/<hash>` created with If-None-Match: *, so
 * of two instances receiving the same message exactly one creates it. The memory ledger in front saves
 * a request for repeats reaching the same instance. If storage cannot answer, the message is handled:
 * a repeated card is better than a lost request.
 */
export class BlobDeliveryLedger implements DeliveryLedger {
  private readonly local: MemoryDeliveryLedger;

  constructor(
    private readonly container: ContainerClient,
    private readonly windowMs: number,
    private readonly onError: (err: unknown) => void = () => undefined,
    private readonly now: () => number = Date.now,
  ) {
    this.local = new MemoryDeliveryLedger(windowMs, now);
  }

  async claim(key: string): Promise<boolean> {
    if (!(await this.local.claim(key))) return false;
    const name = `deliveries/${createHash('sha256').update(key).digest('hex')}`;
    try {
      return await createIfAbsent(this.container.getBlockBlobClient(name), '');
    } catch (err) {
      this.onError(err);
      return true;
    }
  }

  async sweep(): Promise<void> {
    const before = this.now() - this.windowMs;
    for await (const blob of this.container.listBlobsFlat({ prefix: 'deliveries/' })) {
      const created = blob.properties.createdOn ?? blob.properties.lastModified;
      if (created && created.getTime() < before) {
        await this.container.deleteBlob(blob.name).catch(() => undefined);
      }
    }
  }
}
