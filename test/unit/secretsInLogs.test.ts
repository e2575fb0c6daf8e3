import { Writable } from 'node:stream';
import { main as exportAudit } from '../../scripts/auditExport';
import { originAndPath, redactSecrets } from '../../src/domain/redact';
import { createLogger } from '../../src/log';
import { createStores } from '../../src/store/createStores';
import { RefusingStorage, SAS_SIGNATURE } from '../support/refusingStorage';

/** Issue 9, 11a: a SAS token (`sig=…`) never reaches a log line or a message. */

class Sink extends Writable {
  text = '';
  override _write(chunk: Buffer, _e: BufferEncoding, cb: () => void) {
    this.text += chunk.toString('utf8');
    cb();
  }
}

const CONTAINER = 'signout-requests';

function expectNoSas(text: string) {
  expect(text).not.toContain('sig=');
  expect(text).not.toContain(SAS_SIGNATURE);
  expect(text).not.toContain('sv=2022-11-02');
}

describe('a SAS connection string that Storage refuses', () => {
  let storage: RefusingStorage;
  beforeAll(async () => {
    storage = await new RefusingStorage().start();
  });
  afterAll(() => storage.stop());

  it('makes the bot stop with the container named by origin and path, without the token', async () => {
    const failure = createStores({
      dataDir: './unused',
      storage: { backend: 'blob', connectionString: storage.connectionString, containerName: CONTAINER },
    });
    await expect(failure).rejects.toThrow(/Server failed to authenticate the request/);
    const message = (await failure.catch((err: Error) => err)) as Error;
    expect(message.message).toContain(`blob container ${storage.containerAddress(CONTAINER)}:`);
    expectNoSas(message.message);
    // the token did go to Storage: the test would see it if the message carried it
    expect(storage.requestUrls.some((u) => u.includes(`sig=${SAS_SIGNATURE}`))).toBe(true);
  });

  it('makes audit:export fail with the same care', async () => {
    const out = new Sink();
    const err = new Sink();
    const code = await exportAudit(
      [],
      { STORAGE_BACKEND: 'blob', AZURE_STORAGE_CONNECTION_STRING: storage.connectionString },
      out,
      err,
    );
    expect(code).toBe(1);
    expect(err.text).toContain(`cannot read container ${storage.containerAddress(CONTAINER)}:`);
    expectNoSas(err.text);
    expectNoSas(out.text);
  });
});

describe('redaction', () => {
  const sasUrl = `https://acct.blob.core.windows.net/box/audit.jsonl?sv=2022-11-02&sp=r&sig=${SAS_SIGNATURE}`;

  it('keeps origin and path of a URL', () => {
    expect(originAndPath(sasUrl)).toBe('https://acct.blob.core.windows.net/box/audit.jsonl');
    expect(originAndPath('not a url')).not.toContain('not a url');
  });

  it('drops URL queries and masks secret fields in any text', () => {
    expect(redactSecrets(`GET ${sasUrl} failed`)).toBe(
      'GET https://acct.blob.core.windows.net/box/audit.jsonl failed',
    );
    const accountKey =
      'DefaultEndpointsProtocol=https;AccountName=acct;AccountKey=Eby8vdM02xNOcqF+lq/UwJ==;EndpointSuffix=core.windows.net';
    expect(redactSecrets(accountKey)).toBe(
      'DefaultEndpointsProtocol=https;AccountName=acct;AccountKey=[redacted];EndpointSuffix=core.windows.net',
    );
    const sas = `BlobEndpoint=https://acct.blob.core.windows.net;SharedAccessSignature=sv=2022-11-02&sig=${SAS_SIGNATURE}`;
    expectNoSas(redactSecrets(sas));
    expect(redactSecrets('nothing secret here')).toBe('nothing secret here');
  });

  it('is applied to every string the bot logs, however deep', () => {
    const out = new Sink();
    const log = createLogger('info', out);
    log.warn(
      { err: `request to ${sasUrl} failed`, nested: { urls: [sasUrl] } },
      `blob ${sasUrl} unavailable`,
    );
    log.error(new Error(`connect ECONNREFUSED for ${sasUrl}`));
    expectNoSas(out.text);
    expect(out.text).toContain('https://acct.blob.core.windows.net/box/audit.jsonl');
    expect(out.text.trim().split('\n')).toHaveLength(2);
  });
});
