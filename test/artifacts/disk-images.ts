/**
 * Small real disk images for the artifact tests: `qemu-img create -f raw`, then known bytes
 * written at offsets with node:fs (a header, a random block, a tail), so conversions are real
 * and the raw guest bytes have a known SHA-256.
 */
import { execFileSync } from 'node:child_process';
import { createHash, randomBytes } from 'node:crypto';
import { createReadStream } from 'node:fs';
import { open, readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { qemuFormatName, type DiskFormat } from '../../src/artifacts/disk-format.js';

/** A raw image made for a test. */
export interface TestDisk {
  readonly path: string;
  readonly sizeBytes: number;
  readonly sha256: string;
}

/** A raw disk of `mib` MiB with a header at 0, `randomBytes` random bytes at 1 MiB − 4 KiB, and a tail marker. */
export async function makeRawDisk(dir: string, name: string, options: { mib?: number; randomBytes?: number; seed?: string } = {}): Promise<TestDisk> {
  const mib = options.mib ?? 3;
  const path = join(dir, name);
  execFileSync('qemu-img', ['create', '-q', '-f', 'raw', path, `${mib}M`]);
  const file = await open(path, 'r+');
  try {
    await file.write(Buffer.from(`novacron test disk ${options.seed ?? name}\n`), 0, undefined, 0);
    await file.write(randomBytes(options.randomBytes ?? 512 * 1024), 0, undefined, 1024 * 1024 - 4096);
    await file.write(Buffer.from('tail'), 0, undefined, mib * 1024 * 1024 - 4);
  } finally {
    await file.close();
  }
  return { path, sizeBytes: mib * 1024 * 1024, sha256: await sha256File(path) };
}

/** SHA-256 of a file (hex). */
export async function sha256File(path: string): Promise<string> {
  const hash = createHash('sha256');
  for await (const chunk of createReadStream(path) as AsyncIterable<Buffer>) hash.update(chunk);
  return hash.digest('hex');
}

/** SHA-256 of bytes (hex). */
export function sha256Of(bytes: Uint8Array): string {
  return createHash('sha256').update(bytes).digest('hex');
}

/** Converts with the system qemu-img (not the wrapper under test). */
export function qemuConvert(source: string, sourceFormat: DiskFormat, target: string, targetFormat: DiskFormat, options: string[] = []): void {
  execFileSync('qemu-img', ['convert', '-q', '-f', qemuFormatName(sourceFormat), '-O', qemuFormatName(targetFormat), ...(options.length ? ['-o', options.join(',')] : []), source, target]);
}

/** SHA-256 of the raw guest bytes of an image in any format. */
export async function guestSha256(path: string, format: DiskFormat, scratch: string): Promise<string> {
  if (format === 'raw') return sha256File(path);
  const raw = join(scratch, `guest-${randomBytes(4).toString('hex')}.raw`);
  qemuConvert(path, format, raw, 'raw');
  return sha256File(raw);
}

/** `qemu-img info --output=json` of a file, by the system binary. */
export function qemuInfo(path: string): { format: string; 'virtual-size': number; 'format-specific'?: { data?: Record<string, unknown> } } {
  return JSON.parse(execFileSync('qemu-img', ['info', '--output=json', path], { encoding: 'utf8' })) as never;
}

/** The whole content of a file. */
export function readAll(path: string): Promise<Buffer> {
  return readFile(path);
}

/** The VHD footer's cookie, disk type (2: fixed) and current size, read from the file's last 512 bytes. */
export async function vhdFooter(path: string): Promise<{ cookie: string; diskType: number; currentSize: number }> {
  const bytes = await readFile(path);
  const footer = bytes.subarray(bytes.length - 512);
  return { cookie: footer.subarray(0, 8).toString('latin1'), diskType: footer.readUInt32BE(60), currentSize: Number(footer.readBigUInt64BE(48)) };
}
