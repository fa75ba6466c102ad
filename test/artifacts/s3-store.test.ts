import { randomBytes } from 'node:crypto';
import { ListMultipartUploadsCommand, S3Client } from '@aws-sdk/client-s3';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createS3ArtifactStore, type S3ArtifactStore } from '../../src/artifacts/s3/index.js';
import { AuthError, NotFoundError } from '../../src/provider/errors.js';
import { describeArtifactStoreConformance } from '../../src/testing/artifact-store-conformance.js';
import { startS3Emulator, type S3Emulator } from '../../src/testing/emulators/s3/index.js';
import { rejectionOf } from '../helpers.js';

const PART = 5 * 1024;
const WRONG_SECRET = 'wrong-secret-key-abcdefghijklmnop123';

async function* bodyOf(bytes: Uint8Array, chunk = 4096, from = 0): AsyncGenerator<Uint8Array> {
  for (let at = from; at < bytes.length; at += chunk) yield bytes.subarray(at, Math.min(bytes.length, at + chunk));
}

async function bytesOf(chunks: AsyncIterable<Uint8Array>): Promise<Buffer> {
  const out: Uint8Array[] = [];
  for await (const c of chunks) out.push(c);
  return Buffer.concat(out);
}

let emu: S3Emulator;
const storeOn = (extra: Partial<Parameters<typeof createS3ArtifactStore>[0]> = {}): S3ArtifactStore =>
  createS3ArtifactStore({ ...emu.providerOptions, bucket: 'artifacts', name: 's3-conformance', retryBaseDelayMs: 5, listPageSize: 5, ...extra });

describeArtifactStoreConformance({
  name: 's3 (emulator)',
  setup: async () => {
    emu = await startS3Emulator({ buckets: ['artifacts'], minPartBytes: PART });
    return storeOn();
  },
  reopen: () => storeOn(),
  teardown: () => emu.close(),
  partSizeBytes: PART,
  pendingUploads: async (_store, key) => emu.uploads('artifacts').filter((u) => u.key === key).length,
  credentialFailure: {
    secret: WRONG_SECRET,
    store: () => storeOn({ credentials: { accessKeyId: emu.providerOptions.credentials.accessKeyId, secretAccessKey: WRONG_SECRET } }),
  },
});

describe('S3 artifact store against the emulator', () => {
  let s3: S3Emulator;
  let store: S3ArtifactStore;
  beforeAll(async () => {
    s3 = await startS3Emulator({ buckets: ['images'], minPartBytes: PART });
    store = createS3ArtifactStore({ ...s3.providerOptions, bucket: 'images', prefix: 'vm-exports/', retryBaseDelayMs: 5 });
  });
  afterAll(() => s3.close());

  it('keeps the SHA-256 as the object tag, under the prefix, and locates objects as s3://bucket/prefix/key', async () => {
    const data = randomBytes(3 * PART + 17);
    const written = await store.write('disk.vmdk', bodyOf(data), { partSizeBytes: PART });
    expect(written.location).toBe('s3://images/vm-exports/disk.vmdk');
    const object = s3.object('images', 'vm-exports/disk.vmdk');
    expect(object?.tags['novacron-sha256']).toBe(written.sha256);
    expect(object?.etag).toMatch(/^"[0-9a-f]{32}-4"$/);
    expect(written.checksum).toBeUndefined(); // a multipart ETag is no MD5
  });

  it('maps a signature failure to AuthError without the secret', async () => {
    const wrong = createS3ArtifactStore({ ...s3.providerOptions, bucket: 'images', credentials: { accessKeyId: s3.providerOptions.credentials.accessKeyId, secretAccessKey: WRONG_SECRET } });
    const error = await rejectionOf(wrong.openRead('anything'));
    expect(AuthError.isInstance(error)).toBe(true);
    expect((error as Error).message).toContain('SignatureDoesNotMatch');
    expect(JSON.stringify(error)).not.toContain(WRONG_SECRET);
    expect(String((error as Error).stack)).not.toContain(WRONG_SECRET);
  });

  it('answers a resume of an upload S3 no longer has with NotFoundError', async () => {
    const data = randomBytes(3 * PART);
    let session: Parameters<NonNullable<Parameters<S3ArtifactStore['write']>[2]>['onSession'] & object>[0] | undefined;
    async function* crashing(): AsyncGenerator<Uint8Array> {
      yield data.subarray(0, 2 * PART + 1);
      throw new Error('crash');
    }
    await rejectionOf(store.write('gone.raw', crashing(), { partSizeBytes: PART, onSession: (s) => void (session = s) }));
    expect(session).toBeDefined();
    const client = new S3Client({ ...s3.clientOptions });
    const uploads = await client.send(new ListMultipartUploadsCommand({ Bucket: 'images' }));
    expect(uploads.Uploads?.map((u) => u.UploadId)).toContain(session!.uploadId);
    await store.abortUpload(session!);
    const error = await rejectionOf(store.write('gone.raw', bodyOf(data, 4096, session!.committedBytes), { resume: session }));
    expect(NotFoundError.isInstance(error)).toBe(true);
    client.destroy();
  });

  it('resolves a CompleteMultipartUpload whose answer was lost', async () => {
    const data = randomBytes(2 * PART + 5);
    s3.faults.dropResponse('CompleteMultipartUpload');
    const before = s3.stats.count('CompleteMultipartUpload');
    const written = await store.write('dropped.raw', bodyOf(data), { partSizeBytes: PART });
    const completes = s3.log.requests('CompleteMultipartUpload').slice(before);
    expect(completes[0]?.status, 'the first answer was lost').toBe(0);
    expect(written.sizeBytes).toBe(data.length);
    expect((await bytesOf(await store.openRead('dropped.raw'))).equals(data)).toBe(true);
    expect(s3.uploads('images')).toEqual([]);
  });

  it('retries SlowDown and gets through', async () => {
    s3.faults.failNext('PutObject', { kind: 'throttled' }, { times: 2 });
    const written = await store.write('throttled.bin', bodyOf(randomBytes(100)));
    expect(written.sizeBytes).toBe(100);
    expect(s3.stats.throttled()).toBeGreaterThanOrEqual(2);
  });

  it('presigns URLs that stop working when they expire', async () => {
    let now = Date.now();
    const clocked = await startS3Emulator({ buckets: ['presigned-bucket'], clock: () => now });
    try {
      const s = createS3ArtifactStore({ ...clocked.providerOptions, bucket: 'presigned-bucket' });
      await s.write('x.bin', bodyOf(Buffer.from('hello')));
      const url = await s.presignRead('x.bin', { expiresInSeconds: 60 });
      expect(await (await fetch(url)).text()).toBe('hello');
      now += 61_000;
      const expired = await fetch(url);
      expect(expired.status).toBe(403);
      expect(await expired.text()).toContain('Request has expired');
    } finally {
      await clocked.close();
    }
  });

  it('does not load the S3 SDK until the first call', async () => {
    const lazy = createS3ArtifactStore({ bucket: 'b', region: 'us-east-1' });
    expect(lazy.locationOf('k')).toBe('s3://b/k');
    expect(lazy.keyOf('s3://b/k')).toBe('k');
    expect(lazy.keyOf('s3://other/k')).toBeUndefined();
  });
});
