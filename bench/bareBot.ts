import { ActivityTypes } from 'botbuilder';
import { Application, TeamsAdapter, type TurnState } from '@microsoft/teams-ai';
import restify from 'restify';

/**
 * The baseline of `bench/load.ts`: a bare teams-ai Application on restify 11 that only replies "ok" to
 * every message, with no token check (no app id), as the bot runs in local mode. Its answer time and
 * memory are what the same stack costs without the bot's work.
 *
 *   node dist/bench/bareBot.js <port>     (prints "listening <url>" when ready)
 */
async function main(): Promise<void> {
  const port = Number(process.argv[2] ?? 0);
  const adapter = new TeamsAdapter({});
  const app = new Application<TurnState>({ adapter });
  app.activity(ActivityTypes.Message, async (context) => {
    await context.sendActivity('ok');
  });
  const server = restify.createServer({ name: 'bare-bot' });
  server.use(restify.plugins.bodyParser({ maxBodySize: 256 * 1024 }));
  server.post('/api/messages', async (req, res) => {
    await adapter.process(req, res, async (context) => {
      await app.run(context);
    });
  });
  await new Promise<void>((resolve) => server.listen(port, '127.0.0.1', resolve));
  console.log(`listening http://127.0.0.1:${server.address().port}`);
  process.on('SIGTERM', () => server.close(() => process.exit(0)));
}

main().catch((err: unknown) => {
  console.error(err);
  process.exit(1);
});
