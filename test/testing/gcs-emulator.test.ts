import { createHash, randomBytes } from 'node:crypto';
import { CRC32C, Storage, type StorageOptions } from '@google-cloud/storage';
import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Crc32c, crc32cBase64, GcsEmulatorAuthClient, startGcsEmulator, type GcsEmulator } from '../../src/testing/emulators/gcs/index.js';

/** The emulator's options as the library's types name them (its auth client is structural, as in the GCE tests). */
const asStorageOptions = (options: object): StorageOptions => options as unknown as StorageOptions;

describe('CRC32C', () => {
  it('has the published check value', () => {
    expect(new Crc32c().update(Buffer.from('123456789')).value()).toBe(0xe3069283);
    expect(crc32cBase64(new Uint8Array(0))).toBe('AAAAAA==');
  });

  it('agrees with @google-cloud/storage on any bytes, in any split', () => {
    fc.assert(
      fc.property(fc.uint8Array({ maxLength: 2000 }), fc.nat({ max: 2000 }), (bytes, cut) => {
        const reference = new CRC32C();
        reference.update(Buffer.from(bytes));
        const at = Math.min(cut, bytes.length);
        expect(new Crc32c().update(bytes.subarray(0, at)).update(bytes.subarray(at)).base64()).toBe(reference.toString());
      }),
    );
  });
});

describe('Cloud Storage emulator', () => {
  let emu: GcsEmulator;
  let storage: Storage;
  let base: string;
  let auth: Record<string, string>;
  beforeAll(async () => {
    emu = await startGcsEmulator({ buckets: ['emu'] });
    storage = new Storage(asStorageOptions({ ...emu.clientOptions, retryOptions: { maxRetries: 0 } }));
    base = emu.endpoint;
    auth = { authorization: (await emu.authClient.getRequestHeaders()).get('authorization')! };
  });
  afterAll(async () => {
    await emu.close();
  });

  const session = async (name: string, length?: number): Promise<string> => {
    const res = await fetch(`${base}/upload/storage/v1/b/emu/o?uploadType=resumable&name=${encodeURIComponent(name)}`, {
      method: 'POST',
      headers: { ...auth, 'content-type': 'application/json', ...(length === undefined ? {} : { 'x-upload-content-length': String(length) }) },
      body: JSON.stringify({ metadata: { origin: 'test' } }),
    });
    expect(res.status).toBe(200);
    return res.headers.get('location')!;
  };
  const put = (uri: string, range: string, body?: Uint8Array): Promise<Response> => fetch(uri, { method: 'PUT', headers: { 'content-range': range }, body, redirect: 'manual' });

  it('serves the library: multipart insert, metadata, download with CRC32C, list, patch, delete', async () => {
    const file = storage.bucket('emu').file('dir/a b.txt');
    await file.save('hello world', { resumable: false, contentType: 'text/plain', metadata: { metadata: { k: 'v' } } });
    const [meta] = await file.getMetadata();
    expect(meta).toMatchObject({ kind: 'storage#object', name: 'dir/a b.txt', size: '11', contentType: 'text/plain', metageneration: '1', metadata: { k: 'v' } });
    expect(meta.md5Hash).toBe(createHash('md5').update('hello world').digest('base64'));
    expect(meta.crc32c).toBe(crc32cBase64(Buffer.from('hello world')));
    expect(String((await file.download())[0])).toBe('hello world');
    expect(String((await file.download({ start: 6, end: 10 }))[0])).toBe('world');
    const [files] = await storage.bucket('emu').getFiles({ prefix: 'dir/' });
    expect(files.map((f) => f.name)).toEqual(['dir/a b.txt']);
    const [patched] = await file.setMetadata({ metadata: { x: 'y', k: null } });
    expect(patched).toMatchObject({ metageneration: '2', metadata: { x: 'y' } });
    await file.delete();
    expect((await file.exists())[0]).toBe(false);
  });

  it('takes media inserts, and creates and reads buckets', async () => {
    const res = await fetch(`${base}/upload/storage/v1/b/emu/o?uploadType=media&name=media.bin`, { method: 'POST', headers: { ...auth, 'content-type': 'application/x-raw' }, body: new Uint8Array([0, 1, 2, 255]) });
    expect(res.status).toBe(200);
    expect(await res.json()).toMatchObject({ name: 'media.bin', size: '4', contentType: 'application/x-raw', crc32c: crc32cBase64(new Uint8Array([0, 1, 2, 255])) });
    expect(emu.object('emu', 'media.bin')!.data).toEqual(Buffer.from([0, 1, 2, 255]));
    await storage.createBucket('made-by-test');
    expect((await storage.bucket('made-by-test').exists())[0]).toBe(true);
    expect((await storage.bucket('never-made').exists())[0]).toBe(false);
    await expect(storage.createBucket('made-by-test')).rejects.toMatchObject({ code: 409 });
  });

  it('pages a listing with maxResults and refuses a token made for another query', async () => {
    for (let i = 0; i < 7; i++) await storage.bucket('emu').file(`page/${i}`).save(String(i), { resumable: false });
    const first = await fetch(`${base}/storage/v1/b/emu/o?prefix=page/&maxResults=3`, { headers: auth }).then((r) => r.json() as Promise<{ items: { name: string }[]; nextPageToken: string }>);
    expect(first.items.map((i) => i.name)).toEqual(['page/0', 'page/1', 'page/2']);
    const second = await fetch(`${base}/storage/v1/b/emu/o?prefix=page/&maxResults=3&pageToken=${first.nextPageToken}`, { headers: auth }).then((r) => r.json() as Promise<{ items: { name: string }[] }>);
    expect(second.items.map((i) => i.name)).toEqual(['page/3', 'page/4', 'page/5']);
    const wrong = await fetch(`${base}/storage/v1/b/emu/o?prefix=other/&pageToken=${first.nextPageToken}`, { headers: auth });
    expect(wrong.status).toBe(400);
    const [page, next] = await storage.bucket('emu').getFiles({ prefix: 'page/', maxResults: 2, autoPaginate: false });
    expect(page.map((f) => f.name)).toEqual(['page/0', 'page/1']);
    expect(next).toMatchObject({ pageToken: expect.any(String) as string });
    const [all] = await storage.bucket('emu').getFiles({ prefix: 'page/' });
    expect(all).toHaveLength(7);
  });

  it('runs a resumable session: 308 with Range, quanta of 256 KiB, status queries, finalize, and a finished session answers its object', async () => {
    const data = randomBytes(600 * 1024);
    const uri = await session('resumable.bin');
    const none = await put(uri, 'bytes */*');
    expect(none.status).toBe(308);
    expect(none.headers.get('range')).toBeNull();
    // 300 KiB sent, 256 KiB persisted.
    const partial = await put(uri, `bytes 0-${300 * 1024 - 1}/*`, data.subarray(0, 300 * 1024));
    expect(partial.status).toBe(308);
    expect(partial.headers.get('range')).toBe(`bytes=0-${256 * 1024 - 1}`);
    const ahead = await put(uri, `bytes ${300 * 1024}-${400 * 1024 - 1}/*`, data.subarray(300 * 1024, 400 * 1024));
    expect(ahead.status).toBe(400);
    expect(((await ahead.json()) as { error: { errors: { reason: string }[] } }).error.errors[0]!.reason).toBe('invalid');
    const rest = await put(uri, `bytes ${256 * 1024}-${data.length - 1}/${data.length}`, data.subarray(256 * 1024));
    expect(rest.status).toBe(200);
    const object = (await rest.json()) as { size: string; metadata: Record<string, string>; crc32c: string; generation: string };
    expect(object).toMatchObject({ size: String(data.length), metadata: { origin: 'test' }, crc32c: crc32cBase64(data) });
    const again = await put(uri, `bytes */${data.length}`);
    expect(again.status).toBe(200);
    expect(((await again.json()) as { generation: string }).generation).toBe(object.generation);
    expect(emu.object('emu', 'resumable.bin')!.data.equals(data)).toBe(true);
  });

  it('cancels a session with 499; the session then answers 410', async () => {
    const uri = await session('cancelled.bin');
    expect((await put(uri, 'bytes 0-262143/*', randomBytes(262144))).status).toBe(308);
    const cancelled = await fetch(uri, { method: 'DELETE' });
    expect(cancelled.status).toBe(499);
    expect((await put(uri, 'bytes */*')).status).toBe(410);
    expect(emu.openUploads('emu', 'cancelled.bin')).toBe(0);
    expect(emu.object('emu', 'cancelled.bin')).toBeUndefined();
  });

  it('dropResponse applies the finalize and loses the answer, once', async () => {
    const uri = await session('dropped.bin', 10);
    emu.faults.dropResponse('objects.upload');
    await expect(put(uri, 'bytes 0-9/10', randomBytes(10))).rejects.toThrow();
    expect(emu.object('emu', 'dropped.bin')?.data.byteLength).toBe(10);
    expect((await put(uri, 'bytes */10')).status).toBe(200);
  });

  it('checks generation preconditions', async () => {
    const file = storage.bucket('emu').file('guarded');
    await file.save('one', { resumable: false, preconditionOpts: { ifGenerationMatch: 0 } });
    await expect(file.save('two', { resumable: false, preconditionOpts: { ifGenerationMatch: 0 } })).rejects.toMatchObject({ code: 412 });
    const generation = Number((await file.getMetadata())[0].generation);
    await file.save('three', { resumable: false, preconditionOpts: { ifGenerationMatch: generation } });
    const [meta] = await file.getMetadata();
    expect(Number(meta.generation)).toBeGreaterThan(generation);
  });

  it('speaks Cloud Storage errors: 404 notFound, 401 for an unknown token, 429 with Retry-After when throttled', async () => {
    const missing = await fetch(`${base}/storage/v1/b/emu/o/nope`, { headers: auth });
    expect(missing.status).toBe(404);
    expect(await missing.json()).toEqual({ error: { code: 404, message: 'No such object: emu/nope', errors: [{ message: 'No such object: emu/nope', domain: 'global', reason: 'notFound' }] } });
    const stranger = new Storage(asStorageOptions({ ...emu.clientOptions, authClient: new GcsEmulatorAuthClient({ token: 'ya29.unknown', projectId: emu.project }), retryOptions: { maxRetries: 0 } }));
    await expect(stranger.bucket('emu').file('guarded').getMetadata()).rejects.toMatchObject({ code: 401 });
    emu.faults.throttle(1, { retryAfterMs: 3000, operations: ['objects.list'] });
    const throttled = await fetch(`${base}/storage/v1/b/emu/o`, { headers: auth });
    emu.faults.throttle(0);
    expect(throttled.status).toBe(429);
    expect(throttled.headers.get('retry-after')).toBe('3');
    expect(((await throttled.json()) as { error: { errors: { reason: string }[] } }).error.errors[0]!.reason).toBe('rateLimitExceeded');
    expect(emu.stats.throttled()).toBeGreaterThanOrEqual(1);
  });

  it('failNext and hang act on the named operation', async () => {
    emu.faults.failNext('objects.get', { kind: 'unavailable' });
    expect((await fetch(`${base}/storage/v1/b/emu/o/guarded`, { headers: auth })).status).toBe(503);
    expect((await fetch(`${base}/storage/v1/b/emu/o/guarded`, { headers: auth })).status).toBe(200);
    emu.faults.hang('objects.delete');
    await expect(fetch(`${base}/storage/v1/b/emu/o/guarded`, { method: 'DELETE', headers: auth, signal: AbortSignal.timeout(300) })).rejects.toThrow();
    emu.faults.hang('objects.delete', false);
    expect(emu.object('emu', 'guarded')).toBeDefined();
  });

  it('verifies V4 signed URLs with the service account key: good, tampered, expired, another key', async () => {
    const signer = new Storage({ credentials: emu.serviceAccount, apiEndpoint: emu.endpoint, projectId: emu.project });
    await storage.bucket('emu').file('dir/signed file.txt').save('signed!', { resumable: false });
    const [url] = await signer.bucket('emu').file('dir/signed file.txt').getSignedUrl({ version: 'v4', action: 'read', expires: Date.now() + 60_000 });
    const ok = await fetch(url);
    expect(ok.status).toBe(200);
    expect(await ok.text()).toBe('signed!');
    const ranged = await fetch(url, { headers: { range: 'bytes=0-5' } });
    expect(ranged.status).toBe(206);
    const tampered = url.replace('X-Goog-Expires=60', 'X-Goog-Expires=600');
    expect((await fetch(tampered)).status).toBe(403);
    const other = await startGcsEmulator({ buckets: ['emu'] });
    try {
      const [foreign] = await new Storage({ credentials: other.serviceAccount, apiEndpoint: emu.endpoint, projectId: emu.project }).bucket('emu').file('dir/signed file.txt').getSignedUrl({ version: 'v4', action: 'read', expires: Date.now() + 60_000 });
      const refused = await fetch(foreign);
      expect(refused.status).toBe(403);
      expect(await refused.text()).toContain('<Code>SignatureDoesNotMatch</Code>');
    } finally {
      await other.close();
    }
  });

  it('counts calls per operation', () => {
    const counts = emu.stats.byOperation();
    expect(counts['objects.insert']).toBeGreaterThan(0);
    expect(counts['objects.upload']).toBeGreaterThan(0);
    expect(emu.stats.count('objects.signedGet')).toBeGreaterThanOrEqual(3);
  });
});
