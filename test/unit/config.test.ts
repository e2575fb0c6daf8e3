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
      sweepSeconds: 30,
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
        SWEEP_SECONDS: '1.5',
        SECURITY_CHANNEL_ID: 'general',
        BOT_ID: CLIENT,
        BOT_TYPE: 'SingleTenant',
      }),
    ).toEqual(
      expect.arrayContaining([
        'PORT must be a number',
        'CONFIRMATION_TTL_MINUTES must be at least 1',
        'SWEEP_SECONDS must be a whole number',
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
});
