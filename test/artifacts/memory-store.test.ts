import { randomBytes } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { createMemoryArtifactStore, MemoryArtifactBackend, type MemoryArtifactStore } from '../../src/artifacts/memory-store.js';
import { AuthError, InvalidSpecError } from '../../src/provider/errors.js';
import { describeArtifactStoreConformance } from '../../src/testing/artifact-store-conformance.js';
import { collect, rejectionOf } from '../helpers.js';

async function bytesOf(chunks: AsyncIterable<Uint8Array>): Promise<Buffer> {
  const out: Uint8Array[] = [];
  for await (const c of chunks) out.push(c);
  return Buffer.concat(out);
}

async function* once(bytes: Uint8Array): AsyncGenerator<Uint8Array> {
  yield bytes;
}

const backend = new MemoryArtifactBackend({ secret: 'memory-store-credential-0123456789' });
const open = (): MemoryArtifactStore => createMemoryArtifactStore({ name: 'conformance', backend, secret: 'memory-store-credential-0123456789', listPageSize: 5 });

describeArtifactStoreConformance({
  name: 'memory',
  setup: open,
  reopen: open,
  partSizeBytes: 1024,
  readPresigned: async (url, signal) => bytesOf(await open().readPresigned(url, { signal })),
  pendingUploads: async (store, key) => backend.uploadIds(store.name).filter((id) => backend.uploads.get(id)?.key === key).length,
  credentialFailure: {
    secret: 'a-wrong-credential-9876543210',
    store: () => createMemoryArtifactStore({ name: 'conformance', backend, secret: 'a-wrong-credential-9876543210' }),
  },
});

describe('memory artifact store', () => {
  it('refuses a presigned URL once it has expired, or when its signature is altered, without showing the signature', async () => {
    let now = 1_000_000;
    const store = createMemoryArtifactStore({ name: 'clocked', clock: () => now });
    await store.write('disk.raw', once(randomBytes(100)));
    const url = await store.presignRead('disk.raw', { expiresInSeconds: 60 });
    expect((await bytesOf(await store.readPresigned(url))).length).toBe(100);
    const signature = new URL(url.replace('memory://', 'http://')).searchParams.get('signature')!;
    const altered = url.replace(signature, signature.replace(/^./, (c) => (c === '0' ? '1' : '0')));
    const tampered = await rejectionOf(store.readPresigned(altered));
    expect(AuthError.isInstance(tampered)).toBe(true);
    expect(String(tampered)).not.toContain(signature.slice(1));
    now += 61_000;
    const expired = await rejectionOf(store.readPresigned(url));
    expect(AuthError.isInstance(expired)).toBe(true);
    expect((expired as Error).message).toContain('expired');
    expect((expired as Error).message).not.toContain(signature);
  });

  it('keeps each store name apart on one backend', async () => {
    const shared = new MemoryArtifactBackend();
    const a = createMemoryArtifactStore({ name: 'a', backend: shared });
    const b = createMemoryArtifactStore({ name: 'b', backend: shared });
    await a.write('k', once(new Uint8Array([1])));
    expect(await b.head('k')).toBeUndefined();
    expect(await collect(b.list())).toEqual([]);
  });

  it('refuses a session of another store or key', async () => {
    const store = createMemoryArtifactStore({ name: 'a' });
    const session = { store: 'b', key: 'k', uploadId: 'u', partSizeBytes: 1, parts: [], committedBytes: 0 };
    expect(InvalidSpecError.isInstance(await rejectionOf(store.write('k', once(new Uint8Array(1)), { resume: session })))).toBe(true);
    expect(InvalidSpecError.isInstance(await rejectionOf(store.write('other', once(new Uint8Array(1)), { resume: { ...session, store: 'a' } })))).toBe(true);
  });

  it('holds at most two parts of a body at once', async () => {
    const store = createMemoryArtifactStore({ name: 'bounded' });
    let produced = 0;
    let maxAhead = 0;
    let committed = 0;
    async function* body(): AsyncGenerator<Uint8Array> {
      for (let i = 0; i < 40; i++) {
        produced += 256;
        maxAhead = Math.max(maxAhead, produced - committed);
        yield new Uint8Array(256);
      }
    }
    await store.write('big', body(), { partSizeBytes: 1024, onProgress: (n) => (committed = n) });
    expect(maxAhead).toBeLessThanOrEqual(2 * 1024 + 256);
  });
});
