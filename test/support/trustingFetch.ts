import * as https from 'node:https';

/**
 * A fetch that trusts `ca` (and nothing else), for unit tests that run the real Graph SDK against an
 * https stand-in: jest cannot set NODE_EXTRA_CA_CERTS for itself. Swap it into globalThis.fetch.
 */
export function trustingFetch(ca: string): typeof fetch {
  return (async (input: Parameters<typeof fetch>[0], init?: Parameters<typeof fetch>[1]) => {
    const url = typeof input === 'string' ? input : input instanceof URL ? input.href : input.url;
    const headers = Object.fromEntries(new Headers(init?.headers));
    return new Promise<Response>((resolve, reject) => {
      const req = https.request(
        url,
        { method: init?.method ?? 'GET', ca, headers, signal: init?.signal ?? undefined },
        (res) => {
          const chunks: Buffer[] = [];
          res.on('data', (c: Buffer) => chunks.push(c));
          res.on('error', reject);
          res.on('end', () => {
            const h = new Headers();
            for (const [k, v] of Object.entries(res.headers)) {
              if (v !== undefined) h.set(k, Array.isArray(v) ? v.join(', ') : v);
            }
            const status = res.statusCode ?? 500;
            const body = status === 204 || status === 304 ? null : new Uint8Array(Buffer.concat(chunks));
            resolve(new Response(body, { status, statusText: res.statusMessage, headers: h }));
          });
        },
      );
      req.on('error', reject);
      req.end(typeof init?.body === 'string' ? init.body : undefined);
    });
  }) as typeof fetch;
}
