import { randomUUID } from 'node:crypto';
import { promises as fs } from 'node:fs';
import path from 'node:path';
import type { Storage, StoreItems } from 'botbuilder';
import { unlessMissing } from './fileBytes';
import { quarantineName, type Quarantined } from './quarantine';

/** A record that is there but is not JSON. */
const DAMAGED = Symbol('damaged');

export type { Quarantined };

export interface FileStorageOptions {
  /** where records that cannot be parsed are moved; default: `quarantine` beside the folder */
  quarantineDir?: string;
  onQuarantine?: (q: Quarantined) => void;
  /** the time in ms, for quarantine names (default Date.now) */
  now?: () => number;
}

/**
 * botbuilder `Storage` on the local file system: one JSON file per key, written atomically
 * (temp file, fsync, rename, fsync of the folder) so a crash leaves either the old or the new record.
 * eTags give compare-and-swap with MemoryStorage's semantics: a write whose eTag is set and differs
 * from the stored one fails. Writes to one key are serialised within the process; several processes
 * must not share a folder (use the blob back-end to scale out).
 *
 * A file that is not JSON (damaged outside the bot: a copy cut short, a disk fault) is moved to the
 * quarantine folder as `<file>.<time>` and read as absent, so one bad record cannot stop the bot.
 */
export class FileStorage implements Storage {
  private readonly locks = new Map<string, Promise<unknown>>();
  private readonly pending = new Set<Promise<unknown>>();
  private readonly quarantineDir: string;

  constructor(
    private readonly dir: string,
    private readonly options: FileStorageOptions = {},
  ) {
    this.quarantineDir = options.quarantineDir ?? path.join(path.dirname(dir), 'quarantine');
  }

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
        let item = await this.readOne(key);
        if (item === DAMAGED) item = await this.withLock(key, () => this.readOne(key, true));
        if (item !== undefined) items[key] = item;
      }),
    );
    return items;
  }

  /** The keys stored under a prefix (e.g. `request/`). */
  async keys(prefix: string): Promise<string[]> {
    const names = await fs.readdir(this.dir);
    return names
      .filter((n) => n.endsWith('.json'))
      .map((n) => decodeURIComponent(n.slice(0, -'.json'.length)))
      .filter((k) => k.startsWith(prefix));
  }

  async write(changes: StoreItems): Promise<void> {
    await Promise.all(
      Object.entries(changes).map(([key, item]) =>
        this.withLock(key, async () => {
          const wanted = item?.eTag;
          if (wanted && wanted !== '*') {
            const current = await this.readOne(key, true);
            if (current && current.eTag !== wanted) {
              throw new Error(`Storage: error writing "${key}" due to eTag conflict.`);
            }
          }
          await this.writeFileAtomically(this.fileFor(key), JSON.stringify({ ...item, eTag: randomUUID() }));
        }),
      ),
    );
  }

  /** Writes `item` only if `key` has no record yet (true), under the key's lock; false if it has one. */
  async create(key: string, item: object): Promise<boolean> {
    return this.withLock(key, async () => {
      if ((await this.readOne(key, true)) !== undefined) return false;
      await this.writeFileAtomically(this.fileFor(key), JSON.stringify({ ...item, eTag: randomUUID() }));
      return true;
    });
  }

  async delete(keys: string[]): Promise<void> {
    await Promise.all(keys.map((key) => this.withLock(key, () => fs.rm(this.fileFor(key), { force: true }))));
  }

  /** Resolves when every write started so far has reached the disk. */
  async flush(): Promise<void> {
    await Promise.allSettled([...this.pending]);
  }

  /**
   * The record, or undefined if there is none. One that cannot be parsed is moved aside when the caller
   * holds the key's lock (so no write can land in between), else reported as DAMAGED.
   */
  private async readOne(key: string, locked: true): Promise<Record<string, unknown> | undefined>;
  private async readOne(key: string): Promise<Record<string, unknown> | typeof DAMAGED | undefined>;
  private async readOne(
    key: string,
    locked = false,
  ): Promise<Record<string, unknown> | typeof DAMAGED | undefined> {
    const file = this.fileFor(key);
    const text = await unlessMissing(fs.readFile(file, 'utf8'));
    if (text === undefined) return undefined;
    try {
      return JSON.parse(text);
    } catch (err) {
      if (!locked) return DAMAGED;
      await this.quarantine(key, file, (err as Error).message);
      return undefined;
    }
  }

  private async quarantine(key: string, file: string, problem: string): Promise<void> {
    const to = path.join(
      this.quarantineDir,
      quarantineName(path.basename(file), (this.options.now ?? Date.now)()),
    );
    try {
      await fs.mkdir(this.quarantineDir, { recursive: true });
      await fs.rename(file, to);
      this.options.onQuarantine?.({ key, from: file, to, problem });
    } catch (err) {
      this.options.onQuarantine?.({
        key,
        from: file,
        problem: `${problem}; it could not be moved: ${(err as Error).message}`,
      });
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
