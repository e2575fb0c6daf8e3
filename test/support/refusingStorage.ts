import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { closeServer } from './closeServer';

/** The signature of the SAS the stand-in is given; no log or message may ever show it. */
export const SAS_SIGNATURE = 'c2VjcmV0LXNhcy1zaWduYXR1cmU%3D';

/**
 * Azure Blob Storage refusing a SAS, as it does when the token has expired or lacks a permission:
 * every request gets 403 `AuthenticationFailed` with Storage's XML error body. `connectionString` is a
 * SAS connection string (BlobEndpoint=…;SharedAccessSignature=…) pointing at it.
 */
export class RefusingStorage {
  private server?: Server;
  /** the URL of every request received, SAS and all */
  readonly requestUrls: string[] = [];
  connectionString = '';

  async start(): Promise<this> {
    const server = createServer((req, res) => {
      this.requestUrls.push(req.url ?? '');
      req.resume();
      const requestId = '7b6c1f2e-501e-0042-3a4b-5c6d7e8f9a0b';
      res.writeHead(403, {
        'Content-Type': 'application/xml',
        'x-ms-error-code': 'AuthenticationFailed',
        'x-ms-request-id': requestId,
      });
      res.end(
        '<?xml version="1.0" encoding="utf-8"?><Error><Code>AuthenticationFailed</Code>' +
          '<Message>Server failed to authenticate the request. Make sure the value of Authorization header is formed correctly including the signature.\n' +
          `RequestId:${requestId}\nTime:${new Date().toISOString()}</Message>` +
          '<AuthenticationErrorDetail>Signed expiry time [Mon, 02 Nov 2026 00:00:00 GMT] must be after signed start time</AuthenticationErrorDetail></Error>',
      );
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    this.server = server;
    const { port } = server.address() as AddressInfo;
    const sas = `sv=2022-11-02&ss=b&srt=sco&sp=rwdlac&se=2026-11-02T00:00:00Z&spr=https,http&sig=${SAS_SIGNATURE}`;
    this.connectionString = `BlobEndpoint=http://127.0.0.1:${port}/devstoreaccount1;SharedAccessSignature=${sas}`;
    return this;
  }

  /** `http://127.0.0.1:port/devstoreaccount1/<container>`, what messages may name */
  containerAddress(container: string): string {
    return `${this.connectionString.match(/BlobEndpoint=([^;]+)/)![1]}/${container}`;
  }

  async stop(): Promise<void> {
    await closeServer(this.server);
  }
}
