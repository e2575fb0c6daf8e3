import { AuthenticationConstants } from 'botframework-connector';
import { CallerIdConstants } from 'botbuilder';
import { PUBLIC_CLOUD, classifyAuthFailure, createAdapter } from '../../../src/bot/adapter';
import { MAX_DEPTH, checkInboundActivity, depthExceeds } from '../../../src/bot/inboundActivity';
import { createLogger } from '../../../src/log';
import { invokeActivity, messageActivity } from '../../support/teamsActivity';

const TENANT = '11111111-2222-4333-8444-555555555555';
const message = (over: Record<string, unknown> = {}) =>
  JSON.stringify({
    ...messageActivity({
      text: 'help',
      from: { aadObjectId: '66666666-7777-4888-8999-000000000000', name: 'Alex' },
      tenantId: TENANT,
      serviceUrl: 'https://smba.trafficmanager.net/emea/',
    }),
    ...over,
  });

describe('checkInboundActivity', () => {
  it('accepts a Teams message and a card click, and hands back the body as parsed', () => {
    const body = message();
    expect(checkInboundActivity(body)).toEqual({ ok: true, activity: JSON.parse(body) });
    const click = invokeActivity({
      verb: 'signout.confirm',
      data: { requestId: 'x' },
      from: { aadObjectId: 'a', name: 'A' },
      tenantId: TENANT,
      serviceUrl: 'https://smba.trafficmanager.net/emea/',
      conversationId: '19:c@thread.tacv2;messageid=1',
      replyToId: '1',
    });
    expect(checkInboundActivity(JSON.stringify(click)).ok).toBe(true);
  });

  it('keeps fields it does not check', () => {
    const checked = checkInboundActivity(message({ callerId: 'x', futureField: { a: [1] } }));
    expect(checked.ok && checked.activity.futureField).toEqual({ a: [1] });
  });

  it('refuses other channels with 403 and malformed bodies with 400, naming the rule only in `problem`', () => {
    expect(checkInboundActivity(message({ channelId: 'webchat' }))).toMatchObject({ ok: false, status: 403 });
    const bad = checkInboundActivity(message({ from: { name: 'no id' } }));
    expect(bad).toEqual({
      ok: false,
      status: 400,
      error: 'not a well-formed Bot Framework activity',
      problem: 'from.id: Required',
    });
    expect(checkInboundActivity('{"type":')).toMatchObject({ status: 400, problem: 'the body is not JSON' });
  });

  it('measures depth without recursion, at any depth', () => {
    let deep: unknown = [];
    for (let i = 0; i < 100_000; i++) deep = [deep];
    expect(depthExceeds(deep, MAX_DEPTH)).toBe(true);
    expect(depthExceeds({ a: { b: { c: [1, 2, { d: 'e' }] } } }, MAX_DEPTH)).toBe(false);
    expect(depthExceeds({ a: { b: {} } }, 2)).toBe(true);
  });
});

describe('the adapter', () => {
  it("spells out botframework-connector's public cloud endpoints exactly", () => {
    expect(PUBLIC_CLOUD).toEqual({
      ValidateAuthority: true,
      ToChannelFromBotLoginUrl: AuthenticationConstants.ToChannelFromBotLoginUrl,
      ToChannelFromBotOAuthScope: AuthenticationConstants.ToChannelFromBotOAuthScope,
      ToBotFromChannelTokenIssuer: AuthenticationConstants.ToBotFromChannelTokenIssuer,
      OAuthUrl: AuthenticationConstants.OAuthUrl,
      ToBotFromChannelOpenIdMetadataUrl: AuthenticationConstants.ToBotFromChannelOpenIdMetadataUrl,
      ToBotFromEmulatorOpenIdMetadataUrl: AuthenticationConstants.ToBotFromEmulatorOpenIdMetadataUrl,
      CallerId: CallerIdConstants.PublicAzureChannel,
    });
  });

  it("keeps botbuilder's own defaults when no test-only setting is given", () => {
    const adapter = createAdapter(
      { appId: 'app', password: 'p', type: 'SingleTenant', tenantId: TENANT },
      createLogger('silent'),
      15_000,
    );
    expect(adapter.botFrameworkAuthConfig).toEqual({
      MicrosoftAppId: 'app',
      MicrosoftAppPassword: 'p',
      MicrosoftAppType: 'SingleTenant',
      MicrosoftAppTenantId: TENANT,
    });
  });

  it('answers token errors with 401 and unreachable keys with 503', () => {
    const named = (name: string) => Object.assign(new Error('x'), { name });
    expect(classifyAuthFailure(named('JsonWebTokenError'))).toBe('rejected');
    expect(classifyAuthFailure(named('TokenExpiredError'))).toBe('rejected');
    expect(classifyAuthFailure(Object.assign(new Error('Unauthorized'), { statusCode: 401 }))).toBe(
      'rejected',
    );
    expect(classifyAuthFailure(new TypeError('Cannot read properties of undefined'))).toBe('rejected');
    expect(classifyAuthFailure(named('FetchError'))).toBe('unavailable');
    expect(classifyAuthFailure(Object.assign(new Error('Failed to load Keys'), { statusCode: 500 }))).toBe(
      'unavailable',
    );
  });
});
