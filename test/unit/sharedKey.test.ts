import { promises as fs } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileKey } from '../../src/store/sharedKey';

const tempDir = () => fs.mkdtemp(path.join(os.tmpdir(), 'sharedkey-'));

describe('fileKey', () => {
  it('makes a 32-byte key once, readable by its owner only, and returns it on every later call', async () => {
    const dir = path.join(await tempDir(), 'data');
    const first = await fileKey(dir, 'csv-link.key');
    expect(first).toHaveLength(32);
    expect(await fileKey(dir, 'csv-link.key')).toEqual(first);
    expect((await fs.stat(path.join(dir, 'csv-link.key'))).mode & 0o777).toBe(0o600);
    expect(await fs.readdir(dir)).toEqual(['csv-link.key']);
  });

  it('gives every caller starting together the same key', async () => {
    const dir = await tempDir();
    const keys = await Promise.all(Array.from({ length: 20 }, () => fileKey(dir, 'k')));
    expect(new Set(keys.map((k) => k.toString('hex'))).size).toBe(1);
    expect(await fs.readdir(dir)).toEqual(['k']);
  });

  it('keeps different keys apart, and a different folder has its own', async () => {
    const dir = await tempDir();
    const a = await fileKey(dir, 'a');
    expect(await fileKey(dir, 'b')).not.toEqual(a);
    expect(await fileKey(await tempDir(), 'a')).not.toEqual(a);
  });

  it('refuses a key cut short instead of signing with it', async () => {
    const dir = await tempDir();
    await fs.writeFile(path.join(dir, 'k'), Buffer.alloc(5));
    await expect(fileKey(dir, 'k')).rejects.toThrow(/holds 5 bytes, not a 32-byte key: delete it/);
  });
});
