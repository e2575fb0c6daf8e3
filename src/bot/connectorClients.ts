import type { ConnectorClient, ConnectorFactory } from 'botframework-connector';
import { withConnectorTimeout } from './connectorTimeout';

/** Service URLs are a handful per cloud region; anything beyond this is dropped oldest first. */
const MAX_CLIENTS = 32;

/**
 * The Bot Connector clients of inbound turns, kept per bot app, audience and service URL. botbuilder's
 * CloudAdapter builds a new client for every activity (credentials and a dozen HTTP pipeline policies),
 * the largest allocation of a `help` turn; its older BotFrameworkAdapter kept one per service URL and
 * app, as this does. A client is what the factory would build again: the same app's credentials, which
 * fetch and renew their own tokens, and the timeout of CONNECTOR_TIMEOUT_SECONDS on every call.
 */
export class ConnectorClients {
  private readonly clients = new Map<string, Promise<ConnectorClient>>();

  constructor(
    private readonly timeoutMs: number,
    private readonly maxClients = MAX_CLIENTS,
  ) {}

  /** `inner` (made for the bot app `appId`), whose clients are reused across turns. */
  factory(inner: ConnectorFactory, appId: string | undefined): ConnectorFactory {
    const bounded = withConnectorTimeout(inner, this.timeoutMs);
    return {
      create: (serviceUrl, audience) =>
        this.client(JSON.stringify([appId ?? null, audience ?? null, serviceUrl]), () =>
          bounded.create(serviceUrl, audience),
        ),
    };
  }

  get size(): number {
    return this.clients.size;
  }

  private client(key: string, make: () => Promise<ConnectorClient>): Promise<ConnectorClient> {
    const known = this.clients.get(key);
    if (known) {
      // most recently used last, so the oldest go first
      this.clients.delete(key);
      this.clients.set(key, known);
      return known;
    }
    const made = make();
    this.clients.set(key, made);
    // a client that could not be made (no credentials yet) is made again next time
    made.catch(() => {
      if (this.clients.get(key) === made) this.clients.delete(key);
    });
    for (const oldest of this.clients.keys()) {
      if (this.clients.size <= this.maxClients) break;
      this.clients.delete(oldest);
    }
    return made;
  }
}
