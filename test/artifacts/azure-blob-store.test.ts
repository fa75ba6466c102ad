import { createHash, randomBytes } from 'node:crypto';
import { BlobServiceClient, RestError } from '@azure/storage-blob';
import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createAzureBlobArtifactStore, type AzureBlobArtifactStore } from '../../src/artifacts/azure-blob/index.js';
import type { UploadSession } from '../../src/provider/artifact-store.js';
import { toBlobStoreError } from '../../src/artifacts/azure-blob/blob-error-mapping.js';
import { decodeMetadataName, encodeMetadataName } from '../../src/artifacts/azure-blob/blob-metadata.js';
import { AuthError, InvalidSpecError, NotFoundError, ProviderUnavailableError, ThrottledError } from '../../src/provider/errors.js';
import { describeArtifactStoreConformance } from '../../src/testing/artifact-store-conformance.js';
import { startAzurite, type RunningAzurite } from '../../src/testing/emulators/azurite.js';

const WRONG_KEY = Buffer.from('not-the-account-key-of-devstoreaccount1').toString('base64');

let azurite: RunningAzurite | undefined;
let starting: Promise<RunningAzurite> | undefined;
/** One Azurite for the file, started by whichever suite needs it first. */
async function emulator(): Promise<RunningAzurite> {
  starting ??= startAzurite().then((a) => (azurite = a));
  return starting;
}
async function containerOf(name: string): Promise<void> {
  const a = await emulator();
  await BlobServiceClient.fromConnectionString(a.connectionString).getContainerClient(name).createIfNotExists();
}
afterAll(async () => {
  await azurite?.close();
});

async function* bodyOf(bytes: Uint8Array, chunk = 1000, from = 0): AsyncGenerator<Uint8Array> {
  for (let at = from; at < bytes.length; at += chunk) yield bytes.subarray(at, Math.min(bytes.length, at + chunk));
}
async function bytesOf(chunks: AsyncIterable<Uint8Array>): Promise<Buffer> {
  const out: Uint8Array[] = [];
  for await (const c of chunks) out.push(c);
  return Buffer.concat(out);
}
const sha256 = (b: Uint8Array): string => createHash('sha256').update(b).digest('hex');

for (const blobType of ['block', 'page'] as const) {
  const container = `conformance-${blobType}`;
  const make = async (): Promise<AzureBlobArtifactStore> => {
    const a = await emulator();
    await containerOf(container);
    return createAzureBlobArtifactStore({ name: `azurite-${blobType}`, ...a.storeOptions(container), blobType, prefix: 'suite/', listPageSize: 5 });
  };
  describeArtifactStoreConformance({
    name: `Azure Blob (${blobType} blobs, Azurite)`,
    setup: make,
    reopen: make,
    partSizeBytes: blobType === 'page' ? 1024 : 64 * 1024,
    credentialFailure: {
      secret: WRONG_KEY,
      store: async () => {
        const a = await emulator();
        return createAzureBlobArtifactStore({ name: 'azurite-refused', connectionString: a.connectionString.replace(a.accountKey, WRONG_KEY), container, blobType, maxRetries: 0 });
      },
    },
  });
}

describe('Azure Blob store: page blobs (Azurite)', () => {
  const container = 'page-specifics';
  let store: AzureBlobArtifactStore;
  let service: BlobServiceClient;
  beforeAll(async () => {
    const a = await emulator();
    await containerOf(container);
    service = BlobServiceClient.fromConnectionString(a.connectionString);
    store = createAzureBlobArtifactStore({ name: 'pages', ...a.storeOptions(container), blobType: 'page', partSizeBytes: 4096 });
  }, 60_000);

  it('declares that page blobs need their size and take 512-aligned parts of at most 4 MiB', () => {
    expect(store.capabilities).toMatchObject({ needsSize: true, minPartBytes: 512, maxPartBytes: 4 * 1024 * 1024, resumableUpload: true });
    expect(() => createAzureBlobArtifactStore({ connectionString: 'UseDevelopmentStorage=true', container, blobType: 'page', partSizeBytes: 1000 })).toThrow(InvalidSpecError);
    expect(() => createAzureBlobArtifactStore({ connectionString: 'UseDevelopmentStorage=true', container, blobType: 'page', partSizeBytes: 8 * 1024 * 1024 })).toThrow(InvalidSpecError);
  });

  it('refuses a write whose body is longer or shorter than its sizeBytes', async () => {
    const data = randomBytes(2048);
    for (const [sizeBytes, key] of [[1024, 'too-long'], [4096, 'too-short']] as const) {
      const error = await store.write(key, bodyOf(data), { sizeBytes }).catch((e: unknown) => e);
      expect(InvalidSpecError.isInstance(error), `${key}: ${String(error)}`).toBe(true);
      expect(await store.head(key)).toBeUndefined();
    }
  });

  it('writes a fixed-size VHD-like blob whose size is a multiple of 512, with Content-MD5 and the SHA-256 in its metadata', async () => {
    const data = Buffer.concat([randomBytes(3 * 4096), Buffer.alloc(512, 7)]);
    const written = await store.write('disk.vhd', bodyOf(data, 3000), { sizeBytes: data.length, contentType: 'application/octet-stream' });
    const props = await service.getContainerClient(container).getPageBlobClient('disk.vhd').getProperties();
    expect(props.blobType).toBe('PageBlob');
    expect(props.contentLength).toBe(data.length);
    expect(Buffer.from(props.contentMD5!).toString('hex')).toBe(createHash('md5').update(data).digest('hex'));
    expect(props.metadata).toMatchObject({ novacron_hsha256: sha256(data) });
    expect(written).toMatchObject({ sizeBytes: data.length, sha256: sha256(data), checksum: { algorithm: 'md5' } });
    expect(written.location).toMatch(/^http:\/\/127\.0\.0\.1:\d+\/devstoreaccount1\/page-specifics\/disk\.vhd$/);
  });

  it('without sizeBytes, grows the page blob part by part and ends at its size', async () => {
    const data = randomBytes(3 * 4096 + 700);
    const written = await store.write('grown.vhd', bodyOf(data, 2500));
    expect(written.sizeBytes).toBe(data.length);
    const props = await service.getContainerClient(container).getPageBlobClient('grown.vhd').getProperties();
    expect(props.contentLength).toBe(Math.ceil(data.length / 512) * 512);
    expect((await bytesOf(await store.openRead('grown.vhd'))).equals(data)).toBe(true);
    expect(written.sha256).toBe(sha256(data));
  });

  it('holds an unaligned size zero-padded to its page and reads back exactly its bytes', async () => {
    const data = randomBytes(1000);
    const written = await store.write('odd.bin', bodyOf(data), { sizeBytes: data.length });
    expect(written.sizeBytes).toBe(1000);
    const props = await service.getContainerClient(container).getPageBlobClient('odd.bin').getProperties();
    expect(props.contentLength).toBe(1024);
    expect((await bytesOf(await store.openRead('odd.bin'))).equals(data)).toBe(true);
    expect((await bytesOf(await store.openRead('odd.bin', { start: 990, end: 5000 }))).equals(data.subarray(990))).toBe(true);
  });

  it('skips all-zero parts: a sparse disk writes only its data pages', async () => {
    const data = Buffer.alloc(5 * 4096);
    randomBytes(4096).copy(data, 0);
    randomBytes(512).copy(data, 4 * 4096 + 512);
    await store.write('sparse.vhd', bodyOf(data, 4096), { sizeBytes: data.length });
    const ranges = await service.getContainerClient(container).getPageBlobClient('sparse.vhd').getPageRanges();
    expect(merged(ranges.pageRange)).toEqual([
      [0, 4095],
      [4 * 4096, 5 * 4096 - 1],
    ]);
    expect((await bytesOf(await store.openRead('sparse.vhd'))).equals(data)).toBe(true);
  });

  it('resumes from the pages written before a crash: hidden until committed, then whole', async () => {
    const data = randomBytes(6 * 4096);
    let session: UploadSession | undefined;
    async function* crashing(): AsyncGenerator<Uint8Array> {
      yield* bodyOf(data.subarray(0, 3 * 4096 + 100), 1500);
      throw new Error('simulated crash');
    }
    await expect(store.write('resumed.vhd', crashing(), { sizeBytes: data.length, onSession: (s) => void (session = s) })).rejects.toThrow('simulated crash');
    // Parts are read one ahead: two went out, the third was still being read when the body failed.
    expect(session).toMatchObject({ committedBytes: 2 * 4096, partSizeBytes: 4096 });
    const blob = service.getContainerClient(container).getPageBlobClient('resumed.vhd');
    const ranges = await blob.getPageRanges();
    expect(merged(ranges.pageRange)).toEqual([[0, 2 * 4096 - 1]]);
    expect((await blob.getProperties()).contentLength).toBe(data.length);
    expect(await store.head('resumed.vhd')).toBeUndefined();
    expect((await collectKeys(store.list('resumed'))).length).toBe(0);

    const a = await emulator();
    const fresh = createAzureBlobArtifactStore({ name: 'pages', ...a.storeOptions(container), blobType: 'page' });
    const progress: number[] = [];
    const written = await fresh.write('resumed.vhd', bodyOf(data, 2048, session!.committedBytes), {
      sizeBytes: data.length,
      resume: JSON.parse(JSON.stringify(session)) as UploadSession,
      onProgress: (n) => progress.push(n),
    });
    expect(progress[0]).toBe(3 * 4096);
    expect(written.sha256).toBe(sha256(data));
    expect((await bytesOf(await fresh.openRead('resumed.vhd'))).equals(data)).toBe(true);
  });

  it('refuses to resume onto a page blob that was finished or replaced', async () => {
    const data = randomBytes(3 * 4096);
    let session: UploadSession | undefined;
    async function* crashing(): AsyncGenerator<Uint8Array> {
      yield data.subarray(0, 2 * 4096 + 10);
      throw new Error('simulated crash');
    }
    await expect(store.write('replaced.vhd', crashing(), { sizeBytes: data.length, onSession: (s) => void (session = s) })).rejects.toThrow('simulated crash');
    await store.write('replaced.vhd', bodyOf(data), { sizeBytes: data.length });
    const error = await store.write('replaced.vhd', bodyOf(data, 1000, session!.committedBytes), { sizeBytes: data.length, resume: session }).catch((e: unknown) => e);
    expect(NotFoundError.isInstance(error), String(error)).toBe(true);
    expect((await store.head('replaced.vhd'))?.sha256).toBe(sha256(data));
  });
});

describe('Azure metadata names', () => {
  it('encode to C# identifiers and decode back to the lower-case name', () => {
    fc.assert(
      fc.property(fc.stringMatching(/^[A-Za-z_][A-Za-z0-9_-]{0,30}$/), (name) => {
        const stored = encodeMetadataName(name);
        expect(stored).toMatch(/^[A-Za-z_][A-Za-z0-9_]*$/);
        expect(decodeMetadataName(stored)).toBe(name.toLowerCase());
      }),
    );
  });
});

describe('Azure Blob error mapping', () => {
  const context = { store: 'blob', operation: 'write', key: 'k', container: 'c', mutating: true };
  it('maps the service codes onto the taxonomy, with Retry-After', () => {
    const server = Object.assign(new RestError('The server is busy.', { statusCode: 503, code: 'ServerBusy' }), { response: { headers: new Map([['retry-after', '7']]) } });
    const busy = toBlobStoreError(server, context);
    expect(ThrottledError.isInstance(busy) && busy.retryAfterMs).toBe(7000);
    expect(ThrottledError.isInstance(toBlobStoreError(new RestError('slow down', { statusCode: 429 }), context))).toBe(true);
    expect(ProviderUnavailableError.isInstance(toBlobStoreError(new RestError('oops', { statusCode: 500, code: 'InternalError' }), context))).toBe(true);
    expect(AuthError.isInstance(toBlobStoreError(new RestError('no', { statusCode: 403, code: 'AuthenticationFailed' }), context))).toBe(true);
    const blob = toBlobStoreError(new RestError('gone', { statusCode: 404, code: 'BlobNotFound' }), context);
    expect(NotFoundError.isInstance(blob) && blob.resourceType).toBe('blob');
    const container = toBlobStoreError(new RestError('gone', { statusCode: 404, code: 'ContainerNotFound' }), context);
    expect(NotFoundError.isInstance(container) && container.resourceId).toBe('c');
    const refused = toBlobStoreError(new RestError('connect ECONNREFUSED', { code: 'ECONNREFUSED' }), context);
    expect(ProviderUnavailableError.isInstance(refused) && refused.requestSent).toBe(false);
  });

  it('keeps no SAS of a failed request in the error', () => {
    const sas = 'sv=2025-01-05&sr=b&sp=r&sig=SECRETsignatureVALUE1234567890abcdefXYZ%3D';
    const error = toBlobStoreError(new RestError(`Server failed to authenticate the request. https://a.blob.core.windows.net/c/k?${sas}`, { statusCode: 403, code: 'AuthenticationFailed' }), context) as Error;
    for (const shown of [String(error), error.message, JSON.stringify(error), String((error as { cause?: unknown }).cause)]) expect(shown).not.toContain('SECRETsignatureVALUE');
  });
});

describe('Azure Blob store: block blobs and errors (Azurite)', () => {
  const container = 'block-specifics';
  let store: AzureBlobArtifactStore;
  let service: BlobServiceClient;
  beforeAll(async () => {
    const a = await emulator();
    await containerOf(container);
    service = BlobServiceClient.fromConnectionString(a.connectionString);
    store = createAzureBlobArtifactStore({ name: 'blocks', ...a.storeOptions(container), partSizeBytes: 64 * 1024 });
  }, 60_000);

  it('stages one block per part with ids from the part number, nothing committed until the end', async () => {
    const data = randomBytes(3 * 64 * 1024 + 5);
    let session: UploadSession | undefined;
    async function* crashing(): AsyncGenerator<Uint8Array> {
      yield* bodyOf(data.subarray(0, 3 * 64 * 1024 + 2), 10_000);
      throw new Error('simulated crash');
    }
    await expect(store.write('staged.img', crashing(), { onSession: (s) => void (session = s) })).rejects.toThrow('simulated crash');
    const blocks = await service.getContainerClient(container).getBlockBlobClient('staged.img').getBlockList('uncommitted');
    expect(blocks.uncommittedBlocks?.map((b) => [Buffer.from(b.name, 'base64').toString(), b.size])).toEqual([
      ['novacron-000001', 64 * 1024],
      ['novacron-000002', 64 * 1024],
    ]);
    expect(session!.parts.map((p) => p.token.split('~')[0])).toEqual(blocks.uncommittedBlocks!.map((b) => b.name));
    const written = await store.write('staged.img', bodyOf(data, 4000, session!.committedBytes), { resume: session });
    expect(written.sha256).toBe(sha256(data));
    expect(written.checksum).toEqual({ algorithm: 'md5', value: createHash('md5').update(data).digest('hex') });
    const committed = await service.getContainerClient(container).getBlockBlobClient('staged.img').getBlockList('committed');
    expect(committed.committedBlocks).toHaveLength(4);
  });

  it('maps a missing container to NotFoundError and a wrong key to AuthError, naming neither key nor URL secrets', async () => {
    const a = await emulator();
    const missing = createAzureBlobArtifactStore({ ...a.storeOptions('no-such-container') });
    const error = await missing.write('x', bodyOf(randomBytes(10))).catch((e: unknown) => e);
    expect(NotFoundError.isInstance(error), String(error)).toBe(true);
    expect((error as NotFoundError).resourceType).toBe('container');
    const refused = createAzureBlobArtifactStore({ connectionString: a.connectionString.replace(a.accountKey, WRONG_KEY), container, maxRetries: 0 });
    const auth = await refused.head('x').catch((e: unknown) => e);
    expect(AuthError.isInstance(auth), String(auth)).toBe(true);
  });

  it('presigns a read-only SAS that expires', async () => {
    const data = randomBytes(700);
    await store.write('presigned.bin', bodyOf(data));
    const url = await store.presignRead('presigned.bin', { expiresInSeconds: 2 });
    expect(new URL(url).searchParams.get('sp')).toBe('r');
    const ok = await fetch(url);
    expect(Buffer.from(await ok.arrayBuffer()).equals(data)).toBe(true);
    const put = await fetch(url, { method: 'PUT', headers: { 'x-ms-blob-type': 'BlockBlob' }, body: 'overwrite' });
    expect(put.status).toBe(403);
    await new Promise((r) => setTimeout(r, 3000));
    expect((await fetch(url)).status).toBe(403);
  });

  it('keeps user metadata whose names Azure cannot hold as they are, and refuses names it cannot encode', async () => {
    const written = await store.write('meta.bin', bodyOf(randomBytes(5)), { metadata: { 'source-format': 'vmdk', under_score: 'x', 'a__b': 'y' } });
    expect(written.metadata).toMatchObject({ 'source-format': 'vmdk', under_score: 'x', a__b: 'y' });
    const error = await store.write('meta2.bin', bodyOf(randomBytes(5)), { metadata: { 'has space': 'no' } }).catch((e: unknown) => e);
    expect(InvalidSpecError.isInstance(error), String(error)).toBe(true);
  });

  it('keyOf and locationOf agree with the account URL form', () => {
    const located = store.locationOf('dir/a b.vhd');
    expect(located).toBe(`${azurite!.blobEndpoint}/${container}/dir/a%20b.vhd`);
    expect(store.keyOf(located)).toBe('dir/a b.vhd');
    expect(store.keyOf(`${azurite!.blobEndpoint}/other/dir/a.vhd`)).toBeUndefined();
    const cloud = createAzureBlobArtifactStore({ accountUrl: 'https://acct.blob.core.windows.net', container: 'images', credential: { getToken: () => Promise.resolve(null) } });
    expect(cloud.locationOf('x.vhd')).toBe('https://acct.blob.core.windows.net/images/x.vhd');
  });
});

async function collectKeys(items: AsyncIterable<{ key: string }>): Promise<string[]> {
  const out: string[] = [];
  for await (const i of items) out.push(i.key);
  return out;
}

/** Page ranges as [first, last] byte pairs, adjacent ones merged (Azurite answers one range per Put Page; the SDK's `count` is last - first). */
function merged(ranges: readonly { offset: number; count?: number }[] | undefined): [number, number][] {
  const out: [number, number][] = [];
  for (const r of ranges ?? []) {
    const last = out.at(-1);
    if (last && last[1] + 1 === r.offset) last[1] = r.offset + (r.count ?? 0);
    else out.push([r.offset, r.offset + (r.count ?? 0)]);
  }
  return out;
}
