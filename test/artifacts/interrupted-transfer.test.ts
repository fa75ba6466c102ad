/**
 * A transfer killed (SIGKILL) mid-upload is resumed by another process from the SQLite state
 * store: it continues the same multipart upload from the part after the last one recorded,
 * re-sending none of them, reuses the spooled VMDK (whose bytes a new conversion would not
 * reproduce), and ends with the right checksum and the guest bytes intact. A failed transfer
 * leaves no partial object, no unfinished upload and no work file.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { createReadStream, createWriteStream } from 'node:fs';
import { mkdir, mkdtemp, readdir, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pipeline } from 'node:stream/promises';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createS3ArtifactStore } from '../../src/artifacts/s3/index.js';
import { transferArtifact } from '../../src/artifacts/transfer.js';
import { startS3Emulator } from '../../src/testing/emulators/s3/index.js';
import { readOperation } from '../../src/federation/operations/durable-operation.js';
import { ProviderUnavailableError } from '../../src/provider/errors.js';
import type { ImageArtifact } from '../../src/provider/types.js';
import { createSqliteStore } from '../../src/state/sqlite/index.js';
import { rejectionOf } from '../helpers.js';
import { createDirectoryStore, partsLog } from './directory-store.js';
import { guestSha256, makeRawDisk, sha256File, sha256Of, type TestDisk } from './disk-images.js';

const PART = 256 * 1024;
const STALL_AFTER = 3;
let dir: string;
let disk: TestDisk;

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'novacron-transfer-kill-'));
  disk = await makeRawDisk(dir, 'vm.raw', { mib: 4, randomBytes: 2 * 1024 * 1024 });
});
afterAll(async () => {
  if (dir) await rm(dir, { recursive: true, force: true });
});

/** Starts the transfer child and SIGKILLs it once it prints `stalled`. */
async function runUntilStalled(env: Record<string, string>): Promise<{ child: ChildProcess; exited: Promise<{ code: number | null; signal: NodeJS.Signals | null }>; stderr: () => string }> {
  const child = spawn(process.execPath, ['--import', 'tsx', fileURLToPath(new URL('./transfer-child.ts', import.meta.url))], { env: { ...process.env, ...env }, stdio: ['ignore', 'pipe', 'pipe'] });
  let stdout = '';
  let stderr = '';
  child.stderr!.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
  const exited = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((resolve) => child.on('exit', (code, signal) => resolve({ code, signal })));
  const stalled = new Promise<void>((resolve, reject) => {
    child.stdout!.on('data', (chunk: Buffer) => {
      stdout += chunk.toString();
      if (stdout.includes('stalled')) resolve();
    });
    void exited.then(() => reject(new Error(`the child ended before stalling: ${stdout}\n${stderr}`)));
    setTimeout(() => reject(new Error('the child never stalled')), 25_000).unref();
  });
  await stalled.finally(() => child.kill('SIGKILL'));
  return { child, exited, stderr: () => stderr };
}

async function sourceArtifact(root: string): Promise<ImageArtifact> {
  const from = createDirectoryStore({ root, name: 'src' });
  const object = await from.write('exports/vm.raw', createReadStream(disk.path));
  return { format: 'raw', location: object.location, sizeBytes: object.sizeBytes, checksum: { algorithm: 'sha256', value: disk.sha256 }, sourceProvider: 'aws-east', sourceProviderKind: 'aws', sourceVmId: 'i-1', baseImage: undefined, createdAt: new Date().toISOString() };
}

describe('an interrupted transfer', () => {
  it('killed mid-upload, is resumed by another process from the last recorded part, with the right checksum', async () => {
    const sourceRoot = join(dir, 'source');
    const destRoot = join(dir, 'dest');
    const workDir = join(dir, 'work');
    await mkdir(workDir);
    const statePath = join(dir, 'state.db');
    const artifact = await sourceArtifact(sourceRoot);
    const operationId = 'transfer-killed-1';
    const { child, exited, stderr } = await runUntilStalled({
      NOVACRON_STATE_PATH: statePath,
      NOVACRON_SOURCE_ROOT: sourceRoot,
      NOVACRON_DEST_ROOT: destRoot,
      NOVACRON_WORK_DIR: workDir,
      NOVACRON_PART_BYTES: String(PART),
      NOVACRON_STALL_AFTER: String(STALL_AFTER),
      NOVACRON_ARTIFACT: JSON.stringify(artifact),
      NOVACRON_FORMAT: 'vmdk',
      NOVACRON_OPERATION_ID: operationId,
    });
    expect((await exited).signal, stderr()).toBe('SIGKILL');

    // What the killed process left: three parts in the store, their session in the record, the spooled VMDK.
    const before = await partsLog(destRoot);
    expect(before.map((p) => p.number)).toEqual([1, 2, 3]);
    expect(new Set(before.map((p) => p.pid))).toEqual(new Set([child.pid]));
    const uploadId = before[0]!.uploadId;
    const state = await createSqliteStore({ path: statePath });
    try {
      const record = await readOperation(state, operationId);
      expect(record?.status).toBe('running');
      const upload = record!.steps.find((s) => s.name === 'upload')!;
      expect(upload.status).toBe('started');
      expect(upload.output).toMatchObject({ session: { uploadId, committedBytes: STALL_AFTER * PART } });
      const prepared = record!.steps.find((s) => s.name === 'prepare')!.output as { path: string; sha256: string };
      expect(await sha256File(prepared.path)).toBe(prepared.sha256);

      // This process resumes: same operation id, same stores, same work folder.
      const to = createDirectoryStore({ root: destRoot, name: 'dst', partSizeBytes: PART });
      const result = await transferArtifact(artifact, to, { from: createDirectoryStore({ root: sourceRoot, name: 'src' }), format: 'vmdk', workDir, operation: { store: state, id: operationId, leaseTtlMs: 1_000 } });
      expect(result.resumedFromBytes).toBe(STALL_AFTER * PART);
      expect(result.uploadedBytes).toBe(result.artifact.sizeBytes - STALL_AFTER * PART);
      expect(result.sha256).toBe(prepared.sha256); // the spooled file was sent, not a new conversion
      expect(result.guestSha256).toBe(disk.sha256);

      const after = (await partsLog(destRoot)).slice(before.length);
      const total = Math.ceil(result.artifact.sizeBytes / PART);
      expect(total).toBeGreaterThan(STALL_AFTER + 1);
      expect(after.map((p) => p.number)).toEqual(Array.from({ length: total - STALL_AFTER }, (_, i) => STALL_AFTER + 1 + i));
      expect(after.every((p) => p.pid === process.pid && p.uploadId === uploadId)).toBe(true);

      const object = await to.head(result.artifact.location.slice('dir://dst/'.length));
      expect(object).toMatchObject({ sizeBytes: result.artifact.sizeBytes, sha256: result.sha256, checksum: { algorithm: 'md5', value: result.md5 } });
      const copy = join(dir, 'copy.vmdk');
      await pipeline(await to.openRead(object!.key), createWriteStream(copy));
      expect(await sha256File(copy)).toBe(result.sha256);
      expect(await guestSha256(copy, 'vmdk', dir)).toBe(disk.sha256);
      expect(await to.uploadsLeft()).toEqual([]);
      expect(await readdir(workDir)).toEqual([]);
      expect((await readOperation(state, operationId))?.status).toBe('succeeded');
    } finally {
      await state.close();
    }
  }, 40_000);

  it('the same through the S3 emulator: the resumed upload sends only the parts after the recorded ones, and the object is right', async () => {
    const emu = await startS3Emulator({ buckets: ['images'], minPartBytes: 64 * 1024 });
    const sourceRoot = join(dir, 'source-s3');
    const workDir = join(dir, 'work-s3');
    await mkdir(workDir);
    const statePath = join(dir, 'state-s3.db');
    const artifact = await sourceArtifact(sourceRoot);
    const s3 = { ...emu.clientOptions, name: 's3-images', bucket: 'images', minPartSizeBytes: 64 * 1024, partSizeBytes: PART, maxAttempts: 1 };
    const operationId = 'transfer-killed-s3';
    try {
      const { exited, stderr } = await runUntilStalled({
        NOVACRON_STATE_PATH: statePath,
        NOVACRON_SOURCE_ROOT: sourceRoot,
        NOVACRON_S3: JSON.stringify(s3),
        NOVACRON_WORK_DIR: workDir,
        NOVACRON_STALL_AFTER: String(STALL_AFTER),
        NOVACRON_ARTIFACT: JSON.stringify(artifact),
        NOVACRON_FORMAT: 'vhd',
        NOVACRON_OPERATION_ID: operationId,
      });
      expect((await exited).signal, stderr()).toBe('SIGKILL');
      expect(emu.stats.count('UploadPart')).toBe(STALL_AFTER);
      expect(emu.uploads('images')).toHaveLength(1);
      const state = await createSqliteStore({ path: statePath });
      try {
        const to = createS3ArtifactStore(s3);
        const result = await transferArtifact(artifact, to, { from: createDirectoryStore({ root: sourceRoot, name: 'src' }), format: 'vhd', workDir, operation: { store: state, id: operationId, leaseTtlMs: 1_000 } });
        const total = Math.ceil(result.artifact.sizeBytes / PART);
        expect(result.resumedFromBytes).toBe(STALL_AFTER * PART);
        expect(emu.stats.count('UploadPart')).toBe(total); // the first three were not sent again
        expect(result.guestSha256).toBe(disk.sha256);
        const object = emu.object('images', 'exports/vm.vhd');
        expect(object && sha256Of(object.bytes)).toBe(result.sha256);
        expect(emu.uploads('images')).toEqual([]);
        expect(await readdir(workDir)).toEqual([]);
      } finally {
        await state.close();
      }
    } finally {
      await emu.close();
    }
  }, 40_000);

  it('a failed transfer leaves no partial object, no unfinished upload and no temp file behind', async () => {
    const sourceRoot = join(dir, 'source-2');
    const destRoot = join(dir, 'dest-2');
    const workDir = join(dir, 'work-2');
    await mkdir(workDir);
    const artifact = await sourceArtifact(sourceRoot);
    const state = await createSqliteStore({ path: join(dir, 'state-2.db') });
    try {
      const to = createDirectoryStore({ root: destRoot, name: 'dst', partSizeBytes: PART, faults: { failAfterParts: 2 } });
      const error = await rejectionOf(transferArtifact(artifact, to, { from: createDirectoryStore({ root: sourceRoot, name: 'src' }), format: 'qcow2', workDir, operation: { store: state, id: 'failing' } }));
      expect(ProviderUnavailableError.isInstance(error)).toBe(true);
      expect((await partsLog(destRoot)).length).toBe(2);
      expect(await to.uploadsLeft()).toEqual([]);
      expect(await readdir(join(destRoot, 'objects')).catch(() => [])).toEqual([]);
      expect(await readdir(workDir)).toEqual([]);
      expect((await readOperation(state, 'failing'))?.status).toBe('failed');
    } finally {
      await state.close();
    }
  });
});
