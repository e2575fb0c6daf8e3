import { randomUUID } from 'node:crypto';
import { promises as fs } from 'node:fs';
import path from 'node:path';
import type { Storage, StoreItems } from 'botbuilder';

/**
 * botbuilder `Storage` on the local file system: one JSON file per key, written atomically
 * (temp file, fsync, rename, fsync of the folder) so a crash leaves either the old or the new record.
 * eTags give compare-and-swap with MemoryStorage's semantics: a write whose eTag is set and differs
 * from the stored one fails. Writes to one key are serialised within the process; several processes
 * must not share a folder (use the blob back-end to scale out).
 */
export class FileStorage implements Storage {
  private readonly locks = new Map<string, Promise<unknown>>();
  private readonly pending = new Set<Promise<unknown>>();

  constructor(private readonly dir: string) {}

  async init(): Promise<this> {
    await fs.mkdir(this.dir, { recursive: true });
    const names = await fs.readdir(this.dir);
    await Promise.all(
      names.filter((n) => n.endsWith('.tmp')).map((n) => fs.rm(path.join(this.dir, n), { force: true })),
    );
    return this;
  }

  async read(keys: string[]): Promise<StoreItems> {
    const items: StoreItems = {};
    await Promise.all(
      keys.map(async (key) => {
        const item = await this.readOne(key);
        if (item !== undefined) items[key] = item;
      }),
    );
    return items;
  }

  async write(changes: StoreItems): Promise<void> {
    await Promise.all(
      Object.entries(changes).map(([key, item]) =>
        this.withLock(key, async () => {
          const wanted = item?.eTag;
          if (wanted && wanted !== '*') {
            const current = await this.readOne(key);
            if (current && current.eTag !== wanted) {
              throw new Error(`Storage: error writing "${key}" due to eTag conflict.`);
            }
          }
          await this.writeFileAtomically(this.fileFor(key), JSON.stringify({ ...item, eTag: randomUUID() }));
        }),
      ),
    );
  }

  async delete(keys: string[]): Promise<void> {
    await Promise.all(keys.map((key) => this.withLock(key, () => fs.rm(this.fileFor(key), { force: true }))));
  }

  /** Resolves when every write started so far has reached the disk. */
  async flush(): Promise<void> {
    await Promise.allSettled([...this.pending]);
  }

  private async readOne(key: string): Promise<Record<string, unknown> | undefined> {
    try {
      return JSON.parse(await fs.readFile(this.fileFor(key), 'utf8'));
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
      throw err;
    }
  }

  private fileFor(key: string): string {
    return path.join(this.dir, `${encodeURIComponent(key)}.json`);
  }

  private async writeFileAtomically(file: string, content: string): Promise<void> {
    const tmp = `${file}.${randomUUID()}.tmp`;
    const handle = await fs.open(tmp, 'w');
    try {
      await handle.writeFile(content, 'utf8');
      await handle.sync();
    } finally {
      await handle.close();
    }
    await fs.rename(tmp, file);
    const dirHandle = await fs.open(this.dir, 'r');
    try {
      await dirHandle.sync();
    } finally {
      await dirHandle.close();
    }
  }

  private withLock<T>(key: string, work: () => Promise<T>): Promise<T> {
    const previous = this.locks.get(key) ?? Promise.resolve();
    const next = previous.catch(() => undefined).then(work);
    this.locks.set(key, next);
    this.pending.add(next);
    const cleanup = () => {
      this.pending.delete(next);
      if (this.locks.get(key) === next) this.locks.delete(key);
    };
    next.then(cleanup, cleanup);
    return next;
  }
}
