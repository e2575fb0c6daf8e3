import { createHmac, timingSafeEqual } from 'node:crypto';
import { isIP } from 'node:net';
import type { Request, Server } from 'restify';
import type { CsvLink } from '../cards/cardOptions';
import { isGuid } from '../domain/guid';
import { outcomesToCsv } from '../domain/outcomesCsv';
import type { AuditSink } from '../store/auditLog';
import type { RequestStore } from '../store/requestStore';

const HOUR_MS = 3600_000;
/** A user agent is the browser's own text: kept, but not without limit. */
const USER_AGENT_LIMIT = 512;

export type LinkCheck = 'valid' | 'expired' | 'invalid';

export interface CsvLinksOptions {
  /** where admins' browsers reach the bot (PUBLIC_URL) */
  publicUrl: string;
  /** CSV_LINK_TTL_HOURS */
  ttlHours: number;
  /**
   * Take the client's address from the last X-Forwarded-For entry: true only behind App Service's
   * front end, which appends the address it received the connection from.
   */
  trustForwardedFor?: boolean;
  now?: () => number;
}

/**
 * Download links for the CSV of a multi-target job's outcomes. Teams cannot attach a file to a channel
 * message from a bot, so the summary card links here. A link is signed with a key shared by every
 * instance and expires after CSV_LINK_TTL_HOURS: it cannot be guessed or altered to reach another
 * request. It is a bearer link (whoever holds it can download), so every download is audited.
 */
export class CsvLinks {
  private readonly publicUrl: string;
  private readonly ttlMs: number;
  private readonly now: () => number;

  /** `key` signs the links: the same on every instance (see src/store/sharedKey.ts). */
  constructor(
    private readonly key: Buffer,
    private readonly o: CsvLinksOptions,
  ) {
    this.publicUrl = o.publicUrl.replace(/\/+$/, '');
    this.ttlMs = o.ttlHours * HOUR_MS;
    this.now = o.now ?? Date.now;
  }

  linkFor(requestId: string): CsvLink {
    const expires = this.now() + this.ttlMs;
    return {
      url: `${this.publicUrl}/exports/${requestId}.csv?expires=${expires}&sig=${this.sign(requestId, expires)}`,
      expiresAt: new Date(expires).toISOString(),
    };
  }

  /** `expired` only for a link this bot signed: a forged one is `invalid`, whatever its expiry. */
  check(requestId: string, expires: string | undefined, sig: string | undefined): LinkCheck {
    const exp = Number(expires);
    if (!isGuid(requestId) || !/^\d{1,15}$/.test(expires ?? '') || typeof sig !== 'string') return 'invalid';
    const expected = Buffer.from(this.sign(requestId, exp));
    const given = Buffer.from(sig);
    if (expected.length !== given.length || !timingSafeEqual(expected, given)) return 'invalid';
    return exp < this.now() ? 'expired' : 'valid';
  }

  /**
   * GET /exports/{requestId}.csv?expires=…&sig=…. A download of a genuine link, served or refused as
   * expired, is appended to the audit log (`downloaded`) before anything is sent; when the log cannot
   * take it, nothing is served. Forged links change nothing.
   */
  route(store: RequestStore, audit: AuditSink): (server: Server) => void {
    return (server) => {
      server.get('/exports/:file', async (req, res) => {
        const match = /^([0-9a-f-]{36})\.csv$/.exec(String(req.params.file));
        const query = new URL(req.url ?? '', 'http://x').searchParams;
        const verdict = match
          ? this.check(match[1], query.get('expires') ?? undefined, query.get('sig') ?? undefined)
          : 'invalid';
        if (verdict === 'invalid' || !match) {
          res.send(403, { error: 'this link is not valid or has expired' });
          return;
        }
        const requestId = match[1];
        const request = verdict === 'valid' ? await store.get(requestId) : undefined;
        if (verdict === 'valid' && !request) {
          res.send(404, { error: 'no such request' });
          return;
        }
        const httpRequestId = req.getId();
        try {
          await audit.append({
            event: 'downloaded',
            tenantId: request?.tenantId,
            requestId,
            // a bearer link: the bot cannot know who holds it, only where the download came from
            actor: {},
            outcome: verdict === 'valid' ? 'served' : 'expired',
            client: {
              ip: clientAddress(req, this.o.trustForwardedFor ?? false),
              userAgent: req.headers['user-agent']?.slice(0, USER_AGENT_LIMIT),
              httpRequestId,
            },
          });
        } catch {
          res.send(503, { error: 'downloads cannot be audited right now; try again in a minute' });
          return;
        }
        if (!request) {
          res.send(403, { error: 'this link is not valid or has expired' });
          return;
        }
        res.writeHead(200, {
          'Content-Type': 'text/csv; charset=utf-8',
          'Content-Disposition': `attachment; filename="signout-${requestId}.csv"`,
          'Cache-Control': 'no-store',
          'X-Request-Id': httpRequestId,
        });
        res.end(outcomesToCsv(request));
      });
    };
  }

  private sign(requestId: string, expires: number): string {
    return createHmac('sha256', this.key).update(`${requestId}.${expires}`).digest('base64url');
  }
}

function clientAddress(req: Request, trustForwardedFor: boolean): string {
  const socket = req.socket?.remoteAddress ?? '';
  const forwarded = req.headers['x-forwarded-for'];
  return addressOfClient(socket, trustForwardedFor ? forwarded : undefined);
}

/**
 * The address a download came from: the TCP peer, or, behind App Service (whose front end is then the
 * peer), the last X-Forwarded-For entry, which that front end appended. Earlier entries are whatever
 * the client sent and are ignored. App Service writes the entry as `ip:port` (`[ipv6]:port`).
 */
export function addressOfClient(socketAddress: string, forwardedFor?: string | string[]): string {
  const header = Array.isArray(forwardedFor) ? forwardedFor.join(',') : forwardedFor;
  const last = header?.split(',').at(-1)?.trim();
  const candidate = last ? withoutPort(last) : undefined;
  return candidate && isIP(candidate) ? candidate : unmapped(socketAddress);
}

function withoutPort(entry: string): string {
  const bracketed = /^\[([^\]]+)\](?::\d+)?$/.exec(entry);
  if (bracketed) return bracketed[1];
  const v4 = /^(\d{1,3}(?:\.\d{1,3}){3})(?::\d+)?$/.exec(entry);
  return v4 ? v4[1] : entry;
}

/** `::ffff:203.0.113.5` (an IPv4 peer on a dual-stack socket) as `203.0.113.5`. */
function unmapped(address: string): string {
  return address.startsWith('::ffff:') && isIP(address.slice(7)) === 4 ? address.slice(7) : address;
}
