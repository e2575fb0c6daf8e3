import { randomUUID } from 'node:crypto';
import type { IncomingMessage, ServerResponse } from 'node:http';
import * as https from 'node:https';
import type { AddressInfo } from 'node:net';
import { SignJWT, base64url, exportJWK, generateKeyPair, type KeyLike } from 'jose';
import { closeServer } from './closeServer';

export interface ChannelAuthStandInOptions {
  tls: { cert: string; key: string };
  /** the bot's app id: the audience of the tokens the channel signs for it */
  appId: string;
  /** channels the signing key is endorsed for, as in Microsoft's key list; default msteams */
  endorsements?: string[];
}

export interface ChannelTokenOptions {
  serviceUrl: string;
  /** default the bot's app id */
  audience?: string;
  /** default the stand-in's issuer */
  issuer?: string;
  /** seconds from now; negative = already expired. Default 3600 */
  expiresIn?: number;
  /**
   * `published`: the key in the JWKS (default); `unknown`: a key whose kid is not there; `impostor`: a
   * different key that claims the published kid
   */
  key?: 'published' | 'unknown' | 'impostor';
}

interface SigningKey {
  kid: string;
  privateKey: KeyLike;
  publicKey: KeyLike;
}

/**
 * The Bot Framework's token service as a bot sees it (login.botframework.com): the OpenID metadata the
 * bot reads from ToBotFromChannelOpenIdMetadataUrl, the signing keys (JWKS) it points to, and channel
 * tokens signed like the Bot Connector signs them (RS256; iss, aud = the bot's app id, serviceurl, nbf,
 * exp). Tests sign good and bad tokens with it; the bot checks them through botbuilder, unchanged.
 */
export class ChannelAuthStandIn {
  /** requests for the metadata and for the keys, to see the bot actually fetched them */
  readonly requests: string[] = [];
  private server?: https.Server;
  private origin = '';
  private published?: SigningKey;
  private other?: SigningKey;

  constructor(private readonly o: ChannelAuthStandInOptions) {}

  /** @returns the OpenID metadata URL */
  async start(): Promise<string> {
    this.published = await makeKey();
    this.other = await makeKey();
    const server = https.createServer({ cert: this.o.tls.cert, key: this.o.tls.key }, (req, res) =>
      this.handle(req, res),
    );
    await new Promise<void>((resolve, reject) => {
      server.once('error', reject);
      server.listen(0, '127.0.0.1', () => resolve());
    });
    this.server = server;
    this.origin = `https://localhost:${(server.address() as AddressInfo).port}`;
    return this.metadataUrl;
  }

  get metadataUrl(): string {
    return `${this.origin}/v1/.well-known/openidconfiguration`;
  }

  /** Like Microsoft's `https://api.botframework.com`, but this stand-in's own. */
  get issuer(): string {
    return `${this.origin}/channel-issuer`;
  }

  async stop(): Promise<void> {
    const server = this.server;
    this.server = undefined;
    await closeServer(server);
  }

  /** A channel token, as the Bot Connector puts in `Authorization: Bearer …`. */
  async token(o: ChannelTokenOptions): Promise<string> {
    const now = Math.floor(Date.now() / 1000);
    const expiresIn = o.expiresIn ?? 3600;
    const which = o.key ?? 'published';
    const signer = which === 'published' ? this.published! : this.other!;
    const kid = which === 'unknown' ? this.other!.kid : this.published!.kid;
    return new SignJWT({ serviceurl: o.serviceUrl })
      .setProtectedHeader({ alg: 'RS256', typ: 'JWT', kid, x5t: kid })
      .setIssuer(o.issuer ?? this.issuer)
      .setAudience(o.audience ?? this.o.appId)
      .setNotBefore(Math.min(now, now + expiresIn) - 300)
      .setExpirationTime(now + expiresIn)
      .sign(signer.privateKey);
  }

  /** The same claims with `alg: none` and no signature, naming the published key. */
  unsigned(o: ChannelTokenOptions): string {
    const now = Math.floor(Date.now() / 1000);
    const header = { alg: 'none', typ: 'JWT', kid: this.published!.kid };
    const claims = {
      serviceurl: o.serviceUrl,
      iss: o.issuer ?? this.issuer,
      aud: o.audience ?? this.o.appId,
      nbf: now - 300,
      exp: now + 3600,
    };
    const part = (v: unknown) => base64url.encode(JSON.stringify(v));
    return `${part(header)}.${part(claims)}.`;
  }

  private handle(req: IncomingMessage, res: ServerResponse): void {
    const path = new URL(req.url ?? '/', this.origin).pathname;
    this.requests.push(path);
    if (req.method === 'GET' && path === '/v1/.well-known/openidconfiguration') {
      send(res, 200, {
        issuer: this.issuer,
        authorization_endpoint: `${this.origin}/v1/.well-known/authorize`,
        jwks_uri: `${this.origin}/v1/.well-known/keys`,
        id_token_signing_alg_values_supported: ['RS256'],
        token_endpoint_auth_methods_supported: ['private_key_jwt'],
      });
      return;
    }
    if (req.method === 'GET' && path === '/v1/.well-known/keys') {
      void exportJWK(this.published!.publicKey).then((jwk) =>
        send(res, 200, {
          keys: [
            {
              kty: 'RSA',
              use: 'sig',
              kid: this.published!.kid,
              x5t: this.published!.kid,
              n: jwk.n,
              e: jwk.e,
              endorsements: this.o.endorsements ?? ['msteams'],
            },
          ],
        }),
      );
      return;
    }
    send(res, 404, { error: `the stand-in does not serve ${req.method} ${path}` });
  }
}

async function makeKey(): Promise<SigningKey> {
  const { privateKey, publicKey } = await generateKeyPair('RS256', { modulusLength: 2048 });
  return { kid: randomUUID().replace(/-/g, '').slice(0, 27), privateKey, publicKey };
}

function send(res: ServerResponse, status: number, body: unknown): void {
  const text = JSON.stringify(body);
  res.writeHead(status, {
    'Content-Type': 'application/json; charset=utf-8',
    'Content-Length': Buffer.byteLength(text),
  });
  res.end(text);
}
