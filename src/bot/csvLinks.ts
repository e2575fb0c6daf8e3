import { createHmac, timingSafeEqual } from 'node:crypto';
import type { Server } from 'restify';
import { outcomesToCsv } from '../core/outcomesCsv';
import type { RequestStore } from '../store/requestStore';

const LINK_LIFETIME_MS = 7 * 24 * 3600_000;
const REQUEST_ID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;

/**
 * Download links for the CSV of a bulk job's outcomes. Teams cannot attach a file to a channel
 * message from a bot, so the summary card links here. A link is signed with a key shared by every
 * instance and expires after a week: it cannot be guessed or altered to reach another request.
 */
export class CsvLinks {
  private readonly publicUrl: string;

  /** `key` signs the links: the same on every instance (see src/store/sharedKey.ts). */
  constructor(
    private readonly key: Buffer,
    publicUrl: string,
    private readonly now: () => number = Date.now,
  ) {
    this.publicUrl = publicUrl.replace(/\/+$/, '');
  }

  urlFor(requestId: string): string {
    const expires = this.now() + LINK_LIFETIME_MS;
    return `${this.publicUrl}/exports/${requestId}.csv?expires=${expires}&sig=${this.sign(requestId, expires)}`;
  }

  verify(requestId: string, expires: string | undefined, sig: string | undefined): boolean {
    const exp = Number(expires);
    if (!REQUEST_ID.test(requestId) || !Number.isFinite(exp) || exp < this.now() || typeof sig !== 'string')
      return false;
    const expected = Buffer.from(this.sign(requestId, exp));
    const given = Buffer.from(sig);
    return expected.length === given.length && timingSafeEqual(expected, given);
  }

  /** GET /exports/{requestId}.csv?expires=…&sig=… */
  route(store: RequestStore): (server: Server) => void {
    return (server) => {
      server.get('/exports/:file', async (req, res) => {
        const match = /^([0-9a-f-]{36})\.csv$/.exec(String(req.params.file));
        const query = new URL(req.url ?? '', 'http://x').searchParams;
        if (
          !match ||
          !this.verify(match[1], query.get('expires') ?? undefined, query.get('sig') ?? undefined)
        ) {
          res.send(403, { error: 'this link is not valid or has expired' });
          return;
        }
        const request = await store.get(match[1]);
        if (!request) {
          res.send(404, { error: 'no such request' });
          return;
        }
        const body = outcomesToCsv(request);
        res.writeHead(200, {
          'Content-Type': 'text/csv; charset=utf-8',
          'Content-Disposition': `attachment; filename="signout-${match[1]}.csv"`,
          'Cache-Control': 'no-store',
        });
        res.end(body);
      });
    };
  }

  private sign(requestId: string, expires: number): string {
    return createHmac('sha256', this.key).update(`${requestId}.${expires}`).digest('base64url');
  }
}
