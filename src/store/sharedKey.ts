import { randomBytes } from 'node:crypto';
import { promises as fs } from 'node:fs';
import path from 'node:path';
import type { ContainerClient } from '@azure/storage-blob';
import { createIfAbsent } from './createIfAbsent';

const KEY_BYTES = 32;

/**
 * A random key made once and then read by every process and every restart, from DATA_DIR. It is
 * written to a temporary file and linked into place, which fails if the key exists: of two processes
 * starting together one publishes a whole key and both read it.
 */
export async function fileKey(dataDir: string, name: string): Promise<Buffer> {
  const file = path.join(dataDir, name);
  await fs.mkdir(dataDir, { recursive: true });
  const temp = `${file}.${process.pid}.${randomBytes(4).toString('hex')}.tmp`;
  await fs.writeFile(temp, randomBytes(KEY_BYTES), { mode: 0o600 });
  try {
    await fs.link(temp, file);
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code !== 'EEXIST') throw err;
  } finally {
    await fs.rm(temp, { force: true });
  }
  return checked(await fs.readFile(file), file);
}

/** The same in the blob container, for instances that share no disk; If-None-Match: * makes one win. */
export async function blobKey(container: ContainerClient, name: string): Promise<Buffer> {
  const blob = container.getBlockBlobClient(`keys/${name}`);
  // false: another instance made it first, and that one is read back below
  await createIfAbsent(blob, randomBytes(KEY_BYTES));
  return checked(await blob.downloadToBuffer(), blob.name);
}

/** A key cut short (a crash between create and write) would sign weakly: refuse it. */
function checked(key: Buffer, where: string): Buffer {
  if (key.length < KEY_BYTES) {
    throw new Error(
      `${where} holds ${key.length} bytes, not a ${KEY_BYTES}-byte key: delete it to make a new one`,
    );
  }
  return key;
}
