import os from 'node:os';
import { TeamsAdapter } from '@microsoft/teams-ai';
import { createBot } from './bot/app';
import { Authorizer } from './bot/authorizer';
import { ConversationPoster } from './bot/conversationPoster';
import { CsvLinks } from './bot/csvLinks';
import { HistoryService } from './bot/historyService';
import { JobRunner } from './bot/jobRunner';
import { SecurityNotifier } from './bot/notifier';
import { RequestAssessor } from './bot/requestAssessor';
import { SignoutService } from './bot/signoutService';
import { ConfigError, loadConfig, type Config } from './config';
import { createCredential, GraphApi } from './graph/client';
import { Directory } from './graph/directory';
import { TargetResolver } from './graph/targets';
import { limitsForTenantSize } from './graph/throttleLimits';
import { createLogger } from './log';
import { startServer } from './server';
import { createStores } from './store/createStores';

/** Composition root: config → credential and clients → store → app → server. */
async function main(): Promise<void> {
  let config: Config;
  try {
    config = loadConfig();
  } catch (err) {
    if (err instanceof ConfigError) {
      process.stderr.write(`Sign-out Bot cannot start:\n${err.problems.map((p) => `  - ${p}`).join('\n')}\n`);
      process.exit(2);
    }
    throw err;
  }
  const log = createLogger(config.logLevel);
  const botAppId = config.bot.appId ?? '';
  if (!botAppId) log.warn('BOT_ID is not set: local mode, inbound requests are not authenticated');
  if (!config.securityChannelId)
    log.warn('SECURITY_CHANNEL_ID is not set: no security channel notifications');
  if (!config.adminGroupId && config.adminUserIds.length === 0) {
    log.warn('neither ADMIN_GROUP_ID nor ADMIN_USER_IDS is set: nobody is authorized');
  }

  const adapter = new TeamsAdapter({
    MicrosoftAppId: botAppId,
    MicrosoftAppPassword: config.bot.password,
    MicrosoftAppType: config.bot.type,
    MicrosoftAppTenantId: config.bot.tenantId,
  });
  const credential = createCredential(config);
  const graph = new GraphApi(credential, config.graphBaseUrl);
  const batchGraph = new GraphApi(credential, config.graphBaseUrl, { maxRetries: 0 });
  const directory = new Directory(graph);
  const { storage, store, audit, csvLinkKey, deliveries } = await createStores(config, (err) =>
    log.warn({ err: (err as Error).message }, 'delivery ledger unavailable; handling the message'),
  );
  const notifier = new SecurityNotifier(adapter, botAppId, config.securityChannelId, config.tenantId, log);
  const policy = { adminUserIds: config.adminUserIds, adminGroupId: config.adminGroupId };
  const authorizer = new Authorizer(policy, directory, log);
  const approvers = new Authorizer(
    {
      adminUserIds: config.approverGroupId === config.adminGroupId ? config.adminUserIds : [],
      adminGroupId: config.approverGroupId,
    },
    directory,
    log,
  );
  const csvLinks = new CsvLinks(csvLinkKey, config.publicUrl);
  const poster = new ConversationPoster(adapter, botAppId, log);
  const jobs: JobRunner = new JobRunner({
    store,
    graph,
    batchGraph,
    directory,
    // the write budget binds in every tier; the smallest tier is the safe assumption
    limits: limitsForTenantSize(0),
    log,
    onProgress: (req): Promise<void> => service.progress(req),
    onFinished: (req, again): Promise<void> => service.finished(req, again),
    instance: process.env.WEBSITE_INSTANCE_ID || os.hostname(),
  });
  const service: SignoutService = new SignoutService({
    botAppId,
    tenantId: config.tenantId,
    ttlMinutes: config.confirmationTtlMinutes,
    store,
    audit,
    notifier,
    poster,
    jobs,
    log,
    csvUrl: (id) => csvLinks.urlFor(id),
  });
  const app = createBot({
    adapter,
    botAppId,
    tenantId: config.tenantId,
    policy,
    authorizer,
    approvers,
    graph,
    directory,
    resolver: new TargetResolver(graph, directory),
    assessor: new RequestAssessor(
      graph,
      {
        approvalPolicy: config.approvalPolicy,
        bulkThreshold: config.bulkApprovalThreshold,
        protectedUserIds: config.protectedUserIds,
      },
      log,
    ),
    service,
    history: new HistoryService(audit),
    audit,
    deliveries,
    notifier,
    log,
  });
  const server = await startServer(config.port, adapter, app, log, [csvLinks.route(store)]);

  // Signals are handled before the first sweep, which may resume jobs: a stop during it is graceful too.
  let sweep: NodeJS.Timeout | undefined = undefined;
  let stopping = false;
  const stop = async (signal: string) => {
    if (stopping) return;
    stopping = true;
    log.info({ signal }, 'shutting down');
    clearInterval(sweep);
    await server.close(async () => {
      await jobs.pause();
      await storage.flush();
      await audit.flush();
    });
    log.info('stopped');
    process.exit(0);
  };
  process.on('SIGTERM', () => void stop('SIGTERM'));
  process.on('SIGINT', () => void stop('SIGINT'));

  await service.sweep();
  if (stopping) return;
  sweep = setInterval(() => {
    void service.sweep().catch((err) => log.error({ err: err.message }, 'sweep failed'));
    void deliveries.sweep().catch((err) => log.warn({ err: err.message }, 'delivery ledger sweep failed'));
  }, config.sweepSeconds * 1000);
  sweep.unref();
}

main().catch((err) => {
  process.stderr.write(`Sign-out Bot failed to start: ${(err as Error).message}\n`);
  process.exit(1);
});
