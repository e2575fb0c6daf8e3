import type { TokenCredential } from '@azure/identity';
import { GraphApi, GraphCallError } from '../../../src/graph/client';
import { makeTestCertificate } from '../../support/cert';
import { GraphStandIn } from '../../support/graphStandIn';
import { SAMPLE, sampleTenant } from '../../support/tenantFixture';
import { trustingFetch } from '../../support/trustingFetch';

const TOKEN = 'client-test-token';
const cert = makeTestCertificate();
const credential: TokenCredential = {
  getToken: async () => ({ token: TOKEN, expiresOnTimestamp: Number.MAX_SAFE_INTEGER }),
};
const originalFetch = globalThis.fetch;
let standIn: GraphStandIn;
let origin: string;

beforeAll(async () => {
  globalThis.fetch = trustingFetch(cert.cert);
  standIn = new GraphStandIn({ tenant: sampleTenant(), tls: cert, isValidToken: (t) => t === TOKEN });
  origin = new URL(await standIn.start()).origin;
});
afterAll(async () => {
  globalThis.fetch = originalFetch;
  await standIn?.stop();
});

describe('GraphApi', () => {
  it('reads a Retry-After given as an HTTP date against its clock', async () => {
    const now = Date.parse('2031-03-04T05:06:07Z');
    const graph = new GraphApi(credential, origin, { now: () => now, maxRetries: 0 });
    const path = `/users/${SAMPLE.lester.id}`;
    standIn.inject({
      method: 'GET',
      path: new RegExp(`^${path}$`),
      status: 429,
      retryAfter: new Date(now + 120_000).toUTCString(),
    });
    const err = await graph.call('GET', path).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(GraphCallError);
    expect(err).toMatchObject({ status: 429, retryAfterSeconds: 120 });
  });
});
