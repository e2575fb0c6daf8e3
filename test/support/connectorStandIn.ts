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

/** Which calls a hanging connector accepts and never answers: card updates, new posts, or everything. */
export type HangMode = 'updates' | 'posts' | 'all';

/** A call accepted by a hanging connector and not answered (yet). */
export interface HeldCall extends ConnectorCall {
  at: number;
  /** the bot closed the connection: it stopped waiting (a timeout, or the process ended) */
  gaveUp: boolean;
}

/** Calls that a hold (hang() or hold()) leaves unanswered, and what to do with them once it ends. */
interface HoldRule {
  matches: (call: ConnectorCall) => boolean;
  /** answers (true) or closes unanswered and unrecorded (false) one held call */
  resumes: { call: HeldCall; resume: (answer: boolean) => void }[];
  /** called with each call it holds */
  onHeld?: (call: HeldCall) => void;
}

/** One hold made by hold(): its first call, and how it ends. */
export interface Hold {
  /** the first call it held */
  arrived: Promise<HeldCall>;
  /** answers the held calls as usual (recording them), in arrival order, and lets later ones through */
  release: () => void;
  /** closes the held calls unanswered and unrecorded, as a connector whose caller is gone, and lets later ones through */
  drop: () => void;
}

export interface ConnectorStandInOptions {
  port?: number;
  /**
   * Answer a call instead of the stand-in (e.g. `{ status: 502 }` to test a failing update). The call is
   * then not recorded. Return undefined to let the stand-in answer.
   */
  intercept?: (call: ConnectorCall) => { status: number; body?: unknown } | undefined;
  /**
   * Checks the Authorization header of every call, as the real connector checks the bot's token; a call
   * it refuses gets 401 and is recorded in `refused`. Unset: anything goes (local mode sends none).
   */
  authorize?: (authorization: string | undefined) => boolean;
  /**
   * Refuse an update of a message this stand-in never issued in that conversation with 404
   * ActivityNotFoundInConversation, as Teams does. Off by default: some tests update made-up ids. A
   * message deleted since (deleteInTeams, or by the bot) is always refused, with Teams' 403.
   */
  knownMessagesOnly?: boolean;
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
  /** calls refused by `authorize` */
  readonly refused: { method: string; path: string }[] = [];
  /** calls held unanswered by hang() or hold(), in arrival order, until their hold ends */
  readonly held: HeldCall[] = [];
  /** held calls whose caller had given up (closed the connection) when they were released */
  readonly abandoned: HeldCall[] = [];
  /** updates refused as Teams refuses them: of a message deleted (403), or never issued (404, see knownMessagesOnly) */
  readonly refusedUpdates: { conversationId: string; activityId: string; status: number }[] = [];
  /**
   * Messages this stand-in has issued or seen deleted, by conversation (without `;messageid=`) and id.
   */
  private readonly messages = new Map<string, 'live' | 'deleted'>();
  private readonly events = new EventEmitter();
  /** the rule of hang(), if on */
  private hanging: HoldRule | undefined;
  private readonly holdRules = new Set<HoldRule>();
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
    for (const rule of [...this.holdRules]) this.endHold(rule, false);
    const server = this.server;
    this.server = undefined;
    await closeServer(server);
  }

  clear(): void {
    this.activities.length = 0;
    this.unhandled.length = 0;
    this.refused.length = 0;
    this.refusedUpdates.length = 0;
    this.messages.clear();
  }

  /** Someone deletes a message in Teams: a later update of it is refused as Teams refuses it (403). */
  deleteInTeams(conversationId: string, activityId: string): void {
    this.messages.set(messageKey(conversationId, activityId), 'deleted');
  }

  /**
   * Fault mode: from now on, calls of this kind are accepted (the request is read) and never answered,
   * as a Bot Connector that hangs. They are not recorded until release().
   */
  hang(mode: HangMode): void {
    if (this.hanging) {
      this.hanging.matches = (c) => holds(mode, c.op);
      return;
    }
    this.hanging = { matches: (c) => holds(mode, c.op), resumes: [] };
    this.holdRules.add(this.hanging);
  }

  /**
   * Leaves the calls that match unanswered, as a hung Bot Connector does, until the hold is released
   * or dropped: e.g. a job's final card update, so that a test can stop the bot while it waits on it.
   */
  hold(matches: (call: ConnectorCall) => boolean): Hold {
    const rule: HoldRule = { matches, resumes: [] };
    const arrived = new Promise<HeldCall>((resolve) => (rule.onHeld = resolve));
    this.holdRules.add(rule);
    return { arrived, release: () => this.endHold(rule, true), drop: () => this.endHold(rule, false) };
  }

  /** Ends every hold (hang() and hold()) and answers the held calls as usual, in arrival order. */
  async release(): Promise<void> {
    for (const rule of [...this.holdRules]) this.endHold(rule, true);
  }

  private endHold(rule: HoldRule, answer: boolean): void {
    this.holdRules.delete(rule);
    if (this.hanging === rule) this.hanging = undefined;
    const ended = new Set(rule.resumes.map((r) => r.call));
    const kept = this.held.filter((c) => !ended.has(c));
    this.held.splice(0, this.held.length, ...kept);
    for (const { resume } of rule.resumes.splice(0)) resume(answer);
  }

  /** The first held call the bot gave up on that matches, already or within timeoutMs. */
  waitForGiveUp(pred: (c: HeldCall) => boolean, timeoutMs = 10000): Promise<HeldCall> {
    return this.waitOn(
      'gaveUp',
      this.held.filter((c) => c.gaveUp),
      pred,
      timeoutMs,
    );
  }

  /** The first held call that matches, already held or arriving within timeoutMs. */
  waitForHeld(pred: (c: HeldCall) => boolean, timeoutMs = 10000): Promise<HeldCall> {
    return this.waitOn('held', this.held, pred, timeoutMs);
  }

  /** The first recorded activity that matches, already recorded or arriving within timeoutMs. */
  waitFor(pred: (a: RecordedActivity) => boolean, timeoutMs = 10000): Promise<RecordedActivity> {
    return this.waitOn('record', this.activities, pred, timeoutMs);
  }

  private waitOn<T>(event: string, seen: T[], pred: (x: T) => boolean, timeoutMs: number): Promise<T> {
    const found = seen.find(pred);
    if (found) return Promise.resolve(found);
    return new Promise((resolve, reject) => {
      const onEvent = (x: T) => {
        if (!pred(x)) return;
        clearTimeout(timer);
        this.events.off(event, onEvent);
        resolve(x);
      };
      const timer = setTimeout(() => {
        this.events.off(event, onEvent);
        const what = event === 'held' ? 'held call' : 'activity';
        reject(new Error(`No matching ${what} within ${timeoutMs} ms. Recorded:\n${this.describe()}`));
      }, timeoutMs);
      this.events.on(event, onEvent);
    });
  }

  /** One line per recorded activity, for failure messages. */
  describe(): string {
    const count = this.activities.length + this.held.length + this.unhandled.length + this.refused.length;
    if (count + this.refusedUpdates.length === 0) return '  (nothing)';
    const lines = this.activities.map((a) => {
      const attachments = (a.body?.attachments ?? [])
        .map((x: { contentType?: string }) => x.contentType)
        .join(',');
      const text = typeof a.body?.text === 'string' ? JSON.stringify(a.body.text.slice(0, 120)) : '';
      return `  ${a.op} ${a.conversationId} #${a.activityId} ${a.body?.type ?? ''} ${text} ${attachments}`.trimEnd();
    });
    return [
      ...lines,
      ...this.held.map((h) => `  held ${h.op} ${h.conversationId} #${h.activityId ?? ''}`.trimEnd()),
      ...this.unhandled.map((u) => `  unhandled ${u.method} ${u.path}`),
      ...this.refused.map((u) => `  refused (401) ${u.method} ${u.path}`),
      ...this.refusedUpdates.map(
        (u) => `  refused update (${u.status}) ${u.conversationId} #${u.activityId}`,
      ),
    ].join('\n');
  }

  private async handle(req: http.IncomingMessage, res: http.ServerResponse): Promise<void> {
    const url = new URL(req.url ?? '/', 'http://127.0.0.1');
    const parts = url.pathname.split('/').filter(Boolean).map(decodeURIComponent);
    const method = req.method ?? 'GET';
    const raw = await readBody(req);
    if (this.o.authorize && !this.o.authorize(req.headers.authorization)) {
      this.refused.push({ method, path: url.pathname });
      send(res, 401, {
        error: { code: 'Unauthorized', message: 'Authorization has been denied for this request.' },
      });
      return;
    }
    const body: unknown = raw ? JSON.parse(raw) : undefined;
    const call = route(method, parts, body);
    if (!call) {
      this.unhandled.push({ method, path: url.pathname });
      send(res, 404, {
        error: { code: 'NotFound', message: `The stand-in does not serve ${method} ${url.pathname}` },
      });
      return;
    }
    const rule = [...this.holdRules].find((r) => r.matches(call));
    if (rule) {
      const held: HeldCall = { ...call, at: Date.now(), gaveUp: false };
      res.once('close', () => {
        held.gaveUp = !res.writableEnded;
        if (held.gaveUp) this.events.emit('gaveUp', held);
      });
      this.held.push(held);
      rule.resumes.push({
        call: held,
        resume: (answer) => {
          if (held.gaveUp || res.destroyed) this.abandoned.push(held);
          else if (answer) this.answer(req, res, call, body);
          else res.destroy();
        },
      });
      rule.onHeld?.(held);
      this.events.emit('held', held);
      return;
    }
    this.answer(req, res, call, body);
  }

  private answer(
    req: http.IncomingMessage,
    res: http.ServerResponse,
    call: ConnectorCall,
    body: unknown,
  ): void {
    const intercepted = this.o.intercept?.(call);
    if (intercepted) {
      send(res, intercepted.status, intercepted.body);
      return;
    }

    const authorization = req.headers.authorization;
    const base = { authorization, at: Date.now() };
    switch (call.op) {
      case 'send':
      case 'reply': {
        const id = this.nextId();
        this.messages.set(messageKey(call.conversationId, id), 'live');
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
      case 'update': {
        const state = this.messages.get(messageKey(call.conversationId, call.activityId!));
        if (state === 'deleted' || (state === undefined && this.o.knownMessagesOnly)) {
          // what Teams answers: an id it never had, and one deleted since (ServiceError "Unknown")
          const status = state === 'deleted' ? 403 : 404;
          this.refusedUpdates.push({
            conversationId: call.conversationId,
            activityId: call.activityId!,
            status,
          });
          send(
            res,
            status,
            state === 'deleted'
              ? { error: { code: 'ServiceError', message: 'Unknown' } }
              : {
                  error: {
                    code: 'ActivityNotFoundInConversation',
                    message: 'Message does not exist in the thread.',
                  },
                },
          );
          return;
        }
        this.record({
          ...base,
          op: 'update',
          conversationId: call.conversationId,
          activityId: call.activityId!,
          body,
        });
        send(res, 200, { id: call.activityId });
        return;
      }
      case 'delete':
        this.messages.set(messageKey(call.conversationId, call.activityId!), 'deleted');
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
        this.messages.set(messageKey(conversationId, activityId), 'live');
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

/** A message's key: its conversation without the thread part (`;messageid=…`), and its id. */
function messageKey(conversationId: string, activityId: string): string {
  return `${conversationId.split(';')[0]}|${activityId}`;
}

function holds(mode: HangMode, op: ConnectorOp): boolean {
  if (mode === 'all') return true;
  return mode === 'updates'
    ? op === 'update'
    : op === 'send' || op === 'reply' || op === 'createConversation';
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
