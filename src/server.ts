import restify from 'restify';
import type { TeamsAdapter, Application, TurnState } from '@microsoft/teams-ai';
import type { Logger } from './log';

export interface RunningServer {
  url: string;
  /** Stops accepting, waits for turns in flight, then runs `flush`. */
  close(flush: () => Promise<void>): Promise<void>;
}

/** restify: POST /api/messages into the bot, GET /healthz for probes. */
export async function startServer(
  port: number,
  adapter: TeamsAdapter,
  app: Application<TurnState>,
  log: Logger,
  extraRoutes: ((server: restify.Server) => void)[] = [],
): Promise<RunningServer> {
  const server = restify.createServer({ name: 'signout-bot' });
  server.use(restify.plugins.bodyParser({ maxBodySize: 256 * 1024 }));
  for (const add of extraRoutes) add(server);
  const turns = new Set<Promise<void>>();
  let closing = false;

  server.post('/api/messages', async (req, res) => {
    if (closing) {
      res.send(503, { error: 'shutting down' });
      return;
    }
    const turn = adapter.process(req, res, async (context) => {
      await app.run(context);
    });
    turns.add(turn);
    try {
      await turn;
    } finally {
      turns.delete(turn);
    }
  });
  server.get('/healthz', async (_req, res) => {
    res.send(closing ? 503 : 200, { status: closing ? 'stopping' : 'ok' });
  });

  await new Promise<void>((resolve) => server.listen(port, resolve));
  const address = server.address();
  const url = `http://127.0.0.1:${address.port}`;
  log.info({ url }, 'listening');

  return {
    url,
    async close(flush) {
      closing = true;
      const stopped = new Promise<void>((resolve) => server.close(() => resolve()));
      await Promise.allSettled([...turns]);
      await flush();
      server.server.closeAllConnections?.();
      await stopped;
    },
  };
}
