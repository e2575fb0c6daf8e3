import { ConfigError, loadConfig } from '../../src/config';

const TENANT = '11111111-2222-4333-8444-555555555555';
const CLIENT = '66666666-7777-4888-8999-000000000000';

function problemsOf(env: Record<string, string>): string[] {
  try {
    loadConfig(env);
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
        SECURITY_CHANNEL_ID: 'general',
        BOT_ID: CLIENT,
        BOT_TYPE: 'SingleTenant',
      }),
    ).toEqual(
      expect.arrayContaining([
        'PORT must be a number',
        'CONFIRMATION_TTL_MINUTES must be at least 1',
        'SECURITY_CHANNEL_ID must look like 19:…@thread.tacv2',
        'BOT_PASSWORD is required when BOT_ID is set',
        'BOT_TENANT_ID is required for a SingleTenant bot',
      ]),
    );
  });

  it('treats empty values as unset, as env files leave them', () => {
    const c = loadConfig({ AZURE_TENANT_ID: TENANT, BOT_ID: '', SECURITY_CHANNEL_ID: '', PORT: '' });
    expect(c.bot.appId).toBeUndefined();
    expect(c.port).toBe(3978);
  });
});
