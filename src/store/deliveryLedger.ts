import { createHash } from 'node:crypto';
import os from 'node:os';
import { setTimeout as sleep } from 'node:timers/promises';
import type { BlockBlobClient, ContainerClient } from '@azure/storage-blob';

/**
 * Teams delivers a message again when the bot does not answer it in time: a slow `signout all`, or an
 * instance that died while handling it. The ledger tells a repeat from a message nobody has answered:
 * a delivery takes a claim before it is handled; the claim is renewed while the handler runs, marked
 * answered once the answer is posted, and released if handling fails, so a repeat may try again. A claim
 * whose holder stopped renewing it (the process died) expires after `claimMs`, and a repeat takes it over.
 */
export interface DeliveryLedger {
  /** A claim on the message `key`, or undefined when it is answered or a live instance is answering it. */
  claim(key: string): Promise<DeliveryClaim | undefined>;
  /** Forgets answered messages older than the window, and expired claims. */
  sweep(): Promise<void>;
}

export interface DeliveryClaim {
  /** The answer is posted: repeats are dropped for the rest of the window. */
  complete(): Promise<void>;
  /** Handling failed before an answer: a repeat may handle the message. */
  release(): Promise<void>;
}

export interface LedgerTimes {
  /** how long an answered message is remembered (Teams repeats within minutes) */
  windowMs: number;
  /** how long a claim in progress lives without renewal; it is renewed every third of that */
  claimMs: number;
}

type Token = { key: string; state: 'inProgress' | 'done'; at: number };

/** The delivery claims of one process, in memory: pure, times passed in, at most maxKeys keys. */
export class ClaimTable {
  private readonly entries = new Map<string, Token>();

  constructor(private readonly o: LedgerTimes & { maxKeys: number }) {}

  get size(): number {
    return this.entries.size;
  }

  /** A new claim, or undefined while the message is answered or in progress. */
  take(key: string, now: number): Token | undefined {
    const current = this.entries.get(key);
    if (current && this.alive(current, now)) return undefined;
    const token: Token = { key, state: 'inProgress', at: now };
    this.entries.delete(key);
    this.entries.set(key, token);
    for (const oldest of this.entries.keys()) {
      if (this.entries.size <= this.o.maxKeys) break;
      this.entries.delete(oldest);
    }
    return token;
  }

  /** False when the claim was taken over (it had expired) or ended. */
  renew(token: Token, now: number): boolean {
    if (!this.holds(token) || token.state !== 'inProgress') return false;
    token.at = now;
    return true;
  }

  complete(token: Token, now: number): void {
    if (!this.holds(token)) return;
    token.state = 'done';
    token.at = now;
  }

  release(token: Token): void {
    if (this.holds(token)) this.entries.delete(token.key);
  }

  sweep(now: number): void {
    for (const [key, token] of this.entries) if (!this.alive(token, now)) this.entries.delete(key);
  }

  private holds(token: Token): boolean {
    return this.entries.get(token.key) === token;
  }

  private alive(token: Token, now: number): boolean {
    return now - token.at < (token.state === 'done' ? this.o.windowMs : this.o.claimMs);
  }
}

/**
 * A claim this process holds: renewed every third of its lifetime until it is completed or released, or
 * until the window has passed (a handler that runs that long is stuck; a repeat may then take over).
 * Its operations run one after another, so a renewal in flight never races the completion.
 */
class HeldClaim implements DeliveryClaim {
  private readonly timer: NodeJS.Timeout;
  private readonly renewUntil: number;
  private tail: Promise<unknown> = Promise.resolve();
  private ended = false;

  constructor(
    private readonly ops: { renew(): Promise<boolean>; complete(): Promise<void>; release(): Promise<void> },
    times: LedgerTimes,
    private readonly now: () => number,
  ) {
    this.renewUntil = now() + times.windowMs;
    this.timer = setInterval(() => void this.queue(() => this.renew()), Math.max(1, times.claimMs / 3));
    this.timer.unref();
  }

  complete(): Promise<void> {
    return this.end(() => this.ops.complete());
  }

  release(): Promise<void> {
    return this.end(() => this.ops.release());
  }

  private async renew(): Promise<void> {
    if (this.ended) return;
    const held = this.now() < this.renewUntil && (await this.ops.renew().catch(() => true));
    if (!held) clearInterval(this.timer);
  }

  private end(op: () => Promise<void>): Promise<void> {
    if (this.ended) return Promise.resolve();
    this.ended = true;
    clearInterval(this.timer);
    return this.queue(op);
  }

  private queue<T>(op: () => Promise<T>): Promise<T> {
    const next = this.tail.catch(() => undefined).then(op);
    this.tail = next;
    return next;
  }
}

export interface MemoryLedgerOptions extends LedgerTimes {
  /** default 10,000 */
  maxKeys?: number;
  now?: () => number;
}

/**
 * One process: enough for the file back-end, which serves one instance. A restart forgets every claim,
 * so a message interrupted by the restart is handled when Teams delivers it again.
 */
export class MemoryDeliveryLedger implements DeliveryLedger {
  private readonly table: ClaimTable;
  private readonly now: () => number;

  constructor(private readonly o: MemoryLedgerOptions) {
    this.table = new ClaimTable({ ...o, maxKeys: o.maxKeys ?? 10_000 });
    this.now = o.now ?? Date.now;
  }

  async claim(key: string): Promise<DeliveryClaim | undefined> {
    const token = this.table.take(key, this.now());
    if (!token) return undefined;
    return new HeldClaim(
      {
        renew: async () => this.table.renew(token, this.now()),
        complete: async () => this.table.complete(token, this.now()),
        release: async () => this.table.release(token),
      },
      this.o,
      this.now,
    );
  }

  async sweep(): Promise<void> {
    this.table.sweep(this.now());
  }
}

export interface BlobDeliveryLedgerOptions extends LedgerTimes {
  /** how long a repeat waits for a claim in progress to be answered or to expire; default claimMs */
  waitMs?: number;
  /** how often it looks meanwhile; default a tenth of claimMs, at most 2 s */
  pollMs?: number;
  /** storage could not answer; the message is handled anyway */
  onError?: (err: unknown) => void;
  now?: () => number;
  /** written into claims, for people reading the container */
  instance?: string;
}

/** The body of a claim blob. Earlier versions left empty blobs, which mean "answered". */
interface ClaimBody {
  state: 'inProgress' | 'done';
  /** when it was taken, renewed or answered (the holder's clock) */
  at: string;
  instance: string;
}

type Acquired = { etag: string } | 'busy' | 'done';

/**
 * Several instances: a claim is the blob `deliveries/<sha256 of key>` holding its state. It is created
 * with If-None-Match: *, and every later change (renewal, answer, takeover of an expired claim) is a
 * write with If-Match on the ETag last seen, so of two instances exactly one takes a claim over. A repeat
 * that finds a claim in progress waits up to `waitMs` for it to be answered (then drops the message) or
 * to expire (then takes it over). Expiry compares the holder's clock with the reader's: instances' clocks
 * must agree within seconds, as they do for job leases. The memory ledger in front saves requests for
 * repeats reaching the same instance. If storage cannot answer, the message is handled: a repeated card
 * is better than a lost request.
 */
export class BlobDeliveryLedger implements DeliveryLedger {
  private readonly local: MemoryDeliveryLedger;
  private readonly now: () => number;
  private readonly instance: string;

  constructor(
    private readonly container: ContainerClient,
    private readonly o: BlobDeliveryLedgerOptions,
  ) {
    this.now = o.now ?? Date.now;
    this.local = new MemoryDeliveryLedger({ ...o, now: this.now });
    this.instance = o.instance ?? `${os.hostname()}:${process.pid}`;
  }

  async claim(key: string): Promise<DeliveryClaim | undefined> {
    const local = await this.local.claim(key);
    if (!local) return undefined;
    const blob = this.container.getBlockBlobClient(
      `deliveries/${createHash('sha256').update(key).digest('hex')}`,
    );
    let acquired: Acquired;
    try {
      acquired = await this.acquireWaiting(blob);
    } catch (err) {
      this.o.onError?.(err);
      return local;
    }
    if (acquired === 'done') {
      await local.complete();
      return undefined;
    }
    if (acquired === 'busy') {
      await local.release();
      return undefined;
    }
    let etag = acquired.etag;
    const write = async (state: ClaimBody['state']) => {
      etag = await this.put(blob, state, { ifMatch: etag });
    };
    return new HeldClaim(
      {
        renew: () =>
          write('inProgress').then(
            () => true,
            (err) => !isConflict(err),
          ),
        complete: async () => {
          await Promise.all([write('done').catch((err) => this.lost(err)), local.complete()]);
        },
        release: async () => {
          await Promise.all([
            blob.delete({ conditions: { ifMatch: etag } }).catch((err) => this.lost(err)),
            local.release(),
          ]);
        },
      },
      this.o,
      this.now,
    );
  }

  async sweep(): Promise<void> {
    const before = this.now() - Math.max(this.o.windowMs, this.o.claimMs);
    for await (const blob of this.container.listBlobsFlat({ prefix: 'deliveries/' })) {
      const changed = blob.properties.lastModified ?? blob.properties.createdOn;
      if (changed && changed.getTime() < before) {
        await this.container.deleteBlob(blob.name).catch(() => undefined);
      }
    }
  }

  /** Tries to take the claim, waiting while another instance holds it in progress. */
  private async acquireWaiting(blob: BlockBlobClient): Promise<Acquired> {
    const waitMs = this.o.waitMs ?? this.o.claimMs;
    const pollMs = Math.max(1, this.o.pollMs ?? Math.min(2000, this.o.claimMs / 10));
    // a timer, not the clock: an injected clock that stands still must not make this wait forever
    const gaveUp = AbortSignal.timeout(Math.max(1, waitMs));
    for (;;) {
      const acquired = await this.acquire(blob);
      if (acquired !== 'busy' || waitMs <= 0 || gaveUp.aborted) return acquired;
      await sleep(pollMs, undefined, { signal: gaveUp }).catch(() => undefined);
    }
  }

  private async acquire(blob: BlockBlobClient): Promise<Acquired> {
    for (let attempt = 0; attempt < 5; attempt++) {
      try {
        return { etag: await this.put(blob, 'inProgress', { ifNoneMatch: '*' }) };
      } catch (err) {
        if (!isConflict(err)) throw err;
      }
      let found: { etag: string; body: string };
      try {
        const res = await blob.download();
        found = { etag: res.etag ?? '', body: await streamText(res.readableStreamBody) };
      } catch (err) {
        // answered and swept, or released, in between: try to create it again
        if (statusOf(err) === 404) continue;
        throw err;
      }
      const claim = parseClaim(found.body);
      if (!claim || claim.state === 'done') return 'done';
      if (this.now() - Date.parse(claim.at) < this.o.claimMs) return 'busy';
      try {
        return { etag: await this.put(blob, 'inProgress', { ifMatch: found.etag }) };
      } catch (err) {
        // another instance renewed it or took it over first: look again
        if (!isConflict(err)) throw err;
      }
    }
    return 'busy';
  }

  private async put(
    blob: BlockBlobClient,
    state: ClaimBody['state'],
    conditions: { ifMatch?: string; ifNoneMatch?: string },
  ): Promise<string> {
    const body: ClaimBody = { state, at: new Date(this.now()).toISOString(), instance: this.instance };
    const text = JSON.stringify(body);
    const res = await blob.upload(text, Buffer.byteLength(text), {
      conditions,
      blobHTTPHeaders: { blobContentType: 'application/json' },
    });
    return res.etag ?? '';
  }

  /** Another instance took the claim over (it had expired): it answers the message too. */
  private lost(err: unknown): void {
    if (!isConflict(err) && statusOf(err) !== 404) this.o.onError?.(err);
  }
}

function parseClaim(text: string): ClaimBody | undefined {
  try {
    const value = JSON.parse(text) as Partial<ClaimBody> | null;
    return value && (value.state === 'inProgress' || value.state === 'done') && typeof value.at === 'string'
      ? (value as ClaimBody)
      : undefined;
  } catch {
    return undefined;
  }
}

async function streamText(body: NodeJS.ReadableStream | undefined): Promise<string> {
  const chunks: Buffer[] = [];
  for await (const chunk of body ?? []) chunks.push(Buffer.isBuffer(chunk) ? chunk : Buffer.from(chunk));
  return Buffer.concat(chunks).toString('utf8');
}

function statusOf(err: unknown): unknown {
  return (err as { statusCode?: unknown } | null)?.statusCode;
}

/** 409 BlobAlreadyExists or 412 ConditionNotMet: someone else wrote first. */
function isConflict(err: unknown): boolean {
  const status = statusOf(err);
  return status === 409 || status === 412;
}
