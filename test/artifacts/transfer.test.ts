/**
 * transferArtifact between memory stores, on small real images: straight streamed copies,
 * conversions with the guest bytes equal at every hop of a round trip through every cloud's
 * format, end-to-end checksum verification, resume from the last part (reusing the spooled file,
 * or converting again — where VMDK's new bytes force a fresh upload and qcow2's identical bytes
 * let it continue), and nothing left behind after a failure.
 */
import { execFileSync } from 'node:child_process';
import { createReadStream, createWriteStream } from 'node:fs';
import { mkdir, mkdtemp, readdir, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pipeline } from 'node:stream/promises';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { unpackGceTarGz } from '../../src/artifacts/gce-tar.js';
import { MemoryArtifactBackend, createMemoryArtifactStore, type MemoryArtifactStore } from '../../src/artifacts/memory-store.js';
import { transferArtifact, type TransferProgress, type TransferResult } from '../../src/artifacts/transfer.js';
import { ChecksumMismatchError } from '../../src/artifacts/transfer-errors.js';
import type { ArtifactStore, ArtifactWriteOptions, UploadSession } from '../../src/provider/artifact-store.js';
import { AbortError, ConflictError, ProviderUnavailableError, UnsupportedError } from '../../src/provider/errors.js';
import type { ImageArtifact } from '../../src/provider/types.js';
import { readOperation } from '../../src/federation/operations/durable-operation.js';
import { createMemoryStore } from '../../src/state/memory-store.js';
import { rejectionOf } from '../helpers.js';
import { guestSha256, makeRawDisk, qemuInfo, sha256File, vhdFooter, type TestDisk } from './disk-images.js';

const PART = 128 * 1024;
let dir: string;
let disk: TestDisk;
let backend: MemoryArtifactBackend;
let aws: MemoryArtifactStore;
let azure: MemoryArtifactStore;
let gcs: MemoryArtifactStore;
let glance: MemoryArtifactStore;
let workDir: string;
let source: ImageArtifact;

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'novacron-transfer-'));
  disk = await makeRawDisk(dir, 'vm-disk.raw', { mib: 3, randomBytes: 700 * 1024 });
});
afterAll(async () => {
  if (dir) await rm(dir, { recursive: true, force: true });
});
beforeEach(async () => {
  backend = new MemoryArtifactBackend();
  aws = createMemoryArtifactStore({ name: 'aws-s3', backend, partSizeBytes: PART });
  azure = createMemoryArtifactStore({ name: 'azure-blob', backend, partSizeBytes: PART });
  gcs = createMemoryArtifactStore({ name: 'gcs', backend, partSizeBytes: PART });
  glance = createMemoryArtifactStore({ name: 'glance', backend, partSizeBytes: PART });
  workDir = join(dir, `work-${Math.random().toString(36).slice(2)}`);
  await mkdir(workDir);
  source = await put(aws, 'exports/vm-1.raw', disk.path, 'raw', disk.sha256);
});

async function put(store: ArtifactStore, key: string, path: string, format: ImageArtifact['format'], sha256: string): Promise<ImageArtifact> {
  const object = await store.write(key, createReadStream(path));
  return {
    format,
    location: object.location,
    sizeBytes: object.sizeBytes,
    checksum: { algorithm: 'sha256', value: sha256 },
    sourceProvider: 'aws-east',
    sourceProviderKind: 'aws',
    sourceVmId: 'i-0123',
    baseImage: 'ubuntu-22.04',
    createdAt: '2026-12-01T00:00:00.000Z',
  };
}

/** Downloads an object to a file, for qemu-img to look at. */
async function download(store: ArtifactStore, key: string, name: string): Promise<string> {
  const path = join(dir, `${Math.random().toString(36).slice(2)}-${name}`);
  await pipeline(await store.openRead(key), createWriteStream(path));
  return path;
}

/** A store that fails after `failAfterParts` confirmed parts, or reports a wrong SHA-256, and counts the parts it confirms. */
function faulty(store: ArtifactStore, faults: { failAfterParts?: number; wrongSha256?: boolean; onPart?: (session: UploadSession) => void }): ArtifactStore {
  return {
    specVersion: store.specVersion,
    name: store.name,
    kind: store.kind,
    capabilities: store.capabilities,
    locationOf: (key) => store.locationOf(key),
    keyOf: (location) => store.keyOf(location),
    head: async (key, options) => {
      const object = await store.head(key, options);
      return object && faults.wrongSha256 ? { ...object, sha256: '0'.repeat(64) } : object;
    },
    openRead: (key, options) => store.openRead(key, options),
    write: (key, body, options: ArtifactWriteOptions = {}) =>
      store.write(key, body, {
        ...options,
        onSession: async (session) => {
          await options.onSession?.(session);
          faults.onPart?.(session);
          if (faults.failAfterParts !== undefined && session.parts.length >= faults.failAfterParts) throw new ProviderUnavailableError({ provider: store.name, message: 'injected: connection reset' });
        },
      }),
    abortUpload: (session, options) => store.abortUpload(session, options),
    delete: (key, options) => store.delete(key, options),
    list: (prefix, options) => store.list(prefix, options),
    presignRead: (key, options) => store.presignRead(key, options),
  };
}

const stores = (): ArtifactStore[] => [aws, azure, gcs, glance];

describe('transferArtifact: same format', () => {
  it('streams a raw image straight between stores: nothing spooled, checksum and guest hash are the content’s', async () => {
    const phases = new Set<string>();
    const result = await transferArtifact(source, azure, { from: stores(), workDir, verify: 'read-back', onProgress: (p) => phases.add(p.phase) });
    expect(result).toMatchObject({ spooled: false, packaging: 'none', sha256: disk.sha256, guestSha256: disk.sha256, guestSizeBytes: disk.sizeBytes, resumedFromBytes: 0, uploadedBytes: disk.sizeBytes, reused: false });
    expect(result.artifact).toMatchObject({ format: 'raw', location: 'memory://azure-blob/exports/vm-1.raw', sizeBytes: disk.sizeBytes, checksum: { algorithm: 'sha256', value: disk.sha256 }, sourceVmId: 'i-0123', baseImage: 'ubuntu-22.04' });
    expect((await azure.head('exports/vm-1.raw'))?.sha256).toBe(disk.sha256);
    expect([...phases]).toEqual(['upload', 'verify']);
    expect(await readdir(workDir)).toEqual([]);
  });

  it('a non-raw straight copy has no guest hash unless asked; guestChecksum reads it through qemu-img', async () => {
    const vmdk = (await transferArtifact(source, aws, { from: aws, format: 'vmdk', workDir })).artifact;
    const plain = await transferArtifact(vmdk, glance, { from: aws, workDir });
    expect(plain).toMatchObject({ spooled: false, guestSha256: undefined, sha256: vmdk.checksum.value });
    const checked = await transferArtifact(vmdk, glance, { from: aws, key: 'checked.vmdk', workDir, guestChecksum: true });
    expect(checked).toMatchObject({ spooled: true, guestSha256: disk.sha256, sha256: vmdk.checksum.value });
    expect(await readdir(workDir)).toEqual([]);
  });

  it('a GNU-tar-made disk.raw tar.gz is copied byte for byte, and guestChecksum unpacks it for the guest hash', async () => {
    const src = join(dir, 'gnu-src');
    await mkdir(src, { recursive: true });
    await pipeline(createReadStream(disk.path), createWriteStream(join(src, 'disk.raw')));
    const archive = join(dir, 'gnu.tar.gz');
    execFileSync('tar', ['--format=oldgnu', '-Sczf', archive, '-C', src, 'disk.raw']);
    const packed = await put(gcs, 'gnu/vm.tar.gz', archive, 'raw', await sha256File(archive));
    const plain = await transferArtifact(packed, glance, { from: gcs, workDir });
    expect(plain).toMatchObject({ spooled: false, packaging: 'gce-tar-gz', guestSha256: undefined, sha256: packed.checksum.value });
    const checked = await transferArtifact(packed, glance, { from: gcs, key: 'gnu/checked.tar.gz', workDir, guestChecksum: true });
    expect(checked).toMatchObject({ spooled: true, packaging: 'gce-tar-gz', guestSha256: disk.sha256, sha256: packed.checksum.value });
    const unpacked = await transferArtifact(packed, azure, { from: gcs, key: 'gnu/disk.raw', workDir });
    expect(unpacked).toMatchObject({ packaging: 'none', sha256: disk.sha256, guestSha256: disk.sha256 });
  });
});

describe('transferArtifact: conversions', () => {
  it('a round trip AWS (VMDK) → Azure (fixed VHD) → GCP (disk.raw tar.gz) → OpenStack (qcow2) → AWS (VMDK) keeps the guest bytes at every hop', async () => {
    const hops: { to: MemoryArtifactStore; format: 'vmdk' | 'vhd' | 'raw' | 'qcow2'; key: string; check: (path: string) => Promise<void> }[] = [
      { to: aws, format: 'vmdk', key: 'exports/vm-1.vmdk', check: async (p) => expect(qemuInfo(p)['format-specific']?.data?.['create-type']).toBe('streamOptimized') },
      {
        to: azure,
        format: 'vhd',
        key: 'vhds/vm-1.vhd',
        check: async (p) => {
          const footer = await vhdFooter(p);
          expect(footer).toMatchObject({ cookie: 'conectix', diskType: 2 });
          expect(footer.currentSize % (1024 * 1024)).toBe(0);
        },
      },
      {
        to: gcs,
        format: 'raw',
        key: 'images/vm-1.tar.gz',
        check: async (p) => {
          const raw = join(dir, 'hop-disk.raw');
          await pipeline(unpackGceTarGz(createReadStream(p)), createWriteStream(raw));
          expect(await sha256File(raw)).toBe(disk.sha256);
        },
      },
      { to: glance, format: 'qcow2', key: 'images/vm-1.qcow2', check: async (p) => expect(qemuInfo(p).format).toBe('qcow2') },
      { to: aws, format: 'vmdk', key: 'imports/vm-1.vmdk', check: async (p) => expect(qemuInfo(p).format).toBe('vmdk') },
    ];
    let artifact = source;
    for (const hop of hops) {
      const result: TransferResult = await transferArtifact(artifact, hop.to, { from: stores(), format: hop.format, key: hop.key, workDir });
      expect(result.guestSha256, hop.key).toBe(disk.sha256);
      expect(result.guestSizeBytes).toBe(disk.sizeBytes);
      expect(result.spooled).toBe(true);
      const object = await hop.to.head(hop.key);
      expect(object?.sha256).toBe(result.sha256);
      expect(object?.checksum).toEqual({ algorithm: 'md5', value: result.md5 });
      const path = await download(hop.to, hop.key, hop.key.split('/').pop()!);
      expect(await sha256File(path)).toBe(result.artifact.checksum.value);
      await hop.check(path);
      if (hop.format !== 'raw') expect(await guestSha256(path, hop.format, dir)).toBe(disk.sha256);
      artifact = result.artifact;
    }
    expect(artifact.location).toBe('memory://aws-s3/imports/vm-1.vmdk');
    expect(await readdir(workDir)).toEqual([]);
    expect(backend.uploadIds()).toEqual([]);
  }, 30_000);

  it('packs for Compute Engine by the key’s name, derives keys from the source’s, and reports every phase', async () => {
    const progress: TransferProgress[] = [];
    const result = await transferArtifact(source, gcs, { from: aws, key: 'vm-1.tar.gz', workDir, onProgress: (p) => progress.push(p) });
    expect(result).toMatchObject({ packaging: 'gce-tar-gz', guestSha256: disk.sha256 });
    expect(result.artifact.format).toBe('raw');
    expect((await gcs.head('vm-1.tar.gz'))?.contentType).toBe('application/gzip');
    expect([...new Set(progress.map((p) => p.phase))]).toEqual(['download', 'convert', 'upload', 'verify']);
    expect(progress.filter((p) => p.phase === 'download').at(-1)?.bytes).toBe(disk.sizeBytes);
    const back = await transferArtifact(result.artifact, azure, { from: gcs, format: 'vhd', workDir });
    expect(back.artifact.location).toBe('memory://azure-blob/vm-1.vhd');
    expect(back.guestSha256).toBe(disk.sha256);
  });

  it('without qemu-img, a conversion is an UnsupportedError naming qemu-utils before anything is read or written; raw ↔ tar.gz needs none', async () => {
    const qemuImg = { binary: join(dir, 'no-qemu-img') };
    const error = await rejectionOf(transferArtifact(source, azure, { from: aws, format: 'vhd', workDir, qemuImg }));
    expect(UnsupportedError.isInstance(error)).toBe(true);
    expect((error as Error).message).toMatch(/qemu-utils/);
    expect(await azure.head('exports/vm-1.vhd')).toBeUndefined();
    const packed = await transferArtifact(source, gcs, { from: aws, key: 'a.tar.gz', workDir, qemuImg });
    expect(packed.guestSha256).toBe(disk.sha256);
  });
});

describe('transferArtifact: verification and failures', () => {
  it('a source whose bytes differ from its checksum fails (ChecksumMismatchError, stage source) and leaves nothing', async () => {
    const wrong = { ...source, checksum: { algorithm: 'sha256' as const, value: 'f'.repeat(64) } };
    for (const format of ['raw', 'qcow2'] as const) {
      const error = await rejectionOf(transferArtifact(wrong, azure, { from: aws, format, workDir }));
      expect(ChecksumMismatchError.isInstance(error), format).toBe(true);
      expect((error as ChecksumMismatchError).stage).toBe('source');
      expect(await collectKeys(azure)).toEqual([]);
    }
    expect(backend.uploadIds()).toEqual([]);
    expect(await readdir(workDir)).toEqual([]);
  });

  it('a destination that reports other bytes than were sent fails (stage destination) and its object is deleted', async () => {
    const error = await rejectionOf(transferArtifact(source, faulty(azure, { wrongSha256: true }), { from: aws, format: 'qcow2', workDir }));
    expect(ChecksumMismatchError.isInstance(error)).toBe(true);
    expect((error as ChecksumMismatchError).stage).toBe('destination');
    expect(await collectKeys(azure)).toEqual([]);
    expect(await readdir(workDir)).toEqual([]);
  });

  it('a failure mid-upload aborts the upload: no partial object, no unfinished upload, no work file', async () => {
    for (const format of ['raw', 'vmdk'] as const) {
      const error = await rejectionOf(transferArtifact(source, faulty(azure, { failAfterParts: 2 }), { from: aws, format, workDir }));
      expect(ProviderUnavailableError.isInstance(error), format).toBe(true);
      expect(backend.uploadIds()).toEqual([]);
      expect(await collectKeys(azure)).toEqual([]);
      expect(await readdir(workDir)).toEqual([]);
    }
  });

  it('an abort mid-upload is a novacron AbortError and cleans up the same way', async () => {
    const controller = new AbortController();
    const store = faulty(azure, { onPart: () => controller.abort() });
    const error = await rejectionOf(transferArtifact(source, store, { from: aws, format: 'qcow2', workDir, signal: controller.signal }));
    expect(AbortError.isInstance(error)).toBe(true);
    expect(backend.uploadIds()).toEqual([]);
    expect(await collectKeys(azure)).toEqual([]);
    expect(await readdir(workDir)).toEqual([]);
  });

  it('refuses to overwrite an object already at the key (ConflictError) and leaves it as it was', async () => {
    await azure.write('exports/vm-1.raw', (async function* () {
      yield new TextEncoder().encode('precious');
    })());
    const error = await rejectionOf(transferArtifact(source, azure, { from: aws, workDir }));
    expect(ConflictError.isInstance(error)).toBe(true);
    expect((await azure.head('exports/vm-1.raw'))?.sizeBytes).toBe(8);
    const replaced = await transferArtifact(source, azure, { from: aws, workDir, overwrite: true });
    expect(replaced.sha256).toBe(disk.sha256);
  });
});

describe('transferArtifact: resume', () => {
  const state = createMemoryStore();
  let n = 0;
  const operation = () => ({ store: state, id: `resume-${++n}`, leaseTtlMs: 200 });

  async function interrupted(format: 'raw' | 'qcow2' | 'vmdk', op: ReturnType<typeof operation>): Promise<UploadSession> {
    let last: UploadSession | undefined;
    const error = await rejectionOf(
      transferArtifact(source, faulty(azure, { failAfterParts: 2, onPart: (s) => (last = s) }), { from: aws, format, workDir, operation: op, onFailure: 'keep-resumable' }),
    );
    expect(ProviderUnavailableError.isInstance(error)).toBe(true);
    expect(last?.parts).toHaveLength(2);
    const record = await readOperation(state, op.id);
    expect(record?.status).toBe('failed');
    expect(record?.steps.find((s) => s.name === 'upload')?.output).toMatchObject({ session: { uploadId: last!.uploadId, committedBytes: 2 * PART } });
    return last!;
  }

  async function resumed(format: 'raw' | 'qcow2' | 'vmdk', op: ReturnType<typeof operation>): Promise<{ result: TransferResult; firstParts: number | undefined }> {
    let firstParts: number | undefined;
    const result = await transferArtifact(source, faulty(azure, { onPart: (s) => (firstParts ??= s.parts.length) }), { from: aws, format, workDir, operation: op });
    return { result, firstParts };
  }

  it('a straight copy continues from the last part the store confirmed', async () => {
    const op = operation();
    const session = await interrupted('raw', op);
    expect(backend.uploadIds()).toEqual([session.uploadId]);
    const { result, firstParts } = await resumed('raw', op);
    expect(firstParts).toBe(3); // the next part sent was the third: nothing was sent again
    expect(result).toMatchObject({ resumedFromBytes: 2 * PART, uploadedBytes: disk.sizeBytes - 2 * PART, sha256: disk.sha256 });
    expect(backend.uploadIds()).toEqual([]);
    expect((await azure.head('exports/vm-1.raw'))?.sha256).toBe(disk.sha256);
  });

  it('a converted upload reuses the spooled file when it is intact, even for VMDK', async () => {
    const op = operation();
    await interrupted('vmdk', op);
    expect((await readdir(workDir)).length).toBe(1); // kept for the retry
    const { result, firstParts } = await resumed('vmdk', op);
    expect(firstParts).toBe(3);
    expect(result.resumedFromBytes).toBe(2 * PART);
    expect(result.guestSha256).toBe(disk.sha256);
    const path = await download(azure, 'exports/vm-1.vmdk', 'resumed.vmdk');
    expect(await guestSha256(path, 'vmdk', dir)).toBe(disk.sha256);
    expect(await readdir(workDir)).toEqual([]);
  });

  it('with the spooled file gone, qcow2 converts to the same bytes and continues; VMDK converts to new bytes and starts afresh', async () => {
    const qcow = operation();
    const qcowSession = await interrupted('qcow2', qcow);
    await rm(workDir, { recursive: true, force: true });
    await mkdir(workDir);
    const q = await resumed('qcow2', qcow);
    expect(q.firstParts).toBe(3);
    expect(q.result.resumedFromBytes).toBe(2 * PART);
    expect(backend.uploadIds()).not.toContain(qcowSession.uploadId);

    const vmdk = operation();
    const vmdkSession = await interrupted('vmdk', vmdk);
    await rm(workDir, { recursive: true, force: true });
    await mkdir(workDir);
    await new Promise((r) => setTimeout(r, 1100)); // VMDK's timestamp is in seconds
    const v = await resumed('vmdk', vmdk);
    expect(v.firstParts).toBe(1); // restarted from zero: resuming would have mixed two different files
    expect(v.result.resumedFromBytes).toBe(0);
    expect(backend.uploadIds()).toEqual([]); // the old upload was aborted
    expect(backend.uploadIds()).not.toContain(vmdkSession.uploadId);
    const path = await download(azure, 'exports/vm-1.vmdk', 'restarted.vmdk');
    expect(await sha256File(path)).toBe(v.result.sha256);
    expect(await guestSha256(path, 'vmdk', dir)).toBe(disk.sha256);
  });

  it('a finished transfer run again under its operation id moves nothing and returns its result', async () => {
    const op = operation();
    const first = await transferArtifact(source, azure, { from: aws, format: 'qcow2', workDir, operation: op });
    let parts = 0;
    const again = await transferArtifact(source, faulty(azure, { onPart: () => parts++ }), { from: aws, format: 'qcow2', workDir, operation: op });
    expect(again).toMatchObject({ reused: true, uploadedBytes: 0, sha256: first.sha256, guestSha256: disk.sha256 });
    expect(parts).toBe(0);
    const other = await rejectionOf(transferArtifact(source, azure, { from: aws, format: 'vmdk', workDir, operation: op }));
    expect(ConflictError.isInstance(other)).toBe(true);
  });
});

async function collectKeys(store: ArtifactStore): Promise<string[]> {
  const keys: string[] = [];
  for await (const object of store.list()) keys.push(object.key);
  return keys;
}
