import { createHash, randomBytes } from 'node:crypto';
import { Storage, type StorageOptions } from '@google-cloud/storage';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createGcsArtifactStore, type GcsArtifactStore } from '../../src/artifacts/gcs/index.js';
import type { UploadSession } from '../../src/provider/artifact-store.js';
import { InvalidSpecError, NotFoundError, ThrottledError } from '../../src/provider/errors.js';
import { describeArtifactStoreConformance } from '../../src/testing/artifact-store-conformance.js';
import { GcsEmulatorAuthClient, startGcsEmulator, type GcsEmulator } from '../../src/testing/emulators/gcs/index.js';

const KiB = 1024;
const PART = 256 * KiB;

let emu: GcsEmulator | undefined;
let starting: Promise<GcsEmulator> | undefined;
async function emulator(): Promise<GcsEmulator> {
  starting ??= startGcsEmulator({ buckets: ['conformance', 'specifics'] }).then((e) => (emu = e));
  return starting;
}
afterAll(async () => {
  await emu?.close();
});

async function* bodyOf(bytes: Uint8Array, chunk = 64 * KiB, from = 0): AsyncGenerator<Uint8Array> {
  for (let at = from; at < bytes.length; at += chunk) yield bytes.subarray(at, Math.min(bytes.length, at + chunk));
}
const sha256 = (b: Uint8Array): string => createHash('sha256').update(b).digest('hex');

describeArtifactStoreConformance({
  name: 'Google Cloud Storage (emulator)',
  setup: async () => createGcsArtifactStore({ name: 'gcs-emulator', ...(await emulator()).storeOptions('conformance'), prefix: 'suite/', listPageSize: 5 }),
  reopen: async () => createGcsArtifactStore({ name: 'gcs-emulator', ...(await emulator()).storeOptions('conformance'), prefix: 'suite/', listPageSize: 5 }),
  pendingUploads: async (_store, key) => (await emulator()).openUploads('conformance', `suite/${key}`),
  credentialFailure: {
    secret: 'ya29.revoked-token-of-the-conformance-suite',
    store: async () => {
      const e = await emulator();
      const authClient = new GcsEmulatorAuthClient({ token: 'ya29.revoked-token-of-the-conformance-suite', projectId: e.project });
      return createGcsArtifactStore({ name: 'gcs-refused', bucket: 'conformance', projectId: e.project, apiEndpoint: e.endpoint, authClient, maxRetries: 0 });
    },
  },
});

describe('GCS store: resumable uploads against the emulator', () => {
  let e: GcsEmulator;
  let store: GcsArtifactStore;
  beforeAll(async () => {
    e = await emulator();
    store = createGcsArtifactStore({ name: 'gcs', ...e.storeOptions('specifics'), partSizeBytes: PART });
  });

  it('confirms each part by the offset of the 308 and finalizes with the last chunk', async () => {
    e.stats.reset();
    const data = randomBytes(3 * PART + 1000);
    const sessions: UploadSession[] = [];
    const written = await store.write('three-parts.raw', bodyOf(data), { onSession: (s) => void sessions.push(s) });
    expect(sessions.map((s) => s.committedBytes)).toEqual([PART, 2 * PART, 3 * PART]);
    expect(sessions.map((s) => s.parts.at(-1)!.token.split('~')[0])).toEqual([String(PART), String(2 * PART), String(3 * PART)]);
    // The session URI is the upload's credential: the recorded session holds it sealed, never readable.
    expect(sessions[0]!.uploadId).toMatch(/^sealed-v1\.[A-Za-z0-9_-]+$/);
    expect(JSON.stringify(sessions)).not.toMatch(/upload_id|uploadType/);
    expect(e.stats.byOperation()).toMatchObject({ 'objects.insert': 1, 'objects.upload': 4, 'objects.patch': 1 });
    const stored = e.object('specifics', 'three-parts.raw')!;
    expect(stored.data.equals(data)).toBe(true);
    expect(stored.metadata['novacron-sha256']).toBe(sha256(data));
    expect(stored.metageneration).toBe(2);
    expect(written).toMatchObject({ sizeBytes: data.length, sha256: sha256(data), checksum: { algorithm: 'md5', value: createHash('md5').update(data).digest('hex') }, location: 'gs://specifics/three-parts.raw' });
  });

  it('resolves a finalize whose answer was dropped by asking the session, without writing twice', async () => {
    const data = randomBytes(2 * PART + 77);
    const written = await store.write('dropped-finalize.raw', bodyOf(data), {
      onSession: (s) => {
        if (s.committedBytes === 2 * PART) e.faults.dropResponse('objects.upload');
      },
    });
    expect(written.sha256).toBe(sha256(data));
    expect(e.object('specifics', 'dropped-finalize.raw')!.data.equals(data)).toBe(true);
    const statuses = e.log.requests('objects.upload').slice(-2).map((r) => r.status);
    expect(statuses).toEqual([0, 200]);
  });

  it('re-sends what a dropped chunk answer left unconfirmed and carries on', async () => {
    const data = randomBytes(3 * PART);
    e.faults.dropResponse('objects.upload');
    const written = await store.write('dropped-chunk.raw', bodyOf(data));
    expect(written.sha256).toBe(sha256(data));
    expect(e.object('specifics', 'dropped-chunk.raw')!.data.equals(data)).toBe(true);
  });

  it('resumes in a new store object from the offset Cloud Storage reports, not sending again bytes that landed unrecorded', async () => {
    const data = randomBytes(5 * PART + 5);
    let first: UploadSession | undefined;
    async function* crashing(): AsyncGenerator<Uint8Array> {
      yield* bodyOf(data.subarray(0, 4 * PART + 10));
      throw new Error('simulated crash');
    }
    await expect(store.write('resumed.raw', crashing(), { onSession: (s) => void (first ??= s) })).rejects.toThrow('simulated crash');
    // The process recorded only its first session; parts 2 and 3 landed too (part 4 was held back).
    expect(first!.committedBytes).toBe(PART);
    expect(e.openUploads('specifics', 'resumed.raw')).toBe(1);
    const fresh = createGcsArtifactStore({ name: 'gcs', ...e.storeOptions('specifics') });
    const progress: number[] = [];
    const before = e.stats.count('objects.upload');
    const written = await fresh.write('resumed.raw', bodyOf(data, 10_000, first!.committedBytes), { resume: first, onProgress: (n) => progress.push(n) });
    expect(progress).toEqual([2 * PART, 3 * PART, 4 * PART, 5 * PART, data.length]);
    // One status query, parts 4 and 5, and the last chunk: parts 2 and 3 are not sent again.
    expect(e.stats.count('objects.upload') - before).toBe(4);
    expect(written.sha256).toBe(sha256(data));
    expect(e.object('specifics', 'resumed.raw')!.data.equals(data)).toBe(true);
  });

  it('does not let a store under other credentials resume a sealed session, and cancels it only with the right key', async () => {
    const data = randomBytes(3 * PART);
    let first: UploadSession | undefined;
    async function* crashing(): AsyncGenerator<Uint8Array> {
      yield* bodyOf(data.subarray(0, 2 * PART + 10));
      throw new Error('simulated crash');
    }
    await expect(store.write('sealed.raw', crashing(), { onSession: (s) => void (first ??= s) })).rejects.toThrow('simulated crash');
    const stranger = createGcsArtifactStore({ name: 'gcs', ...e.storeOptions('specifics'), sessionKey: 'another key entirely' });
    const refused = await stranger.write('sealed.raw', bodyOf(data, 10_000, first!.committedBytes), { resume: first }).catch((error: unknown) => error);
    expect(NotFoundError.isInstance(refused), String(refused)).toBe(true);
    expect(String(refused)).not.toMatch(/upload_id/);
    await stranger.abortUpload(first!); // cannot reach it: a no-op
    expect(e.openUploads('specifics', 'sealed.raw')).toBe(1);
    await store.abortUpload(first!);
    expect(e.openUploads('specifics', 'sealed.raw')).toBe(0);
  });

  it('refuses parts that are not multiples of 256 KiB before any I/O', async () => {
    expect(() => createGcsArtifactStore({ ...e.storeOptions('specifics'), partSizeBytes: 300 * KiB })).toThrow(InvalidSpecError);
    const error = await store.write('bad.raw', bodyOf(randomBytes(10)), { partSizeBytes: PART + 1 }).catch((x: unknown) => x);
    expect(InvalidSpecError.isInstance(error), String(error)).toBe(true);
  });

  it('signed URLs read without a token until they expire', async () => {
    const data = randomBytes(5000);
    await store.write('signed.raw', bodyOf(data));
    const url = await store.presignRead('signed.raw', { expiresInSeconds: 1 });
    expect(new URL(url).searchParams.get('X-Goog-Algorithm')).toBe('GOOG4-RSA-SHA256');
    const ok = await fetch(url);
    expect(ok.status).toBe(200);
    expect(Buffer.from(await ok.arrayBuffer()).equals(data)).toBe(true);
    const tampered = new URL(url);
    tampered.pathname = '/specifics/three-parts.raw';
    expect((await fetch(tampered)).status).toBe(403);
    await new Promise((r) => setTimeout(r, 2100));
    const expired = await fetch(url);
    expect(expired.status).toBe(400);
    expect(await expired.text()).toContain('<Code>ExpiredToken</Code>');
  });

  it('maps throttling to ThrottledError once the library stops retrying', async () => {
    const impatient = createGcsArtifactStore({ ...e.storeOptions('specifics'), maxRetries: 0 });
    e.faults.throttle(1, { retryAfterMs: 2000, operations: ['objects.get'] });
    try {
      const error = await impatient.head('three-parts.raw').catch((x: unknown) => x);
      expect(ThrottledError.isInstance(error), String(error)).toBe(true);
    } finally {
      e.faults.throttle(0);
    }
  });

  it('retries a throttled read after Retry-After, and a chunk refused with 503 after asking where the upload stands', async () => {
    e.stats.reset();
    e.faults.failNext('objects.get', { kind: 'throttled', retryAfterMs: 100 });
    expect((await store.head('three-parts.raw'))?.sizeBytes).toBe(3 * PART + 1000);
    expect(e.stats.count('objects.get')).toBe(2);
    const data = randomBytes(2 * PART + 3);
    const written = await store.write('refused-chunk.raw', bodyOf(data), {
      onSession: () => e.faults.failNext('objects.upload', { kind: 'unavailable' }),
    });
    expect(written.sha256).toBe(sha256(data));
    // One refusal after each confirmed part: the chunk after it, and the finalize.
    expect(e.stats.refused('unavailable')).toBe(2);
    expect(e.object('specifics', 'refused-chunk.raw')!.data.equals(data)).toBe(true);
  });

  it('a missing bucket is NotFoundError', async () => {
    const missing = createGcsArtifactStore({ ...e.storeOptions('no-such-bucket'), maxRetries: 0 });
    const error = await missing.write('x', bodyOf(randomBytes(10))).catch((x: unknown) => x);
    expect(NotFoundError.isInstance(error), String(error)).toBe(true);
  });

  it('objects written by the store read back through the library, CRC32C checked', async () => {
    const storage = new Storage({ ...e.clientOptions } as unknown as StorageOptions);
    const [content] = await storage.bucket('specifics').file('three-parts.raw').download();
    expect(content.byteLength).toBe(3 * PART + 1000);
  });
});
