/**
 * The qemu-img wrapper on small real images: info and convert between every pair of raw,
 * qcow2, stream-optimized VMDK and fixed (1 MiB-aligned) VHD with the guest bytes compared,
 * the typed errors (missing binary, failed run without paths), abort and timeout killing the
 * child, and the fact behind the transfer's resume rule: VMDK and VHD output differs between runs.
 */
import { chmod, mkdtemp, readFile, rm, stat, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { isDeterministicOutput, MIB, type DiskFormat } from '../../src/artifacts/disk-format.js';
import { createQemuImg, DiskConversionError } from '../../src/artifacts/qemu-img.js';
import { AbortError, TimeoutError, UnsupportedError } from '../../src/provider/errors.js';
import { rejectionOf } from '../helpers.js';
import { guestSha256, makeRawDisk, qemuConvert, qemuInfo, sha256File, vhdFooter, type TestDisk } from './disk-images.js';

let dir: string;
let disk: TestDisk;
const qemu = createQemuImg();
const FORMATS: DiskFormat[] = ['raw', 'qcow2', 'vmdk', 'vhd'];
const images: Partial<Record<DiskFormat, string>> = {};

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'novacron-qemu-'));
  disk = await makeRawDisk(dir, 'base.raw', { mib: 3 });
  images.raw = disk.path;
  for (const format of FORMATS.filter((f) => f !== 'raw')) {
    const path = join(dir, `base.${format}`);
    await qemu.convert({ source: disk.path, sourceFormat: 'raw', target: path, targetFormat: format });
    images[format] = path;
  }
});
afterAll(async () => {
  if (dir) await rm(dir, { recursive: true, force: true });
});

describe('qemu-img info', () => {
  it('reads format, virtual size and actual size, in our format names', async () => {
    const raw = await qemu.info(disk.path);
    expect(raw).toMatchObject({ format: 'raw', qemuFormat: 'raw', virtualSizeBytes: 3 * MIB });
    expect(typeof raw.actualSizeBytes).toBe('number');
    const vhd = await qemu.info(images.vhd!, { format: 'vhd' });
    expect(vhd).toMatchObject({ format: 'vhd', qemuFormat: 'vpc', virtualSizeBytes: 3 * MIB });
    // A fixed VHD has its footer only at the end: probing takes it for raw, so formats are always given.
    expect((await qemu.info(images.vhd!)).format).toBe('raw');
    expect(await qemu.version()).toMatch(/^\d+\.\d+/);
  });

  it('writes VMDK stream-optimized (what EC2 imports and exports)', async () => {
    const info = await qemu.info(images.vmdk!);
    expect(info.format).toBe('vmdk');
    expect(info.formatSpecific?.['create-type']).toBe('streamOptimized');
  });

  it('writes VHD fixed with the exact 1 MiB-aligned virtual size Azure requires: the file is N MiB + a 512-byte footer', async () => {
    const info = await qemu.info(images.vhd!, { format: 'vhd' });
    expect(info.virtualSizeBytes % MIB).toBe(0);
    expect((await stat(images.vhd!)).size).toBe(info.virtualSizeBytes + 512);
    expect(await vhdFooter(images.vhd!)).toEqual({ cookie: 'conectix', diskType: 2, currentSize: info.virtualSizeBytes });
    // Without force_size qemu-img rounds to a CHS geometry instead: the size Azure refuses.
    qemuConvert(disk.path, 'raw', join(dir, 'chs.vhd'), 'vhd', ['subformat=fixed']);
    expect(qemuInfo(join(dir, 'chs.vhd'))['virtual-size'] % MIB).not.toBe(0);
  });
});

describe('qemu-img convert between every pair of formats', () => {
  for (const from of FORMATS) {
    for (const to of FORMATS) {
      if (from === to) continue;
      it(`${from} → ${to} keeps the guest bytes`, async () => {
        const target = join(dir, `pair-${from}-to-${to}.${to}`);
        await qemu.convert({ source: images[from]!, sourceFormat: from, target, targetFormat: to });
        const info = await qemu.info(target, { format: to });
        expect(info.format).toBe(to);
        if (to === 'vhd') expect((await vhdFooter(target)).diskType).toBe(2);
        if (to !== 'vhd') expect((await qemu.info(target)).format).toBe(to); // probed, for the formats that can be
        expect(info.virtualSizeBytes).toBe(disk.sizeBytes);
        expect(await guestSha256(target, to, dir)).toBe(disk.sha256);
      });
    }
  }

  it('resize grows a raw disk to whole MiB with zeros at the end', async () => {
    const odd = join(dir, 'odd.raw');
    await writeFile(odd, Buffer.alloc(MIB + 1000, 7));
    await qemu.resize(odd, 'raw', 2 * MIB);
    const bytes = await readFile(odd);
    expect(bytes.length).toBe(2 * MIB);
    expect(bytes.subarray(0, MIB + 1000).every((b) => b === 7)).toBe(true);
    expect(bytes.subarray(MIB + 1000).every((b) => b === 0)).toBe(true);
  });

  it('VMDK, VHD and VHDX come out different on each run, raw and qcow2 the same (what resume relies on)', async () => {
    for (const format of ['qcow2', 'vmdk', 'vhd', 'vhdx'] as const) {
      const a = join(dir, `det-a.${format}`);
      const b = join(dir, `det-b.${format}`);
      await qemu.convert({ source: disk.path, sourceFormat: 'raw', target: a, targetFormat: format });
      await new Promise((r) => setTimeout(r, 1100)); // the timestamps are in seconds
      await qemu.convert({ source: disk.path, sourceFormat: 'raw', target: b, targetFormat: format });
      expect((await sha256File(a)) === (await sha256File(b)), format).toBe(isDeterministicOutput(format));
    }
  }, 20_000);
});

describe('qemu-img errors', () => {
  it('a missing binary is an UnsupportedError that says to install qemu-utils or qemu-img', async () => {
    const missing = createQemuImg({ binary: join(dir, 'no-such-qemu-img') });
    const error = await rejectionOf(missing.info(disk.path));
    expect(UnsupportedError.isInstance(error)).toBe(true);
    expect((error as UnsupportedError).capability).toBe('qemu-img');
    expect((error as Error).message).toMatch(/qemu-utils/);
    expect((error as Error).message).toMatch(/brew install qemu|dnf install qemu-img/);
    const notOnPath = createQemuImg({ binary: 'qemu-img-that-does-not-exist' });
    expect((await rejectionOf(notOnPath.convert({ source: disk.path, sourceFormat: 'raw', target: join(dir, 'x.qcow2'), targetFormat: 'qcow2' }))) as Error).toMatchObject({ code: 'UNSUPPORTED' });
  });

  it('a failed run is a DiskConversionError with qemu-img’s message and no file paths', async () => {
    const secretDir = join(dir, 'customer-acme-secret-path');
    const error = await rejectionOf(qemu.convert({ source: join(secretDir, 'missing.vmdk'), sourceFormat: 'vmdk', target: join(secretDir, 'out.raw'), targetFormat: 'raw' }));
    expect(DiskConversionError.isInstance(error)).toBe(true);
    const e = error as DiskConversionError;
    expect(e.exitCode).toBe(1);
    expect(e.message).toMatch(/<source>/);
    expect(e.message + e.stderr).not.toMatch(/customer-acme|novacron-qemu-/);
  });

  it('a format the file is not is a DiskConversionError', async () => {
    const error = await rejectionOf(qemu.info(disk.path, { format: 'qcow2' }));
    expect(DiskConversionError.isInstance(error)).toBe(true);
  });

  it('abort kills the child by its pid and rejects with AbortError; the time limit with TimeoutError', async () => {
    const fake = join(dir, 'slow-qemu-img');
    const pidFile = join(dir, 'slow.pid');
    await writeFile(fake, `#!/bin/sh\necho $$ > "${pidFile}"\nexec sleep 30\n`);
    await chmod(fake, 0o755);
    const slow = createQemuImg({ binary: fake });
    const controller = new AbortController();
    const pending = rejectionOf(slow.convert({ source: 'a', sourceFormat: 'raw', target: 'b', targetFormat: 'qcow2', signal: controller.signal }));
    const pid = await waitForPid(pidFile);
    controller.abort();
    expect(AbortError.isInstance(await pending)).toBe(true);
    expect(alive(pid)).toBe(false);

    await rm(pidFile, { force: true });
    const timedOut = await rejectionOf(slow.info('a', { timeoutMs: 300 }));
    expect(TimeoutError.isInstance(timedOut)).toBe(true);
    expect(alive(await waitForPid(pidFile))).toBe(false);
  });
});

async function waitForPid(path: string): Promise<number> {
  for (let i = 0; i < 200; i++) {
    const text = await readFile(path, 'utf8').catch(() => '');
    if (text.trim()) return Number(text.trim());
    await new Promise((r) => setTimeout(r, 10));
  }
  throw new Error('the fake qemu-img never started');
}

function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}
