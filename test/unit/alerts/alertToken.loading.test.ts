// Whether jose has been loaded, noted by jest's module factory (nothing else in this file imports it).
const mockLoaded: string[] = [];
jest.mock('jose', () => {
  mockLoaded.push('jose');
  return jest.requireActual('jose');
});

const TENANT = '9f3c2a10-0000-4000-8000-000000000001';

describe('AlertTokenValidator', () => {
  it('loads jose with the first alert that carries a token, not with the bot', async () => {
    // imported here, after the factory above can note what loads
    const { AlertTokenValidator } = await import('../../../src/alerts/alertToken');
    const v = new AlertTokenValidator({
      tenantId: TENANT,
      appId: '2b7e1d90-0000-4000-8000-000000000002',
      authorityHost: 'https://login.example',
      fetchJson: async () => ({
        issuer: `https://login.example/${TENANT}/v2.0`,
        jwks_uri: `https://login.example/${TENANT}/discovery/v2.0/keys`,
      }),
    });
    expect(mockLoaded).toEqual([]);
    expect(await v.check(undefined)).toMatchObject({ ok: false, status: 401 });
    expect(mockLoaded).toEqual([]);

    expect(await v.check('Bearer not.a.jwt')).toMatchObject({ ok: false, status: 401 });
    expect(mockLoaded).toEqual(['jose']);
  });
});
