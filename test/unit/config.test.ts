import os from 'node:os';
import { ConfigError, loadConfig as loadFrom } from '../../src/config';

const TENANT = '11111111-2222-4333-8444-555555555555';
const CLIENT = '66666666-7777-4888-8999-000000000000';

/** Most tests are about other settings: they run in local mode unless they set BOT_ID or LOCAL_MODE. */
const loadConfig = (env: Record<string, string>) =>
  loadFrom(env.BOT_ID || 'LOCAL_MODE' in env ? env : { LOCAL_MODE: 'true', ...env });

function problemsOf(env: Record<string, string>, load = loadConfig): string[] {
  try {
    load(env);
  } catch (err) {
    if (err instanceof ConfigError) return err.problems;
    throw err;
  }
  return [];
}

describe('loadConfig', () => {
  it('applies the defaults of the contract', () => {
    const c = loadConfig({ AZURE_TENANT_ID: TENANT });
    expect(c).toMatchObject({
      port: 3978,
      tenantId: TENANT,
      graphBaseUrl: 'https://graph.microsoft.com',
      dataDir: './data',
      confirmationTtlMinutes: 15,
      deliveryClaimSeconds: 30,
      sweepSeconds: 30,
      jobLeaseSeconds: 60,
      adminUserIds: [],
      credential: { kind: 'managedIdentity' },
      disableInstanceDiscovery: false,
    });
    expect(c.bot.appId).toBeUndefined();
    expect(c.securityChannelId).toBeUndefined();
  });

  it('reports a missing tenant, a bad GUID and an http Graph URL, one line each', () => {
    const problems = problemsOf({
      ADMIN_GROUP_ID: 'not-a-guid',
      GRAPH_BASE_URL: 'http://graph.example.com',
    });
    expect(problems).toEqual(
      expect.arrayContaining([
        'AZURE_TENANT_ID is required',
        'ADMIN_GROUP_ID must be a GUID',
        'GRAPH_BASE_URL must use https (http is allowed only for localhost)',
      ]),
    );
    expect(problems).toHaveLength(3);
  });

  it('allows http only for localhost', () => {
    expect(
      loadConfig({ AZURE_TENANT_ID: TENANT, GRAPH_BASE_URL: 'http://localhost:8080/' }).graphBaseUrl,
    ).toBe('http://localhost:8080');
  });

  it('chooses the credential from @azure/identity variables', () => {
    expect(
      loadConfig({ AZURE_TENANT_ID: TENANT, AZURE_CLIENT_ID: CLIENT, AZURE_CLIENT_SECRET: 's3cret' })
        .credential,
    ).toMatchObject({ kind: 'secret', clientId: CLIENT, tenantId: TENANT });
    expect(
      loadConfig({
        AZURE_TENANT_ID: TENANT,
        AZURE_CLIENT_ID: CLIENT,
        AZURE_CLIENT_CERTIFICATE_PATH: '/c.pem',
      }).credential,
    ).toMatchObject({ kind: 'certificate', certificatePath: '/c.pem' });
    expect(problemsOf({ AZURE_TENANT_ID: TENANT, AZURE_CLIENT_SECRET: 's' })).toEqual([
      'AZURE_CLIENT_ID is required with a client secret or certificate',
    ]);
  });

  it('disables instance discovery only for authorities that are not Microsoft hosts', () => {
    const at = (host: string) =>
      loadConfig({ AZURE_TENANT_ID: TENANT, AZURE_AUTHORITY_HOST: host }).disableInstanceDiscovery;
    expect(at('https://login.microsoftonline.us')).toBe(false);
    expect(at('https://localhost:4443')).toBe(true);
  });

  it('parses admin lists, trims and lower-cases ids, and rejects bad entries', () => {
    const c = loadConfig({
      AZURE_TENANT_ID: TENANT,
      ADMIN_USER_IDS: ` ${CLIENT.toUpperCase()} , ${TENANT},`,
    });
    expect(c.adminUserIds).toEqual([CLIENT, TENANT]);
    expect(problemsOf({ AZURE_TENANT_ID: TENANT, ADMIN_USER_IDS: `${CLIENT},bob` })).toEqual([
      'ADMIN_USER_IDS must be a GUID',
    ]);
  });

  it('validates numbers, the security channel and the bot identity', () => {
    expect(
      problemsOf({
        AZURE_TENANT_ID: TENANT,
        PORT: 'eighty',
        CONFIRMATION_TTL_MINUTES: '0',
        DELIVERY_CLAIM_SECONDS: '601',
        SWEEP_SECONDS: '1.5',
        JOB_LEASE_SECONDS: '0',
        INSTANCE_ID: 'web 1',
        SECURITY_CHANNEL_ID: 'general',
        BOT_ID: CLIENT,
        BOT_TYPE: 'SingleTenant',
      }),
    ).toEqual(
      expect.arrayContaining([
        'PORT must be a number',
        'CONFIRMATION_TTL_MINUTES must be at least 1',
        'DELIVERY_CLAIM_SECONDS must be at most 600',
        'SWEEP_SECONDS must be a whole number',
        'JOB_LEASE_SECONDS must be at least 1',
        'INSTANCE_ID must be 1-200 letters, digits and . _ : -',
        'SECURITY_CHANNEL_ID must look like 19:…@thread.tacv2',
        'BOT_PASSWORD is required when BOT_ID is set',
        'BOT_TENANT_ID is required for a SingleTenant bot',
      ]),
    );
  });

  it("names this process in job claims: INSTANCE_ID, else App Service's instance, else host and process id", () => {
    expect(loadConfig({ AZURE_TENANT_ID: TENANT }).instanceId).toBe(`${os.hostname()}:${process.pid}`);
    expect(loadConfig({ AZURE_TENANT_ID: TENANT, INSTANCE_ID: ' web-1 ' }).instanceId).toBe('web-1');
    const appService = {
      AZURE_TENANT_ID: TENANT,
      BOT_ID: CLIENT,
      BOT_PASSWORD: 'p',
      WEBSITE_INSTANCE_ID: 'f00d',
    };
    expect(loadFrom(appService).instanceId).toBe('f00d');
    expect(loadFrom({ ...appService, INSTANCE_ID: 'pinned' }).instanceId).toBe('pinned');
  });

  it('reads APPROVAL_POLICY as one of the four policies, privileged and 10 users by default', () => {
    expect(loadConfig({ AZURE_TENANT_ID: TENANT })).toMatchObject({
      approvalPolicy: 'privileged',
      bulkApprovalThreshold: 10,
    });
    for (const policy of ['none', 'privileged', 'bulk', 'always'])
      expect(loadConfig({ AZURE_TENANT_ID: TENANT, APPROVAL_POLICY: policy }).approvalPolicy).toBe(policy);
    for (const policy of ['Always', 'two-person'])
      expect(problemsOf({ AZURE_TENANT_ID: TENANT, APPROVAL_POLICY: policy })).toEqual([
        'APPROVAL_POLICY must be none, privileged, bulk or always',
      ]);
  });

  it('treats empty values as unset, as env files leave them', () => {
    const c = loadConfig({ AZURE_TENANT_ID: TENANT, BOT_ID: '', SECURITY_CHANNEL_ID: '', PORT: '' });
    expect(c.bot.appId).toBeUndefined();
    expect(c.port).toBe(3978);
  });

  describe('BOT_ID or LOCAL_MODE', () => {
    const NEITHER =
      "BOT_ID is not set: set BOT_ID (the bot's Entra app) to serve Teams, or LOCAL_MODE=true to run without inbound authentication on 127.0.0.1 (tests and the playground only)";

    it('refuses to start with neither, in one line naming both', () => {
      expect(problemsOf({ AZURE_TENANT_ID: TENANT }, loadFrom)).toEqual([NEITHER]);
      expect(problemsOf({ AZURE_TENANT_ID: TENANT, BOT_ID: ' ', LOCAL_MODE: 'false' }, loadFrom)).toEqual([
        NEITHER,
      ]);
    });

    it('runs locally on 127.0.0.1 with LOCAL_MODE=true, in any case', () => {
      for (const value of ['true', 'TRUE', ' True ']) {
        const c = loadFrom({ AZURE_TENANT_ID: TENANT, LOCAL_MODE: value });
        expect(c).toMatchObject({ localMode: true, listenHost: '127.0.0.1' });
        expect(c.bot.appId).toBeUndefined();
      }
    });

    it('listens on every interface with BOT_ID, as before', () => {
      const c = loadFrom({ AZURE_TENANT_ID: TENANT, BOT_ID: CLIENT, BOT_PASSWORD: 'p' });
      expect(c).toMatchObject({ localMode: false, listenHost: undefined, bot: { appId: CLIENT } });
      expect(c.bot.testOnly).toBeUndefined();
    });

    it('refuses LOCAL_MODE in production, on App Service, with BOT_ID, or spelled otherwise', () => {
      const local = { AZURE_TENANT_ID: TENANT, LOCAL_MODE: 'true' };
      expect(problemsOf({ ...local, NODE_ENV: 'production' }, loadFrom)).toEqual([
        'LOCAL_MODE=true is refused because NODE_ENV=production: it turns off inbound authentication',
      ]);
      expect(problemsOf({ ...local, WEBSITE_INSTANCE_ID: 'abc123' }, loadFrom)).toEqual([
        'LOCAL_MODE=true is refused because WEBSITE_INSTANCE_ID is set (Azure App Service): it turns off inbound authentication',
      ]);
      expect(problemsOf({ ...local, BOT_ID: CLIENT, BOT_PASSWORD: 'p' }, loadFrom)).toEqual([
        'LOCAL_MODE=true turns off inbound authentication: unset it when BOT_ID is set',
      ]);
      expect(problemsOf({ AZURE_TENANT_ID: TENANT, LOCAL_MODE: 'yes' }, loadFrom)).toEqual([
        'LOCAL_MODE must be true or false',
        NEITHER,
      ]);
    });

    it('accepts LOCAL_MODE=false with BOT_ID', () => {
      expect(
        loadFrom({ AZURE_TENANT_ID: TENANT, LOCAL_MODE: 'false', BOT_ID: CLIENT, BOT_PASSWORD: 'p' })
          .localMode,
      ).toBe(false);
    });
  });

  describe('test-only Bot Framework endpoints', () => {
    const bot = { AZURE_TENANT_ID: TENANT, BOT_ID: CLIENT, BOT_PASSWORD: 'p' };
    const endpoints = {
      TEST_ONLY_CHANNEL_OPENID_METADATA_URL: 'https://localhost:4000/v1/.well-known/openidconfiguration',
      TEST_ONLY_CHANNEL_TOKEN_ISSUER: 'https://localhost:4000/channel-issuer',
      TEST_ONLY_BOT_LOGIN_URL: `https://localhost:4001/${TENANT}`,
    };

    it('are passed on when the bot has an app id', () => {
      expect(loadFrom({ ...bot, ...endpoints }).bot.testOnly).toEqual({
        openIdMetadataUrl: endpoints.TEST_ONLY_CHANNEL_OPENID_METADATA_URL,
        tokenIssuer: endpoints.TEST_ONLY_CHANNEL_TOKEN_ISSUER,
        loginUrl: endpoints.TEST_ONLY_BOT_LOGIN_URL,
      });
    });

    it('are refused in production and on App Service, so a deployment always checks with Microsoft', () => {
      expect(problemsOf({ ...bot, ...endpoints, NODE_ENV: 'production' }, loadFrom)).toEqual([
        expect.stringMatching(
          /^TEST_ONLY_.* are for the integration tests only, and refused because NODE_ENV=production$/,
        ),
      ]);
      expect(problemsOf({ ...bot, ...endpoints, WEBSITE_INSTANCE_ID: 'x' }, loadFrom)).toEqual([
        expect.stringMatching(
          /are for the integration tests only, and refused because WEBSITE_INSTANCE_ID is set/,
        ),
      ]);
    });

    it('need BOT_ID, and the metadata URL and the issuer go together', () => {
      expect(problemsOf({ AZURE_TENANT_ID: TENANT, LOCAL_MODE: 'true', ...endpoints }, loadFrom)).toEqual([
        expect.stringMatching(/need BOT_ID/),
      ]);
      expect(
        problemsOf(
          { ...bot, TEST_ONLY_CHANNEL_OPENID_METADATA_URL: endpoints.TEST_ONLY_CHANNEL_OPENID_METADATA_URL },
          loadFrom,
        ),
      ).toEqual(['set TEST_ONLY_CHANNEL_OPENID_METADATA_URL and TEST_ONLY_CHANNEL_TOKEN_ISSUER together']);
    });
  });

  describe("test-only compression of Graph's throttle windows", () => {
    const local = { AZURE_TENANT_ID: TENANT, LOCAL_MODE: 'true' };

    it("is off unless set, and is passed on in local mode (the benchmarks' stand-in runs ×10)", () => {
      expect(loadFrom(local).graphThrottleCompression).toBe(1);
      expect(
        loadFrom({ ...local, TEST_ONLY_GRAPH_THROTTLE_COMPRESSION: '10' }).graphThrottleCompression,
      ).toBe(10);
    });

    it('is refused in production, where the bot must pace against Graph itself', () => {
      expect(
        problemsOf(
          {
            AZURE_TENANT_ID: TENANT,
            BOT_ID: CLIENT,
            BOT_PASSWORD: 'p',
            NODE_ENV: 'production',
            TEST_ONLY_GRAPH_THROTTLE_COMPRESSION: '10',
          },
          loadFrom,
        ),
      ).toEqual([
        'TEST_ONLY_GRAPH_THROTTLE_COMPRESSION are for the integration tests only, and refused because NODE_ENV=production',
      ]);
      expect(problemsOf({ ...local, TEST_ONLY_GRAPH_THROTTLE_COMPRESSION: '0' }, loadFrom)).toEqual([
        expect.stringMatching(/^TEST_ONLY_GRAPH_THROTTLE_COMPRESSION /),
      ]);
    });
  });

  describe('storage back-end', () => {
    const AZURE =
      'DefaultEndpointsProtocol=https;AccountName=stsignout;AccountKey=c2VjcmV0LWtleQ==;EndpointSuffix=core.windows.net';

    it('defaults to the file back-end, and ignores the blob settings then', () => {
      expect(loadConfig({ AZURE_TENANT_ID: TENANT }).storage).toEqual({ backend: 'file' });
      expect(
        loadConfig({ AZURE_TENANT_ID: TENANT, STORAGE_BACKEND: '', AZURE_STORAGE_CONNECTION_STRING: AZURE })
          .storage,
      ).toEqual({ backend: 'file' });
    });

    it('uses blob with a connection string, and the container name signout-requests by default', () => {
      expect(
        loadConfig({
          AZURE_TENANT_ID: TENANT,
          STORAGE_BACKEND: 'blob',
          AZURE_STORAGE_CONNECTION_STRING: AZURE,
        }).storage,
      ).toEqual({ backend: 'blob', connectionString: AZURE, containerName: 'signout-requests' });
      const sas = 'BlobEndpoint=https://x.blob.core.windows.net/;SharedAccessSignature=sv=2024&sig=abc';
      expect(
        loadConfig({
          AZURE_TENANT_ID: TENANT,
          STORAGE_BACKEND: 'blob',
          AZURE_STORAGE_CONNECTION_STRING: sas,
          AZURE_STORAGE_CONTAINER_NAME: 'it-test',
        }).storage,
      ).toEqual({ backend: 'blob', connectionString: sas, containerName: 'it-test' });
    });

    it('requires the connection string with blob, in one line', () => {
      expect(problemsOf({ AZURE_TENANT_ID: TENANT, STORAGE_BACKEND: 'blob' })).toEqual([
        'AZURE_STORAGE_CONNECTION_STRING is required when STORAGE_BACKEND is blob',
      ]);
      expect(
        problemsOf({
          AZURE_TENANT_ID: TENANT,
          STORAGE_BACKEND: 'blob',
          AZURE_STORAGE_CONNECTION_STRING: ' ',
        }),
      ).toEqual(['AZURE_STORAGE_CONNECTION_STRING is required when STORAGE_BACKEND is blob']);
    });

    it('rejects an unknown back-end and a value that is no connection string, without echoing it', () => {
      const problems = problemsOf({
        AZURE_TENANT_ID: TENANT,
        STORAGE_BACKEND: 'cosmos',
        AZURE_STORAGE_CONNECTION_STRING: 'https://stsignout.blob.core.windows.net/?secret-sig',
      });
      expect(problems).toEqual([
        'STORAGE_BACKEND must be file or blob',
        expect.stringMatching(/^AZURE_STORAGE_CONNECTION_STRING must be an Azure Storage connection string/),
      ]);
      expect(problems.join('\n')).not.toContain('secret-sig');
    });

    it.each(['signout-requests', 'abc', 'a1-b2-c3', 'x'.repeat(63)])(
      'accepts the container name %s',
      (name) => {
        expect(problemsOf({ AZURE_TENANT_ID: TENANT, AZURE_STORAGE_CONTAINER_NAME: name })).toEqual([]);
      },
    );

    it.each(['ab', 'x'.repeat(64), 'Signout', 'sign_out', '-signout', 'signout-', 'sign--out', 'sign out'])(
      'rejects the container name %s',
      (name) => {
        expect(problemsOf({ AZURE_TENANT_ID: TENANT, AZURE_STORAGE_CONTAINER_NAME: name })).toEqual([
          'AZURE_STORAGE_CONTAINER_NAME must be 3-63 lowercase letters, digits and hyphens, starting and ending with a letter or digit, without double hyphens',
        ]);
      },
    );
  });

  describe('scheduled sign-outs (issue 13)', () => {
    it('reminds 15 min ahead, starts up to 60 min late and looks every 10 s by default', () => {
      expect(loadConfig({ AZURE_TENANT_ID: TENANT }).schedule).toEqual({
        reminderMinutes: 15,
        graceMinutes: 60,
        tickSeconds: 10,
      });
      expect(
        loadConfig({
          AZURE_TENANT_ID: TENANT,
          SCHEDULE_REMINDER_MINUTES: '0',
          SCHEDULE_GRACE_MINUTES: '0',
          SCHEDULE_TICK_SECONDS: '30',
        }).schedule,
      ).toEqual({ reminderMinutes: 0, graceMinutes: 0, tickSeconds: 30 });
    });

    it('refuses values out of range, one line each', () => {
      expect(
        problemsOf({
          AZURE_TENANT_ID: TENANT,
          SCHEDULE_REMINDER_MINUTES: '-1',
          SCHEDULE_GRACE_MINUTES: '1441',
          SCHEDULE_TICK_SECONDS: '31',
        }),
      ).toEqual([
        'SCHEDULE_REMINDER_MINUTES must be 0 or more',
        'SCHEDULE_GRACE_MINUTES must be at most 1440',
        'SCHEDULE_TICK_SECONDS must be at most 30',
      ]);
      expect(problemsOf({ AZURE_TENANT_ID: TENANT, SCHEDULE_GRACE_MINUTES: '0.5' })).toEqual([
        'SCHEDULE_GRACE_MINUTES must be a whole number',
      ]);
    });
  });

  describe('how long the bot waits (issue 10, items 6 and 8)', () => {
    it('waits 15 s for the Bot Connector, 20 s for shutdown and at most 5 min for Graph by default', () => {
      expect(loadConfig({ AZURE_TENANT_ID: TENANT }).waits).toEqual({
        connectorTimeoutMs: 15_000,
        shutdownGraceMs: 20_000,
        graphMaxPauseMs: 300_000,
      });
      expect(
        loadConfig({
          AZURE_TENANT_ID: TENANT,
          CONNECTOR_TIMEOUT_SECONDS: ' 2 ',
          SHUTDOWN_GRACE_SECONDS: '',
          GRAPH_MAX_PAUSE_SECONDS: '3600',
        }).waits,
      ).toEqual({ connectorTimeoutMs: 2000, shutdownGraceMs: 20_000, graphMaxPauseMs: 3_600_000 });
    });

    it('refuses waits that are not whole seconds in range, one line each', () => {
      expect(
        problemsOf({
          AZURE_TENANT_ID: TENANT,
          CONNECTOR_TIMEOUT_SECONDS: '0',
          SHUTDOWN_GRACE_SECONDS: 'soon',
          GRAPH_MAX_PAUSE_SECONDS: '3601',
        }),
      ).toEqual([
        'CONNECTOR_TIMEOUT_SECONDS must be at least 1',
        'SHUTDOWN_GRACE_SECONDS must be a number',
        'GRAPH_MAX_PAUSE_SECONDS must be at most 3600',
      ]);
      expect(problemsOf({ AZURE_TENANT_ID: TENANT, CONNECTOR_TIMEOUT_SECONDS: '1.5' })).toEqual([
        'CONNECTOR_TIMEOUT_SECONDS must be a whole number',
      ]);
    });
  });
});

describe('risky users (issue 14)', () => {
  it('polls every 300 s for high risk by default, retrying hourly after a refusal', () => {
    expect(loadConfig({ AZURE_TENANT_ID: TENANT }).riskyUsers).toEqual({
      pollSeconds: 300,
      minLevel: 'high',
      retrySeconds: 3600,
    });
  });

  it('takes 0 to turn the poll off, a level in any case, and a short retry for tests', () => {
    const c = loadConfig({
      AZURE_TENANT_ID: TENANT,
      RISKY_USERS_POLL_SECONDS: '0',
      RISKY_USERS_MIN_LEVEL: ' Medium ',
      RISKY_USERS_RETRY_SECONDS: '1',
    });
    expect(c.riskyUsers).toEqual({ pollSeconds: 0, minLevel: 'medium', retrySeconds: 1 });
  });

  it('names a bad value', () => {
    expect(
      problemsOf({
        AZURE_TENANT_ID: TENANT,
        RISKY_USERS_POLL_SECONDS: '-1',
        RISKY_USERS_MIN_LEVEL: 'critical',
        RISKY_USERS_RETRY_SECONDS: '0',
      }),
    ).toEqual([
      'RISKY_USERS_POLL_SECONDS must be 0 (off) or more',
      'RISKY_USERS_MIN_LEVEL must be low, medium or high',
      'RISKY_USERS_RETRY_SECONDS must be at least 1',
    ]);
    expect(problemsOf({ AZURE_TENANT_ID: TENANT, RISKY_USERS_POLL_SECONDS: 'often' })).toEqual([
      'RISKY_USERS_POLL_SECONDS must be a number',
    ]);
  });
});
