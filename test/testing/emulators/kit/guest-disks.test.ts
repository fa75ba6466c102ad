import { execFileSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { readFile } from 'node:fs/promises';
import { afterAll, describe, expect, it } from 'vitest';
import { GuestDiskStore, GuestImageError, sha256OfFile } from '../../../../src/testing/emulators/kit/guest-disks.js';

async function* once(bytes: Uint8Array): AsyncGenerator<Uint8Array> {
  yield bytes;
}

async function collect(source: AsyncIterable<Uint8Array>): Promise<Buffer> {
  const chunks: Buffer[] = [];
  for await (const c of source) chunks.push(Buffer.from(c));
  return Buffer.concat(chunks);
}

describe('GuestDiskStore', () => {
  const store = new GuestDiskStore();
  afterAll(() => store.close());

  it('gives a public image the same synthetic disk every time, and different seeds different bytes', async () => {
    const a = await store.syntheticDisk('ami-1', 2 * 1024 * 1024);
    expect(await store.syntheticDisk('ami-1', 2 * 1024 * 1024)).toBe(a);
    const b = await store.syntheticDisk('ami-2', 2 * 1024 * 1024);
    expect(a.sizeBytes).toBe(2 * 1024 * 1024);
    expect(a.sha256).not.toBe(b.sha256);
    expect((await readFile(a.path)).subarray(0, 30).toString()).toContain('novacron emulated disk ami-1');
    expect(await sha256OfFile(a.path)).toBe(a.sha256);
  });

  it('renders a disk as a real image of each format and reads it back to the same guest bytes', async () => {
    const disk = await store.syntheticDisk('round-trip', 3 * 1024 * 1024);
    for (const format of ['vmdk', 'vhd', 'qcow2', 'vhdx'] as const) {
      const image = await store.render(disk, format);
      expect(await store.render(disk, format)).toBe(image);
      const info = JSON.parse(execFileSync('qemu-img', ['info', '--output=json', ...(format === 'vhd' ? ['-f', 'vpc'] : []), image.path]).toString()) as { format: string };
      expect(info.format).toBe(format === 'vhd' ? 'vpc' : format);
      const back = await store.fromImage(store.read(image.path), format);
      expect(back.sha256).toBe(disk.sha256);
    }
    const raw = await store.fromRaw(store.read(disk.path));
    expect(raw.sha256).toBe(disk.sha256);
    expect((await collect(store.read(disk.path, { start: 0, end: 9 }))).toString()).toBe('novacron e');
  });

  it('refuses an upload that is no image, or another format than declared', async () => {
    const junk = Buffer.from('this is not a disk image at all');
    await expect(store.fromImage(once(junk), 'vmdk')).rejects.toSatisfy((e: unknown) => e instanceof GuestImageError && e.problem === 'unreadable');
    const disk = await store.syntheticDisk('mismatch');
    const qcow = await store.render(disk, 'qcow2');
    await expect(store.fromImage(store.read(qcow.path), 'vmdk')).rejects.toSatisfy((e: unknown) => e instanceof GuestImageError && e.problem === 'format-mismatch' && e.detected === 'qcow2');
    expect(createHash('sha256').update(junk).digest('hex')).toHaveLength(64);
  });
});
