import { randomUUID } from 'node:crypto';
import { AlertIntake } from './alerts/alertIntake';
import { AlertTokenValidator } from './alerts/alertToken';
import { createAdapter } from './bot/adapter';
import { alertsRoute } from './bot/alertsRoute';
import { createBot } from './bot/app';
import { ConversationPoster } from './bot/conversationPoster';
import { CsvLinks } from './bot/csvLinks';
import { Guard } from './bot/guard';
import { SecurityNotifier } from './bot/notifier';
import { startServer } from './bot/server';
import { teamsPort } from './bot/teamsPort';
import { ConfigError, loadConfig, type Config } from './config';
import { redactSecrets } from './domain/redact';
import { createCredential, GraphApi } from './graph/client';
import { Directory } from './graph/directory';
import { IdentityProtection } from './graph/riskyUsers';
import { TargetResolver } from './graph/targets';
import { compressLimits, limitsForTenantSize } from './graph/throttleLimits';
import { GraphTokenLifetime } from './graph/tokenLifetime';
import { createLogger } from './log';
import { AlertCards } from './signout/alertCards';
import { AlertClicks } from './signout/alertClicks';
import { AlertOrigin } from './signout/alertOrigin';
import { AlertSubmissions } from './signout/alertSubmissions';
import { Authorizer } from './signout/authorizer';
import { RiskPoller } from './signout/riskPoller';
import { DeferredNotices } from './signout/deferredNotices';
import { FollowUpService } from './signout/followUpService';
import { ForeignActivityRefusals } from './signout/foreignActivity';
import { HistoryService } from './signout/historyService';
import { JobReporter } from './signout/jobReporter';
import { JobRunner } from './signout/jobRunner';
import { LiveCards } from './signout/liveCards';
import { OutcomeFollowUps } from './signout/outcomeFollowUps';
import { Refusals } from './signout/refusals';
import { RequestAssessor } from './signout/requestAssessor';
import { RequestEnds } from './signout/requestEnds';
import { RequestNotices } from './signout/requestNotices';
import { RequestService } from './signout/requestService';
import { SignInCheckRequests } from './signout/signInCheckRequests';
import { SignInChecker } from './signout/signInChecker';
import { ScheduleRunner } from './signout/scheduleRunner';
import { Sweeper } from './signout/sweeper';
import { UserFinder } from './signout/userFinder';
import { startupWarnings } from './startupWarnings';
import { storeEventLogs } from './storeEventLogs';
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
  if (config.localMode) {
    log.warn('LOCAL_MODE=true: inbound requests are not authenticated; listening on 127.0.0.1 only');
  }
  if (!config.securityChannelId)
    log.warn('SECURITY_CHANNEL_ID is not set: no security channel notifications');
  if (!config.adminGroupId && config.adminUserIds.length === 0) {
    log.warn('neither ADMIN_GROUP_ID nor ADMIN_USER_IDS is set: nobody is authorized');
  }
  for (const warning of startupWarnings(config, process.env)) log.warn(warning);

  const { connectorTimeoutMs, shutdownGraceMs, graphMaxPauseMs } = config.waits;
  const adapter = createAdapter(config.bot, log, connectorTimeoutMs);
  const credential = createCredential(config);
  const graph = new GraphApi(credential, config.graphBaseUrl);
  const batchGraph = new GraphApi(credential, config.graphBaseUrl, { maxRetries: 0 });
  const directory = new Directory(graph);
  const startupNotices = new DeferredNotices();
  const { storage, store, alerts, followUps, audit, csvLinkKey, tallies, deliveries, health } =
    await createStores(config, storeEventLogs(log, startupNotices));
  const notifier = new SecurityNotifier(
    adapter,
    botAppId,
    config.securityChannelId,
    config.tenantId,
    log,
    connectorTimeoutMs,
  );
  const poster = new ConversationPoster(adapter, botAppId, log, connectorTimeoutMs);
  const port = teamsPort(poster, notifier);
  const foreign = new ForeignActivityRefusals({ audit, port, log });
  // a claim to post a card older than this is from a process that died or whose post hung
  const liveCards = new LiveCards({ cards: port, claimMs: 2 * connectorTimeoutMs + 5_000, log });
  const notices = new RequestNotices({ store, cards: liveCards });
  const refusals = new Refusals({ audit, tallies, cards: liveCards, log });
  const policy = { adminUserIds: config.adminUserIds, adminGroupId: config.adminGroupId };
  const approvers = new Authorizer(
    {
      adminUserIds: config.approverGroupId === config.adminGroupId ? config.adminUserIds : [],
      adminGroupId: config.approverGroupId,
    },
    directory,
    log,
  );
  const guard = new Guard({
    tenantId: config.tenantId,
    admins: new Authorizer(policy, directory, log),
    approvers,
    refusals,
    foreign,
  });
  const csvLinks = new CsvLinks(csvLinkKey, {
    publicUrl: config.publicUrl,
    ttlHours: config.csvLinkTtlHours,
    // App Service's front end is then the TCP peer, and appends the client's address to this header
    trustForwardedFor: !!process.env.WEBSITE_INSTANCE_ID,
  });
  const csvLink = (id: string) => csvLinks.linkFor(id);
  const now = () => new Date();
  const lifetime = new GraphTokenLifetime(graph, {
    onFailure: (err) =>
      log.warn(
        { err: (err as Error).message, code: (err as { code?: string }).code },
        'token lifetime policy not read: "out everywhere by" assumes 90 minutes',
      ),
  });
  const checker = new SignInChecker({ graph, log, now });
  const followUpService = new FollowUpService({
    followUps,
    store,
    checker,
    port,
    offsets: config.followUpMinutes,
    instance: config.instanceId,
    leaseMs: config.jobLeaseSeconds * 1000,
    log,
    now,
  });
  const signInChecks = new SignInCheckRequests({ store, checker, port, log });
  const jobs = new JobRunner({
    store,
    graph,
    batchGraph,
    directory,
    audit,
    // the write budget binds in every tier; the smallest tier is the safe assumption
    limits: compressLimits(limitsForTenantSize(0), config.graphThrottleCompression),
    graphMaxPauseMs,
    log,
    reports: new OutcomeFollowUps(
      new JobReporter({
        port,
        notices,
        csvLink,
        now,
        scheduleGraceMinutes: config.schedule.graceMinutes,
      }),
      { store, lifetime, followUps: followUpService },
    ),
    instance: config.instanceId,
    leaseMs: config.jobLeaseSeconds * 1000,
    now,
  });
  const ends = new RequestEnds({ store, jobs, log, now });
  const sweeper = new Sweeper({ store, jobs, ends, log, now });
  const schedules = new ScheduleRunner({
    store,
    jobs,
    port,
    log,
    timing: {
      reminderMs: config.schedule.reminderMinutes * 60_000,
      graceMs: config.schedule.graceMinutes * 60_000,
    },
    tickMs: config.schedule.tickSeconds * 1000,
    now,
  });
  const requests = new RequestService({
    tenantId: config.tenantId,
    ttlMinutes: config.confirmationTtlMinutes,
    store,
    audit,
    port,
    jobs,
    ends,
    refusals,
    notices,
    log,
    csvLink,
    now,
  });
  // alert cards (issue 14): risky users from Entra ID Protection, and alerts submitted to /api/alerts
  const identity = new IdentityProtection(graph);
  const assessor = new RequestAssessor(
    graph,
    {
      approvalPolicy: config.approvalPolicy,
      bulkThreshold: config.bulkApprovalThreshold,
      protectedUserIds: config.protectedUserIds,
    },
    log,
  );
  const alertOrigin = new AlertOrigin(alerts, log);
  const alertCards = new AlertCards({ graph, identity, protectedUserIds: config.protectedUserIds, log });
  // claims on posting a card name this process, like claims on jobs
  const me = { instance: config.instanceId, token: randomUUID() };
  const alertClicks = new AlertClicks({
    alerts,
    cards: alertCards,
    identity,
    directory,
    assessor,
    requests,
    refuse: (info, what, why) => guard.refuse(info, what, why),
    audit,
    log,
    tenantId: config.tenantId,
    securityChannelId: config.securityChannelId,
    now,
  });
  const riskPoller =
    config.riskyUsers.pollSeconds > 0 && config.securityChannelId
      ? new RiskPoller({
          identity,
          alerts,
          cards: alertCards,
          origin: alertOrigin,
          port,
          audit,
          log,
          tenantId: config.tenantId,
          minLevel: config.riskyUsers.minLevel,
          pollMs: config.riskyUsers.pollSeconds * 1000,
          retryMs: config.riskyUsers.retrySeconds * 1000,
          leaseMs: config.jobLeaseSeconds * 1000,
          me,
          now,
        })
      : undefined;
  alertOrigin.onFirst(() => riskPoller?.pollSoon());
  const submissions = new AlertSubmissions({
    directory,
    alerts,
    cards: alertCards,
    origin: alertOrigin,
    port,
    audit,
    log,
    tenantId: config.tenantId,
    securityChannelId: config.securityChannelId,
    me,
    now,
  });
  // the bot's own app is the audience; in local mode (no BOT_ID) the app it uses for Graph
  const alertAudience =
    config.bot.appId ?? ('clientId' in config.credential ? config.credential.clientId : undefined);
  const intake = new AlertIntake({
    tokens: alertAudience
      ? new AlertTokenValidator({
          tenantId: config.tenantId,
          appId: alertAudience,
          authorityHost: config.authorityHost,
        })
      : {
          check: async () => ({
            ok: false,
            status: 401,
            reason: 'no BOT_ID or AZURE_CLIENT_ID to check the audience against',
          }),
        },
    submit: (alert, caller) => submissions.submit(alert, caller),
  });
  const app = createBot({
    adapter,
    botAppId,
    tenantId: config.tenantId,
    policy,
    guard,
    users: new UserFinder(directory, log),
    resolver: new TargetResolver(graph, directory),
    assessor,
    alertClicks,
    alertOrigin,
    requests,
    tokenLifetime: () => lifetime.lifetime(),
    now,
    history: new HistoryService(audit),
    signIns: checker,
    lifetime,
    signInChecks,
    audit,
    deliveries,
    storeHealth: health,
    deferredNotices: startupNotices,
    port,
    poster,
    log,
  });
  const server = await startServer(
    { port: config.port, host: config.listenHost, storeProblem: () => health.problem },
    adapter,
    app,
    log,
    [csvLinks.route(store, audit), alertsRoute(intake, log)],
  );

  // Signals are handled before the first sweep, which may resume jobs: a stop during it is graceful too.
  let sweep: NodeJS.Timeout | undefined = undefined;
  let stopping = false;
  const stop = async (signal: string) => {
    if (stopping) return;
    stopping = true;
    log.info({ signal, graceSeconds: shutdownGraceMs / 1000 }, 'shutting down');
    clearInterval(sweep);
    schedules.stop();
    const polled = riskPoller?.stop();
    // Whatever hangs (the Bot Connector, Graph, storage), the process ends within the grace. Jobs stay
    // `running` in the store: the next start, or another instance, resumes them.
    setTimeout(() => {
      log.warn(
        { graceSeconds: shutdownGraceMs / 1000 },
        'stopping before work in flight ended: unfinished jobs resume at the next start',
      );
      process.exit(1);
    }, shutdownGraceMs);
    await server.close(async () => {
      await jobs.pause();
      await polled;
      await foreign
        .flush()
        .catch((err) => log.error({ err: err.message }, 'foreign activity count not written'));
      health.stop();
      await Promise.all([followUpService.settle(), signInChecks.settle()]);
      await Promise.all([notifier.settle(), poster.settle(), liveCards.settle()]);
      await storage.flush();
      await audit.flush();
    });
    log.info('stopped');
    process.exit(0);
  };
  process.on('SIGTERM', () => void stop('SIGTERM'));
  process.on('SIGINT', () => void stop('SIGINT'));

  // a failure here must not end the process: the interval below tries again
  await sweeper.sweep().catch((err) => log.error({ err: err.message }, 'sweep failed'));
  if (stopping) return;
  schedules.start();
  riskPoller?.start();
  sweep = setInterval(() => {
    void sweeper.sweep().catch((err) => log.error({ err: err.message }, 'sweep failed'));
    if (!stopping)
      void followUpService.postDue().catch((err) => log.error({ err: err.message }, 'follow-ups failed'));
    void deliveries.sweep().catch((err) => log.warn({ err: err.message }, 'delivery ledger sweep failed'));
    void foreign
      .sweep()
      .catch((err) => log.error({ err: err.message }, 'foreign activity count not written'));
    void refusals.prune().catch((err) => log.warn({ err: err.message }, 'old refusal tallies not deleted'));
  }, config.sweepSeconds * 1000);
  sweep.unref();
}

main().catch((err) => {
  process.stderr.write(`Sign-out Bot failed to start: ${redactSecrets(String((err as Error).message))}\n`);
  process.exit(1);
});
