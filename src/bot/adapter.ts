import { ClientSecretCredential } from '@azure/identity';
import type { Activity, InvokeResponse, TurnContext } from 'botbuilder';
import { TeamsAdapter } from '@microsoft/teams-ai';
import {
  AuthenticationConstants,
  type AuthenticateRequestResult,
  type ServiceClientCredentials,
  type ServiceClientCredentialsFactory,
} from 'botframework-connector';
import type { ChannelAuthOverrides, Config } from '../config';
import type { Logger } from '../log';
import { ConnectorClients } from './connectorClients';
import { withConnectorTimeout } from './connectorTimeout';

type Logic = (context: TurnContext) => Promise<void>;

/**
 * botframework-connector's AuthenticationConstants for the public cloud. botbuilder uses them when none
 * of these settings is given, and takes every one from the configuration as soon as one is given, so
 * the test-only overrides come with the rest spelled out (test/unit/bot/inboundActivity.test.ts compares them).
 */
export const PUBLIC_CLOUD = {
  ValidateAuthority: true,
  ToChannelFromBotLoginUrl: 'https://login.microsoftonline.com/botframework.com',
  ToChannelFromBotOAuthScope: 'https://api.botframework.com',
  ToBotFromChannelTokenIssuer: 'https://api.botframework.com',
  OAuthUrl: 'https://api.botframework.com',
  ToBotFromChannelOpenIdMetadataUrl: 'https://login.botframework.com/v1/.well-known/openidconfiguration',
  ToBotFromEmulatorOpenIdMetadataUrl:
    'https://login.microsoftonline.com/common/v2.0/.well-known/openid-configuration',
  CallerId: 'urn:botframework:azure',
} as const;

/** What the jsonwebtoken library throws for a token that is bad in itself (signature, alg, claims, time). */
const TOKEN_ERRORS = new Set(['JsonWebTokenError', 'TokenExpiredError', 'NotBeforeError']);

export type AuthFailure = 'rejected' | 'unavailable';

/**
 * Whether an error from botbuilder's token check means "this token is not valid" (401), or "the keys
 * could not be fetched" (503). Anything unexpected counts as a rejection: a hostile token must never
 * turn into a 500.
 */
export function classifyAuthFailure(err: unknown): AuthFailure {
  const e = (err ?? {}) as { name?: unknown; statusCode?: unknown };
  if (typeof e.name === 'string' && TOKEN_ERRORS.has(e.name)) return 'rejected';
  if (e.name === 'FetchError' || (typeof e.statusCode === 'number' && e.statusCode >= 500)) {
    return 'unavailable';
  }
  return 'rejected';
}

/**
 * The TeamsAdapter with two answers of its own. A request whose token fails the check gets 401 with a
 * short body, whatever the token library threw (botbuilder answers 500 with the library's message for a
 * bad signature or `alg: none`). An invoke no route answers gets 400, not botbuilder's 501.
 * Every call it makes to the Bot Connector gives up after `connectorTimeoutMs` (CONNECTOR_TIMEOUT_SECONDS).
 */
export class SignoutBotAdapter extends TeamsAdapter {
  private readonly clients: ConnectorClients;

  constructor(
    settings: ConstructorParameters<typeof TeamsAdapter>[0],
    credentialsFactory: ServiceClientCredentialsFactory | undefined,
    private readonly log: Logger,
    connectorTimeoutMs: number,
  ) {
    super(settings, credentialsFactory);
    this.clients = new ConnectorClients(connectorTimeoutMs);
    // proactive posts (continueConversationAsync) take their connector client from this factory; the
    // turns of inbound activities from authenticateRequest's, bounded in processActivity below
    const auth = this.botFrameworkAuthentication;
    const createConnectorFactory = auth.createConnectorFactory.bind(auth);
    auth.createConnectorFactory = (identity) =>
      withConnectorTimeout(createConnectorFactory(identity), connectorTimeoutMs);
  }

  protected override processActivity(
    authHeader: string,
    activity: Activity,
    logic: Logic,
  ): Promise<InvokeResponse | undefined>;
  protected override processActivity(
    result: AuthenticateRequestResult,
    activity: Activity,
    logic: Logic,
  ): Promise<InvokeResponse | undefined>;
  protected override async processActivity(
    auth: string | AuthenticateRequestResult,
    activity: Activity,
    logic: Logic,
  ): Promise<InvokeResponse | undefined> {
    let authenticated: AuthenticateRequestResult;
    if (typeof auth === 'string') {
      try {
        authenticated = await this.botFrameworkAuthentication.authenticateRequest(activity, auth);
      } catch (err) {
        const failure = classifyAuthFailure(err);
        const reason = (err as Error)?.message ?? String(err);
        if (failure === 'unavailable') {
          this.log.error({ reason }, 'inbound token not checked: the signing keys could not be fetched');
          return { status: 503, body: { error: 'the token cannot be checked right now' } };
        }
        this.log.warn({ reason }, 'inbound token refused');
        return { status: 401, body: { error: 'unauthorized' } };
      }
    } else {
      authenticated = auth;
    }
    if (authenticated.connectorFactory) {
      // the app botbuilder made the factory for: the token's audience, or its appid claim
      const claims = authenticated.claimsIdentity;
      const appId =
        claims.getClaimValue(AuthenticationConstants.AudienceClaim) ??
        claims.getClaimValue(AuthenticationConstants.AppIdClaim) ??
        undefined;
      authenticated = {
        ...authenticated,
        connectorFactory: this.clients.factory(authenticated.connectorFactory, appId),
      };
    }
    const response = await super.processActivity(authenticated, activity, logic);
    if (response?.status === 501)
      return { status: 400, body: { error: 'this bot does not handle that invoke' } };
    return response;
  }
}

/** The adapter for the bot's configuration: Microsoft's endpoints, unless the tests say otherwise. */
export function createAdapter(
  bot: Config['bot'],
  log: Logger,
  connectorTimeoutMs: number,
): SignoutBotAdapter {
  const identity = {
    MicrosoftAppId: bot.appId ?? '',
    MicrosoftAppPassword: bot.password,
    MicrosoftAppType: bot.type,
    MicrosoftAppTenantId: bot.tenantId,
  };
  const o = bot.testOnly;
  if (!o) return new SignoutBotAdapter(identity, undefined, log, connectorTimeoutMs);
  log.warn('TEST_ONLY_* settings in use: Bot Framework endpoints replaced by test stand-ins');
  const settings = {
    ...identity,
    ...PUBLIC_CLOUD,
    ...(o.openIdMetadataUrl ? { ToBotFromChannelOpenIdMetadataUrl: o.openIdMetadataUrl } : {}),
    ...(o.tokenIssuer ? { ToBotFromChannelTokenIssuer: o.tokenIssuer } : {}),
    ...(o.loginUrl ? { ToChannelFromBotLoginUrl: o.loginUrl } : {}),
  };
  return new SignoutBotAdapter(
    settings,
    o.loginUrl ? testLoginCredentials(bot, o) : undefined,
    log,
    connectorTimeoutMs,
  );
}

/**
 * Test-only: the bot's connector token from a login URL that is not Microsoft's. botbuilder's own
 * factory hands such a URL to MSAL, which then asks login.microsoftonline.com to vouch for the host
 * (instance discovery) and gives up offline; @azure/identity can turn that off. Same client-credentials
 * flow, same token endpoint contract, a different client library.
 */
function testLoginCredentials(bot: Config['bot'], o: ChannelAuthOverrides): ServiceClientCredentialsFactory {
  const login = new URL(o.loginUrl!);
  const tenant = login.pathname.split('/').filter(Boolean)[0] ?? bot.tenantId ?? '';
  const credential = new ClientSecretCredential(tenant, bot.appId ?? '', bot.password ?? '', {
    authorityHost: login.origin,
    disableInstanceDiscovery: true,
  });
  return {
    isValidAppId: async (appId: string) => appId === bot.appId,
    isAuthenticationDisabled: async () => false,
    createCredentials: async (appId: string, audience: string | undefined) => {
      if (appId !== bot.appId) throw new Error('Invalid appId.');
      const scope = `${(audience || PUBLIC_CLOUD.ToChannelFromBotOAuthScope).replace(/\/+$/, '')}/.default`;
      const credentials: ServiceClientCredentials = {
        async signRequest(resource) {
          const token = await credential.getToken(scope);
          resource.headers.set('Authorization', `Bearer ${token.token}`);
          return resource;
        },
      };
      return credentials;
    },
  };
}
