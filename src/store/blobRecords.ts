import type { ContainerClient } from '@azure/storage-blob';
import type { StoreItems } from 'botbuilder';
import type { BlobsStorage } from 'botbuilder-azure-blobs';
import { sanitizeBlobKey } from 'botbuilder-azure-blobs/lib/sanitizeBlobKey';
import { redactSecrets } from '../domain/redact';
import { quarantineName, type Quarantined } from './quarantine';
import type { ListableStorage } from './requestStore';

/**
 * botbuilder's BlobsStorage with what the request store needs besides: a blob that is not JSON is moved
 * to `quarantine/<name>.<time>` and read as absent (BlobsStorage fails the whole read on it), and the
 * keys under a prefix can be listed.
 */
export class BlobRecords implements ListableStorage {
  constructor(
    private readonly inner: BlobsStorage,
    private readonly container: ContainerClient,
    private readonly onQuarantine: (q: Quarantined) => void = () => undefined,
    private readonly now: () => number = Date.now,
  ) {}

  async read(keys: string[]): Promise<StoreItems> {
    try {
      return await this.inner.read(keys);
    } catch (err) {
      if (!isParseError(err)) throw err;
    }
    // one is damaged: each on its own, so the others are still read
    const items: StoreItems = {};
    for (const key of keys) {
      try {
        Object.assign(items, await this.inner.read([key]));
      } catch (err) {
        if (!isParseError(err)) throw err;
        await this.quarantine(key, (err as Error).message);
      }
    }
    return items;
  }

  write(changes: StoreItems): Promise<void> {
    return this.inner.write(changes);
  }

  delete(keys: string[]): Promise<void> {
    return this.inner.delete(keys);
  }

  async keys(prefix: string): Promise<string[]> {
    const found: string[] = [];
    for await (const blob of this.container.listBlobsFlat({ prefix: encodeURIComponent(prefix) })) {
      found.push(decodeURIComponent(blob.name));
    }
    return found;
  }

  private async quarantine(key: string, problem: string): Promise<void> {
    const name = sanitizeBlobKey(key);
    const source = this.container.getBlobClient(name);
    const to = `quarantine/${quarantineName(name, this.now())}`;
    try {
      const found = await source.download();
      const chunks: Buffer[] = [];
      for await (const chunk of found.readableStreamBody ?? []) chunks.push(Buffer.from(chunk));
      const bytes = Buffer.concat(chunks);
      await this.container.getBlockBlobClient(to).upload(bytes, bytes.length);
      // only the version that was read: a record written meanwhile stays
      await source.delete({ conditions: { ifMatch: found.etag } });
      this.onQuarantine({ key, from: name, to, problem });
    } catch (err) {
      // moved aside by another reader meanwhile
      if ((err as { statusCode?: unknown }).statusCode === 404) return;
      const why = redactSecrets((err as Error).message.split('\n')[0]);
      this.onQuarantine({ key, from: name, problem: `${problem}; it could not be moved: ${why}` });
    }
  }
}

/** JSON.parse's error; by name, as it may come from another realm (Node's stream consumers). */
function isParseError(err: unknown): boolean {
  return (err as Error | null)?.name === 'SyntaxError';
}
