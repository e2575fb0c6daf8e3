/**
 * A Bloom filter of strings: says "maybe" or "certainly not". Pure. The audit log's index (auditIndex.ts)
 * keeps one per stretch of the log, so that `history <user>` reads only the stretches that may name the
 * user. A "maybe" that is wrong only makes a stretch read that did not need to be.
 */

import { Buffer } from 'node:buffer';

/** About 0.5% false "maybe" at 12 bits a key with 8 probes. */
const BITS_PER_KEY = 12;
const PROBES = 8;

export class BloomFilter {
  private constructor(
    readonly bits: Uint8Array,
    readonly probes: number,
  ) {}

  /** An empty filter sized for `keys` keys. */
  static sized(keys: number): BloomFilter {
    const bytes = Math.max(8, Math.ceil((Math.max(1, keys) * BITS_PER_KEY) / 8));
    return new BloomFilter(new Uint8Array(bytes), PROBES);
  }

  /** A filter written by toBase64, or undefined if `base64`/`probes` cannot be one. */
  static fromBase64(base64: unknown, probes: unknown): BloomFilter | undefined {
    if (typeof base64 !== 'string' || !/^[A-Za-z0-9+/]+={0,2}$/.test(base64)) return undefined;
    if (typeof probes !== 'number' || !Number.isInteger(probes) || probes < 1 || probes > 32)
      return undefined;
    const bits = new Uint8Array(Buffer.from(base64, 'base64'));
    return bits.length ? new BloomFilter(bits, probes) : undefined;
  }

  toBase64(): string {
    return Buffer.from(this.bits.buffer, this.bits.byteOffset, this.bits.byteLength).toString('base64');
  }

  add(key: string): void {
    this.probe(key, (byte, mask) => {
      this.bits[byte] |= mask;
      return true;
    });
  }

  mayHave(key: string): boolean {
    return this.probe(key, (byte, mask) => (this.bits[byte] & mask) !== 0);
  }

  /** Visits the key's bits (double hashing); stops at the first visit that returns false. */
  private probe(key: string, visit: (byte: number, mask: number) => boolean): boolean {
    const size = this.bits.length * 8;
    const [h1, h2] = hashes(key);
    for (let i = 0; i < this.probes; i++) {
      const bit = (h1 + Math.imul(i, h2 | 1)) >>> 0;
      const at = bit % size;
      if (!visit(at >>> 3, 1 << (at & 7))) return false;
    }
    return true;
  }
}

/** Two independent 32-bit hashes of the key's UTF-16 code units (FNV-1a, and FNV-1a with a final mix). */
function hashes(key: string): [number, number] {
  let a = 0x811c9dc5;
  let b = 0x01000193 ^ key.length;
  for (let i = 0; i < key.length; i++) {
    const c = key.charCodeAt(i);
    a = Math.imul(a ^ c, 0x01000193);
    b = Math.imul(b ^ c, 0x5bd1e995);
    b ^= b >>> 15;
  }
  b = Math.imul(b ^ (b >>> 13), 0xc2b2ae35);
  b ^= b >>> 16;
  return [a >>> 0, b >>> 0];
}
