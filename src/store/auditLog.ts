import { promises as fs } from 'node:fs';
import path from 'node:path';

export type AuditEvent =
  | 'requested'
  | 'refused'
  | 'confirmed'
  | 'cancelled'
  | 'expired'
  | 'revoked'
  | 'failed'
  | 'approved'
  | 'rejected'
  | 'blocked'
  | 'unblocked'
  | 'status';

export interface AuditEntry {
  at: string;
  event: AuditEvent;
  tenantId?: string;
  requestId?: string;
  actor: { id?: string; name?: string };
  targets?: { id: string; upn?: string; name?: string }[];
  outcome?: string;
  /** Graph request-ids of the calls that decided the outcome */
  graphRequestIds?: string[];
  reason?: string;
  detail?: string;
  /** where the action was asked: conversation id */
  conversationId?: string;
}

/** What the bot needs of an audit log: this JSONL file, or an append blob (BlobAuditLog) to scale out. */
export interface AuditSink {
  init(): Promise<this>;
  append(entry: Omit<AuditEntry, 'at'> & { at?: string }): Promise<void>;
  /** Resolves when every append started so far has finished. */
  flush(): Promise<void>;
  /** Every entry in the order it was appended; unreadable lines are skipped. */
  readAll(): Promise<AuditEntry[]>;
}

/**
 * Append-only JSON Lines audit log. Each entry is written and fsynced before the call returns.
 * A torn last line (crash mid-write) is skipped when reading.
 */
export class AuditLog implements AuditSink {
  private tail: Promise<unknown> = Promise.resolve();

  constructor(private readonly file: string) {}

  async init(): Promise<this> {
    await fs.mkdir(path.dirname(this.file), { recursive: true });
    return this;
  }

  append(entry: Omit<AuditEntry, 'at'> & { at?: string }): Promise<void> {
    const line = JSON.stringify({ at: new Date().toISOString(), ...entry }) + '\n';
    const write = this.tail
      .catch(() => undefined)
      .then(async () => {
        const handle = await fs.open(this.file, 'a');
        try {
          await handle.appendFile(line, 'utf8');
          await handle.sync();
        } finally {
          await handle.close();
        }
      });
    this.tail = write;
    return write;
  }

  async flush(): Promise<void> {
    await this.tail.catch(() => undefined);
  }

  async readAll(): Promise<AuditEntry[]> {
    let text: string;
    try {
      text = await fs.readFile(this.file, 'utf8');
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code === 'ENOENT') return [];
      throw err;
    }
    const entries: AuditEntry[] = [];
    for (const line of text.split('\n')) {
      if (!line.trim()) continue;
      try {
        entries.push(JSON.parse(line));
      } catch {
        // a torn line from a crash mid-append
      }
    }
    return entries;
  }
}
