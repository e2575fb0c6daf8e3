import { randomBytes } from 'node:crypto';
import * as fs from 'node:fs';
import { compressLimits, limitsForTenantSize } from '../src/graph/throttleLimits';
import { EntraStandIn } from '../test/support/entraStandIn';
import { GraphStandIn } from '../test/support/graphStandIn';
import { largeTenant } from '../test/support/tenantFixture';
import type { ServerCommand, ServerConfig, ServerReady, ServerStats } from './protocol';

/**
 * The benchmark's Microsoft Graph and Entra ID, in their own process (forked by bench/bulk.ts with the
 * config as argv[2]), so the measuring process's RSS and CPU are the bot's side only. Answers commands
 * over IPC and exits when its parent goes away.
 */

const CLIENT_ID = '7c2d4e6f-1a3b-4c5d-8e9f-0a1b2c3d4e5f';

async function main(): Promise<void> {
  if (!process.send) throw new Error('bench/graphServer must be forked with an IPC channel');
  const config = JSON.parse(process.argv[2] ?? '') as ServerConfig;
  const tls = {
    cert: fs.readFileSync(config.certPath, 'utf8'),
    key: fs.readFileSync(config.keyPath, 'utf8'),
  };
  const tenant = largeTenant(config.tenantUsers);
  const uncompressedLimits = limitsForTenantSize(config.tenantUsers);
  const limits = compressLimits(uncompressedLimits, config.factor);
  const clientSecret = `Bench~${randomBytes(24).toString('base64url')}`;

  const entra = new EntraStandIn({ tls, tenantId: tenant.tenantId, clients: { [CLIENT_ID]: clientSecret } });
  const authorityHost = await entra.start();
  const graph = new GraphStandIn({
    tenant,
    tls,
    isValidToken: (t) => entra.isValidToken(t),
    // the stand-in adds jitter in [0, jitterMs): shift the base so the spread is centred on latencyMs
    latencyMs: Math.max(0, config.latencyMs - config.jitterMs),
    jitterMs: 2 * config.jitterMs,
    batchLatencyMs: config.batchLatencyMs,
    limits,
  });
  const graphUrl = await graph.start();
  const userIds = tenant.users.slice(1).map((u) => u.id);

  const stop = async () => {
    await Promise.allSettled([graph.stop(), entra.stop()]);
    process.exit(0);
  };
  process.on('disconnect', () => void stop());

  process.on('message', (m: ServerCommand & { seq: number }) => {
    const reply = (result: unknown) => process.send!({ seq: m.seq, result });
    try {
      switch (m.cmd) {
        case 'reset':
          graph.reset();
          return reply(null);
        case 'stats': {
          let revokedUsers = 0;
          let revokeCalls = 0;
          for (let i = m.from; i < m.to; i++) {
            const n = graph.revokeCount(userIds[i]);
            revokeCalls += n;
            if (n > 0) revokedUsers++;
          }
          let batches = 0;
          let batchItems = 0;
          let singleRequests = 0;
          for (const r of graph.requests) {
            if (r.inBatch) batchItems++;
            else if (r.path.toLowerCase() === '/$batch') batches++;
            else singleRequests++;
          }
          const stats: ServerStats = {
            throttled: graph.throttledCount(),
            revokedUsers,
            revokeCalls,
            batches,
            batchItems,
            singleRequests,
          };
          return reply(stats);
        }
        case 'stop':
          reply(null);
          return void stop();
      }
    } catch (err) {
      process.send!({ seq: m.seq, error: String(err) });
    }
  });

  const ready: ServerReady = {
    type: 'ready',
    graphBaseUrl: new URL(graphUrl).origin,
    authorityHost,
    tenantId: tenant.tenantId,
    clientId: CLIENT_ID,
    clientSecret,
    userIds,
    limits,
    uncompressedLimits,
  };
  process.send(ready);
}

main().catch((err: unknown) => {
  console.error('bench/graphServer failed:', err);
  process.exit(1);
});
