import { randomBytes } from 'node:crypto';
import { EventEmitter } from 'node:events';
import * as http from 'node:http';
import type { AddressInfo } from 'node:net';
import { closeServer } from './closeServer';

export type ConnectorOp = 'send' | 'reply' | 'update' | 'createConversation' | 'delete';

export interface RecordedActivity {
  op: ConnectorOp;
  conversationId: string;
  /** the id assigned (send, reply, createConversation) or the one updated/deleted */
  activityId: string;
  replyToId?: string;
  /** the activity as the bot posted it (for createConversation, the initial activity; for delete, undefined) */

  body: any;
  /** createConversation only: the full ConversationParameters */

  params?: any;
  /** Authorization header, if the bot sent one (it does not in local mode) */
  authorization?: string;
  at: number;
}

export interface ConnectorCall {
  op: ConnectorOp;
  conversationId: string;
  activityId?: string;
  body: unknown;
}

interface Hold {
  pred: (call: ConnectorCall) => boolean;
  /** true: answer the call; false: drop it */
  waiting: ((answer: boolean) => void)[];
}

export interface ConnectorStandInOptions {
  port?: number;
  /**
   * Answer a call instead of the stand-in (e.g. `{ status: 502 }` to test a failing update). The call is
   * then not recorded. Return undefined to let the stand-in answer.
   */
  intercept?: (call: ConnectorCall) => { status: number; body?: unknown } | undefined;
}

/**
 * The Bot Connector service as Teams runs it behind an activity's serviceUrl: records what the bot
 * sends, replies, updates, deletes or starts (proactive channel posts), and answers like Teams with
 * fresh message ids (epoch milliseconds) and `19:…;messageid=…` conversation ids for new channel threads.
 */
export class ConnectorStandIn {
  readonly activities: RecordedActivity[] = [];
  /** requests the stand-in does not serve (answered 404), so a test can see what the bot tried */
  readonly unhandled: { method: string; path: string }[] = [];
  private readonly events = new EventEmitter();
  private holds: Hold[] = [];
  private server?: http.Server;
  private lastId = 0;

  constructor(private readonly o: ConnectorStandInOptions = {}) {}

  /** @returns the serviceUrl, http://127.0.0.1:PORT/ */
  async start(): Promise<string> {
    const server = http.createServer((req, res) => {
      this.handle(req, res).catch((err: unknown) =>
        send(res, 500, { error: { code: 'ServiceError', message: String(err) } }),
      );
    });
    await new Promise<void>((resolve, reject) => {
      server.once('error', reject);
      server.listen(this.o.port ?? 0, '127.0.0.1', () => resolve());
    });
    this.server = server;
    return this.serviceUrl;
  }

  get serviceUrl(): string {
    const address = this.server?.address() as AddressInfo | undefined;
    if (!address) throw new Error('ConnectorStandIn is not started');
    return `http://127.0.0.1:${address.port}/`;
  }

  async stop(): Promise<void> {
    for (const h of this.holds.splice(0)) for (const go of h.waiting.splice(0)) go(false);
    const server = this.server;
    this.server = undefined;
    await closeServer(server);
  }

  /**
   * Holds the answer to calls that match (e.g. the bot's final card update), so a test can stop the bot
   * while it waits on one. `held` resolves with the first such call; `release()` answers the held calls
   * and lets later ones through, `drop()` closes them unanswered and unrecorded (their bot is gone).
   */
  hold(pred: (call: ConnectorCall) => boolean): {
    held: Promise<ConnectorCall>;
    release: () => void;
    drop: () => void;
  } {
    let onHeld: (call: ConnectorCall) => void = () => undefined;
    const held = new Promise<ConnectorCall>((resolve) => (onHeld = resolve));
    const entry: Hold = {
      pred: (call) => {
        if (!pred(call)) return false;
        onHeld(call);
        return true;
      },
      waiting: [],
    };
    this.holds.push(entry);
    const end = (answer: boolean) => {
      this.holds = this.holds.filter((h) => h !== entry);
      for (const go of entry.waiting.splice(0)) go(answer);
    };
    return { held, release: () => end(true), drop: () => end(false) };
  }

  clear(): void {
    this.activities.length = 0;
    this.unhandled.length = 0;
  }

  /** The first recorded activity that matches, already recorded or arriving within timeoutMs. */
  waitFor(pred: (a: RecordedActivity) => boolean, timeoutMs = 10000): Promise<RecordedActivity> {
    const found = this.activities.find(pred);
    if (found) return Promise.resolve(found);
    return new Promise((resolve, reject) => {
      const onRecord = (a: RecordedActivity) => {
        if (!pred(a)) return;
        clearTimeout(timer);
        this.events.off('record', onRecord);
        resolve(a);
      };
      const timer = setTimeout(() => {
        this.events.off('record', onRecord);
        reject(new Error(`No matching activity within ${timeoutMs} ms. Recorded:\n${this.describe()}`));
      }, timeoutMs);
      this.events.on('record', onRecord);
    });
  }

  /** One line per recorded activity, for failure messages. */
  describe(): string {
    if (this.activities.length === 0 && this.unhandled.length === 0) return '  (nothing)';
    const lines = this.activities.map((a) => {
      const attachments = (a.body?.attachments ?? [])
        .map((x: { contentType?: string }) => x.contentType)
        .join(',');
      const text = typeof a.body?.text === 'string' ? JSON.stringify(a.body.text.slice(0, 120)) : '';
      return `  ${a.op} ${a.conversationId} #${a.activityId} ${a.body?.type ?? ''} ${text} ${attachments}`.trimEnd();
    });
    return [...lines, ...this.unhandled.map((u) => `  unhandled ${u.method} ${u.path}`)].join('\n');
  }

  private async handle(req: http.IncomingMessage, res: http.ServerResponse): Promise<void> {
    const url = new URL(req.url ?? '/', 'http://127.0.0.1');
    const parts = url.pathname.split('/').filter(Boolean).map(decodeURIComponent);
    const method = req.method ?? 'GET';
    const raw = await readBody(req);
    const body: unknown = raw ? JSON.parse(raw) : undefined;
    const call = route(method, parts, body);
    if (!call) {
      this.unhandled.push({ method, path: url.pathname });
      send(res, 404, {
        error: { code: 'NotFound', message: `The stand-in does not serve ${method} ${url.pathname}` },
      });
      return;
    }
    const intercepted = this.o.intercept?.(call);
    if (intercepted) {
      send(res, intercepted.status, intercepted.body);
      return;
    }
    const hold = this.holds.find((h) => h.pred(call));
    if (hold && !(await new Promise<boolean>((resolve) => hold.waiting.push(resolve)))) {
      res.destroy();
      return;
    }

    const authorization = req.headers.authorization;
    const base = { authorization, at: Date.now() };
    switch (call.op) {
      case 'send':
      case 'reply': {
        const id = this.nextId();
        this.record({
          ...base,
          op: call.op,
          conversationId: call.conversationId,
          activityId: id,
          replyToId: call.activityId,
          body,
        });
        send(res, 200, { id });
        return;
      }
      case 'update':
        this.record({
          ...base,
          op: 'update',
          conversationId: call.conversationId,
          activityId: call.activityId!,
          body,
        });
        send(res, 200, { id: call.activityId });
        return;
      case 'delete':
        this.record({
          ...base,
          op: 'delete',
          conversationId: call.conversationId,
          activityId: call.activityId!,
          body: undefined,
        });
        send(res, 200, undefined);
        return;
      case 'createConversation': {
        const params = (body ?? {}) as { activity?: unknown; channelData?: { channel?: { id?: string } } };
        const channel = params.channelData?.channel?.id;
        const activityId = this.nextId();
        // Teams starts a channel thread whose conversation id names its first message; 1:1 chats get a: ids.
        const conversationId = channel
          ? `${channel};messageid=${activityId}`
          : `a:1${randomBytes(24).toString('base64url')}`;
        this.record({
          ...base,
          op: 'createConversation',
          conversationId,
          activityId,
          body: params.activity,
          params,
        });
        send(res, 201, params.activity ? { id: conversationId, activityId } : { id: conversationId });
        return;
      }
    }
  }

  private record(a: RecordedActivity): void {
    this.activities.push(a);
    this.events.emit('record', a);
  }

  private nextId(): string {
    this.lastId = Math.max(Date.now(), this.lastId + 1);
    return String(this.lastId);
  }
}

function route(method: string, parts: string[], body: unknown): ConnectorCall | undefined {
  if (parts[0] !== 'v3' || parts[1] !== 'conversations') return undefined;
  if (parts.length === 2 && method === 'POST') return { op: 'createConversation', conversationId: '', body };
  if (parts[3] !== 'activities') return undefined;
  const conversationId = parts[2];
  if (parts.length === 4 && method === 'POST') return { op: 'send', conversationId, body };
  if (parts.length !== 5 || parts[4] === 'history') return undefined;
  const activityId = parts[4];
  if (method === 'POST') return { op: 'reply', conversationId, activityId, body };
  if (method === 'PUT') return { op: 'update', conversationId, activityId, body };
  if (method === 'DELETE') return { op: 'delete', conversationId, activityId, body };
  return undefined;
}

function send(res: http.ServerResponse, status: number, body: unknown): void {
  if (body === undefined) {
    res.writeHead(status, { 'Content-Length': 0 });
    res.end();
    return;
  }
  const text = JSON.stringify(body);
  res.writeHead(status, {
    'Content-Type': 'application/json; charset=utf-8',
    'Content-Length': Buffer.byteLength(text),
  });
  res.end(text);
}

async function readBody(req: http.IncomingMessage): Promise<string> {
  const chunks: Buffer[] = [];
  for await (const chunk of req) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks).toString('utf8');
}
