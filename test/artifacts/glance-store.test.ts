/**
 * The Glance artifact store on the OpenStack emulator (Keystone + Glance over https, the real
 * adapter's session and client): the conformance suite, then what is Glance's own — an image per
 * write with its properties, unfinished images invisible, replacement by name, id keys, Range
 * reads, a shared connection, and a refused credential that no error shows.
 */
import { createHash, randomBytes } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createGlanceArtifactStore, type GlanceArtifactStore } from '../../src/artifacts/glance/index.js';
import type { UploadSession } from '../../src/provider/artifact-store.js';
import { InvalidSpecError, NotFoundError, UnsupportedError } from '../../src/provider/errors.js';
import { createOpenStackProvider } from '../../src/providers/openstack/index.js';
import { describeArtifactStoreConformance } from '../../src/testing/artifact-store-conformance.js';
import { startOpenStackEmulator, type OpenStackEmulator } from '../../src/testing/emulators/index.js';
import { rejectionOf } from '../helpers.js';

const WRONG_PASSWORD = 'wrong-password-of-the-glance-suite-9f3a';
const KiB = 1024;

let emu: OpenStackEmulator | undefined;
let starting: Promise<OpenStackEmulator> | undefined;
async function emulator(): Promise<OpenStackEmulator> {
  starting ??= startOpenStackEmulator().then((e) => (emu = e));
  return starting;
}
afterAll(async () => {
  await emu?.close();
});

const storeOn = async (extra: Partial<Parameters<typeof createGlanceArtifactStore>[0]> = {}): Promise<GlanceArtifactStore> => {
  const e = await emulator();
  const { authUrl, region, auth, ca } = e.providerOptions;
  return createGlanceArtifactStore({ name: 'glance-conformance', authUrl, region, auth, ca, listPageSize: 5, pollIntervalMs: 5, retryDelayMs: 2, ...extra } as Parameters<typeof createGlanceArtifactStore>[0]);
};

async function* bodyOf(bytes: Uint8Array, chunk = 4096): AsyncGenerator<Uint8Array> {
  for (let at = 0; at < bytes.length; at += chunk) yield bytes.subarray(at, Math.min(bytes.length, at + chunk));
}
async function bytesOf(chunks: AsyncIterable<Uint8Array>): Promise<Buffer> {
  const out: Uint8Array[] = [];
  for await (const c of chunks) out.push(c);
  return Buffer.concat(out);
}
const sha256 = (b: Uint8Array): string => createHash('sha256').update(b).digest('hex');

describeArtifactStoreConformance({
  name: 'glance (OpenStack emulator)',
  setup: () => storeOn(),
  reopen: () => storeOn(),
  partSizeBytes: 64 * KiB,
  credentialFailure: {
    secret: WRONG_PASSWORD,
    store: async () => {
      const e = await emulator();
      return storeOn({ name: 'glance-refused', auth: { ...e.providerOptions.auth, password: WRONG_PASSWORD } });
    },
  },
});

describe('Glance store: images, properties and reads on the emulator', () => {
  let e: OpenStackEmulator;
  let store: GlanceArtifactStore;
  beforeAll(async () => {
    e = await emulator();
    store = await storeOn({ name: 'glance', diskFormat: 'qcow2' });
  });

  it('writes one image record and one streamed upload, then a patch with novacron-sha256', async () => {
    const data = randomBytes(200 * KiB);
    e.stats.reset();
    const sessions: UploadSession[] = [];
    const written = await store.write('specifics/disk.raw', bodyOf(data), { partSizeBytes: 64 * KiB, metadata: { 'novacron-format': 'raw', Owner: 'team-a' }, onSession: (s) => void sessions.push(s) });
    expect(e.stats.byOperation()).toMatchObject({ 'images.create': 1, 'images.upload': 1, 'images.update': 1 });
    const image = e.state.images().find((i) => i.id === sessions[0]!.uploadId)!;
    expect(image).toMatchObject({ name: 'specifics/disk.raw', status: 'active', disk_format: 'raw', container_format: 'bare', visibility: 'private', 'novacron-sha256': sha256(data), 'novacron-meta-owner': 'team-a' });
    expect(image['novacron-writing']).toBeUndefined();
    expect(sessions).toEqual([{ store: 'glance', key: 'specifics/disk.raw', uploadId: image.id, partSizeBytes: 64 * KiB, parts: [], committedBytes: 0 }]);
    expect(written).toMatchObject({ location: 'glance://specifics/disk.raw', sizeBytes: data.length, sha256: sha256(data), checksum: { algorithm: 'md5', value: createHash('md5').update(data).digest('hex') }, metadata: { owner: 'team-a', 'novacron-format': 'raw' } });
    // The store's default disk_format applies when the write names none.
    await store.write('specifics/default-format', bodyOf(randomBytes(10)));
    expect(e.state.images().find((i) => i.name === 'specifics/default-format')?.disk_format).toBe('qcow2');
  });

  it('shows no image that is queued or saving, and abortUpload removes it', async () => {
    let session: UploadSession | undefined;
    const controller = new AbortController();
    async function* stalls(): AsyncGenerator<Uint8Array> {
      yield randomBytes(200 * KiB); // two parts go out; the third is held for the look-ahead
      await new Promise<never>(() => undefined);
    }
    const writing = store.write('specifics/unfinished', stalls(), {
      partSizeBytes: 64 * KiB,
      signal: controller.signal,
      onSession: (s) => {
        session = s;
      },
    });
    await expect.poll(() => e.state.images().find((i) => i.name === 'specifics/unfinished')?.status, { timeout: 5_000 }).toBe('saving');
    expect(await store.head('specifics/unfinished')).toBeUndefined();
    const listed: unknown[] = [];
    for await (const o of store.list('specifics/unfinished')) listed.push(o);
    expect(listed).toEqual([]);
    controller.abort();
    await expect(writing).rejects.toThrow();
    await store.abortUpload(session!);
    expect(e.state.images().filter((i) => i.name === 'specifics/unfinished')).toEqual([]);
  });

  it('a write to an existing name replaces the older image', async () => {
    const first = randomBytes(1000);
    const second = randomBytes(2000);
    await store.write('specifics/replaced', bodyOf(first));
    await store.write('specifics/replaced', bodyOf(second));
    expect(e.state.images().filter((i) => i.name === 'specifics/replaced')).toHaveLength(1);
    expect((await bytesOf(await store.openRead('specifics/replaced'))).equals(second)).toBe(true);
  });

  it('reads ranges with Range (206) and images of other origins by id, glance://<id> or their Glance URL', async () => {
    const data = randomBytes(70 * KiB);
    await store.write('specifics/ranged', bodyOf(data));
    e.stats.reset();
    expect((await bytesOf(await store.openRead('specifics/ranged', { start: 65_000, end: 66_000 }))).equals(data.subarray(65_000, 66_001))).toBe(true);
    const download = e.requests('images.download').at(-1)!;
    expect(download.status).toBe(206);
    const id = e.state.images().find((i) => i.name === 'specifics/ranged')!.id as string;
    expect(store.locationOf(id)).toBe(`glance://${id}`);
    expect(store.keyOf(`glance://${id}`)).toBe(id);
    expect((await store.head(id))?.sha256).toBe(sha256(data));
    const url = `${e.endpoint}/image/v2/images/${id}`;
    expect(store.keyOf(url)).toBe(id);
    expect(store.keyOf(`https://elsewhere.example/v2/images/${id}`)).toBeUndefined();
    expect(InvalidSpecError.isInstance(await rejectionOf(store.write(id, bodyOf(data))))).toBe(true);
  });

  it('refuses keys longer than a Glance name, presigned reads, and a session with parts', async () => {
    expect(InvalidSpecError.isInstance(await rejectionOf(store.head('x'.repeat(256))))).toBe(true);
    expect(UnsupportedError.isInstance(await rejectionOf(store.presignRead('specifics/ranged')))).toBe(true);
    const bogus: UploadSession = { store: 'glance', key: 'k', uploadId: 'u', partSizeBytes: 64 * KiB, parts: [{ number: 1, sizeBytes: 10, token: 't' }], committedBytes: 10 };
    expect(InvalidSpecError.isInstance(await rejectionOf(store.write('k', bodyOf(new Uint8Array(0)), { resume: bogus })))).toBe(true);
    expect(NotFoundError.isInstance(await rejectionOf(store.openRead('specifics/never')))).toBe(true);
  });

  it('shares the provider’s connection: one token for the adapter and the store', async () => {
    const provider = createOpenStackProvider({ ...e.providerOptions, pollIntervalMs: 5 });
    const shared = createGlanceArtifactStore({ name: 'glance-shared', connection: provider.connection });
    const before = e.stats.tokensIssued();
    for await (const region of provider.regions()) expect(region.name).toBe('RegionOne');
    await shared.write('specifics/shared', bodyOf(randomBytes(100)));
    expect(await shared.head('specifics/shared')).toBeDefined();
    expect(e.stats.tokensIssued() - before).toBe(1);
    expect(JSON.stringify(shared)).not.toContain(e.providerOptions.auth.password);
  });
});
