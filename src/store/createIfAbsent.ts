import type { BlobHTTPHeaders, BlockBlobClient } from '@azure/storage-blob';

/**
 * Uploads `body` only if no blob has that name yet (If-None-Match: *), so of several instances doing
 * it at once exactly one succeeds. True if this call created the blob, false if it was there already;
 * any other failure throws.
 */
export async function createIfAbsent(
  blob: BlockBlobClient,
  body: Buffer | string,
  headers?: BlobHTTPHeaders,
): Promise<boolean> {
  try {
    await blob.upload(body, Buffer.byteLength(body), {
      conditions: { ifNoneMatch: '*' },
      blobHTTPHeaders: headers,
    });
    return true;
  } catch (err) {
    const status = (err as { statusCode?: unknown }).statusCode;
    // 409 BlobAlreadyExists (412 from some versions)
    if (status === 409 || status === 412) return false;
    throw err;
  }
}
