import path from 'node:path';
import { TeamsAdapter } from '@microsoft/teams-ai';
import { createBot } from './bot/app';
import { Authorizer } from './bot/authorizer';
import { SecurityNotifier } from './bot/notifier';
import { SignoutService } from './bot/signoutService';
import { ConfigError, loadConfig, type Config } from './config';
import { createCredential, GraphApi } from './graph/client';
import { Directory } from './graph/directory';
import { createLogger } from './log';
import { startServer } from './server';
import { AuditLog } from './store/auditLog';
import { FileStorage } from './store/fileStorage';
import { RequestStore } from './store/requestStore';

const EXPIRY_SWEEP_MS = 30_000;

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
  const graph = new GraphApi(createCredential(config), config.graphBaseUrl);
  const directory = new Directory(graph);
  const storage = await new FileStorage(path.join(config.dataDir, 'requests')).init();
  const store = await new RequestStore(storage).init();
  const audit = await new AuditLog(path.join(config.dataDir, 'audit.jsonl')).init();
  const notifier = new SecurityNotifier(adapter, botAppId, config.securityChannelId, config.tenantId, log);
  const policy = { adminUserIds: config.adminUserIds, adminGroupId: config.adminGroupId };
  const authorizer = new Authorizer(policy, directory, log);
  const service = new SignoutService({
    adapter,
    botAppId,
    tenantId: config.tenantId,
    ttlMinutes: config.confirmationTtlMinutes,
    store,
    audit,
    graph,
    directory,
    notifier,
    log,
  });
  const app = createBot({
    adapter,
    botAppId,
    tenantId: config.tenantId,
    policy,
    authorizer,
    directory,
    service,
    audit,
    notifier,
    log,
  });
  const server = await startServer(config.port, adapter, app, log);

  await service.resume();
  const sweep = setInterval(
    () => void service.expireDue().catch((err) => log.error({ err: err.message }, 'expiry sweep failed')),
    EXPIRY_SWEEP_MS,
  );
  sweep.unref();

  let stopping = false;
  const stop = async (signal: string) => {
    if (stopping) return;
    stopping = true;
    log.info({ signal }, 'shutting down');
    clearInterval(sweep);
    await server.close(async () => {
      await service.drain();
      await storage.flush();
      await audit.flush();
    });
    log.info('stopped');
    process.exit(0);
  };
  process.on('SIGTERM', () => void stop('SIGTERM'));
  process.on('SIGINT', () => void stop('SIGINT'));
}

main().catch((err) => {
  process.stderr.write(`Sign-out Bot failed to start: ${(err as Error).message}\n`);
  process.exit(1);
});
