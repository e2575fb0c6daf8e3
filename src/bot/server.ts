import restify from 'restify';
import type { TeamsAdapter, Application, TurnState } from '@microsoft/teams-ai';
import { checkInboundActivity } from './inboundActivity';
import type { Logger } from '../log';

/** Teams' activities are a few KiB; a card's invoke carries its data. */
export const MAX_BODY_BYTES = 256 * 1024;

export interface RunningServer {
  url: string;
  /** Stops accepting, waits for turns in flight, then runs `flush`. */
  close(flush: () => Promise<void>): Promise<void>;
}

export interface ServerOptions {
  port: number;
  /** default: every interface */
  host?: string;
  /** why the store refuses writes, if it does: /healthz then answers 503 */
  storeProblem?: () => string | undefined;
}

/**
 * restify: POST /api/messages into the bot, GET /healthz for probes. Nothing parses bodies for every
 * route: /api/messages reads JSON only, up to MAX_BODY_BYTES, in memory, and checks the activity's shape
 * before botbuilder sees it (restify's bodyParser also took multipart uploads into the temp folder, before
 * any token check).
 */
export async function startServer(
  where: ServerOptions,
  adapter: TeamsAdapter,
  app: Application<TurnState>,
  log: Logger,
  extraRoutes: ((server: restify.Server) => void)[] = [],
): Promise<RunningServer> {
  const server = restify.createServer({ name: 'signout-bot' });
  for (const add of extraRoutes) add(server);
  const turns = new Set<Promise<void>>();
  let closing = false;
  const bodyReader = restify.plugins.bodyReader({ maxBodySize: MAX_BODY_BYTES });
  const readBody = (req: restify.Request, res: restify.Response) =>
    new Promise<unknown>((resolve) => bodyReader(req, res, (err?: unknown) => resolve(err)));

  server.post('/api/messages', async (req, res) => {
    if (closing) {
      res.send(503, { error: 'shutting down' });
      return;
    }
    const encoding = req.header('content-encoding', 'identity').trim().toLowerCase();
    if (req.contentType() !== 'application/json' || encoding !== 'identity') {
      res.send(415, { error: 'send the activity as application/json' });
      return;
    }
    if (req.getContentLength() > MAX_BODY_BYTES) {
      res.send(413, { error: `the body is larger than ${MAX_BODY_BYTES} bytes` });
      return;
    }
    const readError = await readBody(req, res);
    if (readError) {
      const tooLarge = (readError as { statusCode?: number }).statusCode === 413;
      res.send(tooLarge ? 413 : 400, {
        error: tooLarge ? `the body is larger than ${MAX_BODY_BYTES} bytes` : 'the body could not be read',
      });
      return;
    }
    const checked = checkInboundActivity(typeof req.body === 'string' ? req.body : '');
    if (!checked.ok) {
      log.warn({ status: checked.status, problem: checked.problem }, 'inbound activity refused');
      res.send(checked.status, { error: checked.error });
      return;
    }
    req.body = checked.activity;
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
    const problem = where.storeProblem?.();
    if (closing) res.send(503, { status: 'stopping' });
    else if (problem) res.send(503, { status: 'store unavailable', problem });
    else res.send(200, { status: 'ok' });
  });

  await new Promise<void>((resolve) =>
    where.host ? server.listen(where.port, where.host, resolve) : server.listen(where.port, resolve),
  );
  const address = server.address();
  const url = `http://127.0.0.1:${address.port}`;
  log.info({ url, address: address.address }, 'listening');

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
