// Disk image transfer figures (issue 17): a 2 GiB sparse raw disk (32 MiB of random data, the rest
// holes) goes directory (raw) → S3 emulator (stream-optimized VMDK) → Azurite (fixed VHD page blob)
// → GCS emulator (disk.raw in a tar.gz) → Glance on the OpenStack emulator (qcow2) → directory
// (raw), each hop by `transferArtifact`. Printed per hop: seconds, guest MB/s (2 GiB over the
// hop's time), the object's size, and the ratio against a baseline measured in the same run: a
// plain `qemu-img convert` of the same guest disk into the hop's format on the local disk (the
// least any hop that converts must do). The transfers run in a child process and its peak RSS is
// the memory figure (the emulators, which hold the compressed objects in memory, run in this
// process; Azurite in its own). Not part of `npm test`: `node --import tsx bench/artifacts.ts`.
import { execFileSync, spawn } from 'node:child_process';
import { createReadStream } from 'node:fs';
import { mkdir, mkdtemp, open, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { fileURLToPath } from 'node:url';
import { join } from 'node:path';
import { randomBytes } from 'node:crypto';
import { BlobServiceClient } from '@azure/storage-blob';
import { createAzureBlobArtifactStore } from '../src/artifacts/azure-blob/index.js';
import { createGcsArtifactStore } from '../src/artifacts/gcs/index.js';
import { createGlanceArtifactStore } from '../src/artifacts/glance/index.js';
import { createS3ArtifactStore } from '../src/artifacts/s3/index.js';
import { transferArtifact } from '../src/artifacts/transfer.js';
import type { ArtifactStore } from '../src/provider/artifact-store.js';
import type { ImageArtifact } from '../src/provider/types.js';
import { startAzurite } from '../src/testing/emulators/azurite.js';
import { GcsEmulatorAuthClient, startGcsEmulator } from '../src/testing/emulators/gcs/index.js';
import { startOpenStackEmulator } from '../src/testing/emulators/index.js';
import { startS3Emulator } from '../src/testing/emulators/s3/index.js';
import { createDirectoryStore } from '../test/artifacts/directory-store.js';
import { sha256File } from '../test/artifacts/disk-images.js';

const MiB = 1024 * 1024;
const GiB = 1024 * MiB;
const SIZE = Number(process.env.NOVACRON_BENCH_DISK_GIB ?? 2) * GiB;
const DATA = 32 * MiB;
const PART = 4 * MiB;

/** What the child needs to reach the stores. */
interface ChildConfig {
  readonly dir: string;
  readonly rawPath: string;
  readonly guest: string;
  readonly s3: Record<string, unknown>;
  readonly azurite: Record<string, unknown>;
  readonly gcs: { readonly bucket: string; readonly projectId: string; readonly apiEndpoint: string; readonly token: string; readonly credentials: Record<string, unknown> };
  readonly glance: { readonly authUrl: string; readonly region: string; readonly auth: Record<string, unknown>; readonly ca: string };
}

if (process.argv[2] === 'child') await runTransfers(JSON.parse(process.argv[3]!) as ChildConfig);
else await main();

async function main(): Promise<void> {
  const dir = await mkdtemp(join(tmpdir(), 'novacron-bench-artifacts-'));
  const rawPath = join(dir, 'disk.raw');
  {
    const file = await open(rawPath, 'w');
    await file.truncate(SIZE);
    // Data in 4 MiB runs spread over the disk, so every hop sees holes and data interleaved.
    const runs = DATA / (4 * MiB);
    for (let i = 0; i < runs; i++) await file.write(randomBytes(4 * MiB), 0, 4 * MiB, Math.floor((i * (SIZE - 4 * MiB)) / Math.max(1, runs - 1)));
    await file.close();
  }
  const guest = await sha256File(rawPath);
  const [s3emu, azurite, gcsemu, openstack] = await Promise.all([startS3Emulator({ buckets: ['exports'] }), startAzurite(), startGcsEmulator({ buckets: ['images'] }), startOpenStackEmulator()]);
  try {
    await BlobServiceClient.fromConnectionString(azurite.connectionString).getContainerClient('vhds').createIfNotExists();
    const gcsOptions = gcsemu.storeOptions('images');
    const { authUrl, region, auth, ca } = openstack.providerOptions;
    const config: ChildConfig = {
      dir,
      rawPath,
      guest,
      s3: { ...s3emu.providerOptions },
      azurite: { ...azurite.storeOptions('vhds') },
      gcs: { bucket: 'images', projectId: gcsOptions.projectId, apiEndpoint: gcsOptions.apiEndpoint, token: gcsemu.issueToken(), credentials: { ...gcsOptions.credentials } },
      glance: { authUrl, region, auth: auth as unknown as Record<string, unknown>, ca: ca as string },
    };
    console.log(`disk: ${SIZE / GiB} GiB virtual, ${DATA / MiB} MiB of data; each store's default part size; transfers in a child process`);
    const heap = process.env.NOVACRON_BENCH_CHILD_HEAP_MB;
    const child = spawn(process.execPath, [...(heap ? [`--max-old-space-size=${heap}`] : []), '--import', 'tsx', fileURLToPath(import.meta.url), 'child', JSON.stringify(config)], { stdio: ['ignore', 'inherit', 'pipe'] });
    let stderr = '';
    child.stderr.on('data', (c: Buffer) => (stderr = (stderr + c.toString()).slice(-4000)));
    const code = await new Promise<number | null>((resolve) => child.on('close', resolve));
    if (code !== 0) throw new Error(`the transfer process failed (exit ${code}): ${stderr.split('\n').filter((l) => !/NodeVersionSupportWarning|node >=22|AWS SDK|a\.co\/|trace-warnings|^\s*$|continue receiving|security updates|versions published/.test(l)).join('\n')}`);
    const held = s3emu.keys('exports').reduce((sum, key) => sum + (s3emu.object('exports', key)?.bytes.length ?? 0), 0);
    console.log(`(the emulators, in the parent, hold the compressed objects: S3 ${(held / MiB).toFixed(0)} MB, and GCS and Glance as much again)`);
  } finally {
    await Promise.all([s3emu.close(), azurite.close(), gcsemu.close(), openstack.close()]);
    await rm(dir, { recursive: true, force: true });
  }
}

async function runTransfers(c: ChildConfig): Promise<void> {
  let peakRss = process.memoryUsage().rss;
  let peakLive = 0;
  const sampler = setInterval(() => {
    const m = process.memoryUsage();
    peakRss = Math.max(peakRss, m.rss);
    peakLive = Math.max(peakLive, m.heapUsed + m.arrayBuffers);
  }, 20);
  const workDir = join(c.dir, 'work');
  await mkdir(workDir, { recursive: true });
  const local = createDirectoryStore({ root: join(c.dir, 'store'), name: 'local', partSizeBytes: PART });
  const s3 = createS3ArtifactStore({ ...(c.s3 as never), bucket: 'exports', name: 'aws-s3' });
  const azure = createAzureBlobArtifactStore({ ...(c.azurite as never), name: 'azure-blob', blobType: 'page' });
  const authClient = new GcsEmulatorAuthClient({ token: c.gcs.token, projectId: c.gcs.projectId });
  const gcs = createGcsArtifactStore({ name: 'gcs', bucket: c.gcs.bucket, projectId: c.gcs.projectId, apiEndpoint: c.gcs.apiEndpoint, authClient, credentials: c.gcs.credentials as never });
  const glance = createGlanceArtifactStore({ name: 'glance', authUrl: c.glance.authUrl, region: c.glance.region, auth: c.glance.auth as never, ca: c.glance.ca, pollIntervalMs: 20 });
  const stores: ArtifactStore[] = [local, s3, azure, gcs, glance];

  const seeded = await local.write('disk.raw', createReadStream(c.rawPath), { sizeBytes: SIZE, partSizeBytes: PART });
  let artifact: ImageArtifact = {
    format: 'raw',
    location: seeded.location,
    sizeBytes: SIZE,
    checksum: { algorithm: 'sha256', value: c.guest },
    sourceProvider: 'bench',
    sourceProviderKind: 'memory',
    sourceVmId: 'vm-bench',
    baseImage: undefined,
    createdAt: new Date().toISOString(),
  };
  const afterSeed = peakRss;
  const hops = [
    { name: 'dir raw → S3 VMDK', to: s3, format: 'vmdk', key: 'vm.vmdk', qemu: 'vmdk' },
    { name: 'S3 VMDK → Azurite fixed VHD', to: azure, format: 'vhd', key: 'vm.vhd', qemu: 'vpc' },
    { name: 'Azurite VHD → GCS raw tar.gz', to: gcs, format: 'raw', key: 'vm.tar.gz', qemu: undefined },
    { name: 'GCS tar.gz → Glance qcow2', to: glance, format: 'qcow2', key: 'vm.qcow2', qemu: 'qcow2' },
    { name: 'Glance qcow2 → dir raw', to: local, format: 'raw', key: 'back.raw', qemu: undefined },
  ] as const;
  console.log('hop                              seconds   guest MB/s   object MB   baseline s   ratio   guest sha ok   peak RSS MB');
  for (const hop of hops) {
    const baseline = baselineSeconds(c.rawPath, workDir, hop.qemu);
    const started = performance.now();
    const result = await transferArtifact(artifact, hop.to, { from: stores, format: hop.format, key: hop.key, workDir, packaging: hop.to === gcs ? 'gce-tar-gz' : 'none' });
    const seconds = (performance.now() - started) / 1000;
    artifact = result.artifact;
    const ok = result.guestSha256 === undefined ? 'n/a' : result.guestSha256 === c.guest ? 'yes' : 'NO';
    console.log(
      `${hop.name.padEnd(32)} ${seconds.toFixed(2).padStart(7)} ${(SIZE / MiB / seconds).toFixed(0).padStart(12)} ${(result.artifact.sizeBytes / MiB).toFixed(1).padStart(11)} ${baseline === undefined ? '           -' : baseline.toFixed(2).padStart(12)} ${baseline === undefined ? '      -' : (seconds / baseline).toFixed(1).padStart(7)}   ${ok.padEnd(12)} ${(peakRss / MiB).toFixed(0).padStart(11)}`,
    );
  }
  clearInterval(sampler);
  const maxRss = (process.resourceUsage().maxRSS * 1024) / MiB;
  console.log(`peak RSS of the transfer process: ${Math.max(peakRss / MiB, maxRss).toFixed(0)} MB (goal < 200 MB; ${(afterSeed / MiB).toFixed(0)} MB after loading the SDKs and seeding); peak JS heap + buffers in use: ${(peakLive / MiB).toFixed(0)} MB`);
}

/** Seconds of a plain `qemu-img convert` of the raw disk into `format` (the baseline of a converting hop). */
function baselineSeconds(source: string, workDir: string, format: string | undefined): number | undefined {
  if (format === undefined) return undefined;
  const target = join(workDir, `baseline.${format}`);
  const options = format === 'vmdk' ? ['-o', 'subformat=streamOptimized'] : format === 'vpc' ? ['-o', 'subformat=fixed,force_size=on'] : [];
  const started = performance.now();
  execFileSync('qemu-img', ['convert', '-q', '-f', 'raw', '-O', format, ...options, source, target]);
  const seconds = (performance.now() - started) / 1000;
  execFileSync('rm', ['-f', target]);
  return seconds;
}
