import { execFileSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';

export interface TestCertificate {
  certPath: string;
  keyPath: string;
  cert: string;
  key: string;
}

const cache = new Map<string, TestCertificate>();
let processDir: string | undefined;

/**
 * A self-signed certificate for `localhost` and 127.0.0.1, made with openssl. The stand-ins serve https
 * with it and child processes trust it through NODE_EXTRA_CA_CERTS (read only at start-up, so make the
 * certificate before starting them). Made once per process and directory.
 */
export function makeTestCertificate(dir?: string): TestCertificate {
  const target = path.resolve(dir ?? sandboxTempDir());
  const cached = cache.get(target);
  if (cached) return cached;

  fs.mkdirSync(target, { recursive: true });
  const certPath = path.join(target, 'localhost.crt');
  const keyPath = path.join(target, 'localhost.key');
  // prettier-ignore
  openssl([
    'req', '-x509', '-newkey', 'rsa:2048', '-nodes', '-sha256', '-days', '7',
    '-subj', '/CN=localhost',
    '-addext', 'subjectAltName=DNS:localhost,IP:127.0.0.1',
    '-addext', 'basicConstraints=critical,CA:TRUE',
    '-addext', 'keyUsage=critical,digitalSignature,keyEncipherment,keyCertSign',
    '-addext', 'extendedKeyUsage=serverAuth',
    '-keyout', keyPath, '-out', certPath,
  ]);

  const made = {
    certPath,
    keyPath,
    cert: fs.readFileSync(certPath, 'utf8'),
    key: fs.readFileSync(keyPath, 'utf8'),
  };
  cache.set(target, made);
  return made;
}

export interface ClientCertificate {
  /** private key and certificate in one PEM file: what AZURE_CLIENT_CERTIFICATE_PATH points at */
  pemPath: string;
  /** the certificate alone, as uploaded to the app registration */
  cert: string;
  key: string;
}

/**
 * A certificate for an app registration's certificate credential (private_key_jwt), made with openssl
 * like the one `az ad sp credential reset --create-cert` makes. `name` tells several apart in one folder.
 */
export function makeClientCertificate(name: string, dir = sandboxTempDir()): ClientCertificate {
  fs.mkdirSync(dir, { recursive: true });
  const keyPath = path.join(dir, `${name}.key`);
  const certPath = path.join(dir, `${name}.crt`);
  // prettier-ignore
  openssl([
    'req', '-x509', '-newkey', 'rsa:2048', '-nodes', '-sha256', '-days', '7',
    '-subj', `/CN=${name}`, '-keyout', keyPath, '-out', certPath,
  ]);
  const key = fs.readFileSync(keyPath, 'utf8');
  const cert = fs.readFileSync(certPath, 'utf8');
  const pemPath = path.join(dir, `${name}.pem`);
  fs.writeFileSync(pemPath, key + cert, { mode: 0o600 });
  return { pemPath, cert, key };
}

function openssl(args: string[]): void {
  try {
    execFileSync('openssl', args, { stdio: ['ignore', 'ignore', 'pipe'] });
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') {
      throw new Error(
        'openssl is not installed; the local stand-ins need it for their certificate (sudo apt-get install openssl)',
      );
    }
    throw err;
  }
}

/** One temp dir per process for sandbox files; removed when the process exits. */
export function sandboxTempDir(): string {
  if (!processDir) {
    processDir = fs.mkdtempSync(path.join(os.tmpdir(), 'signout-bot-test-'));
    const dirToRemove = processDir;
    process.once('exit', () => fs.rmSync(dirToRemove, { recursive: true, force: true }));
  }
  return processDir;
}
