/**
 * What the emulated clouds keep of a VM's disk: the raw bytes the guest sees, in a sparse file
 * under a work directory, so that an export writes a real image of them (converted by qemu-img,
 * as the clouds' own export services do) and an import reads a real image back. Disks are never
 * written by a guest here, so a {@link GuestDisk} is immutable: a snapshot, an image made from it
 * and every VM launched from that image share one file, and "copying" a disk is passing the
 * reference on.
 *
 * Public images get a synthetic disk: a header naming the image at offset 0, a few KiB derived
 * from the seed, zeros (holes) elsewhere — small on the host's disk whatever its virtual size.
 */
import { createHash, randomBytes } from 'node:crypto';
import { createReadStream, createWriteStream } from 'node:fs';
import { mkdtemp, open, rm, stat, type FileHandle } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { qemuFormatName, type DiskFormat } from '../../../artifacts/disk-format.js';
import { DiskConversionError, createQemuImg, type DiskImageInfo, type QemuImg } from '../../../artifacts/qemu-img.js';

/** The raw guest bytes of an emulated disk. */
export interface GuestDisk {
  /** Identifier within its store. */
  readonly id: string;
  /** The sparse raw file. */
  readonly path: string;
  /** Size the guest sees, bytes. */
  readonly sizeBytes: number;
  /** SHA-256 of the raw bytes (hex). */
  readonly sha256: string;
}

/** A disk rendered into an image format, ready to be served or stored. */
export interface RenderedImage {
  /** The image file (owned by the store: read it, never delete it). */
  readonly path: string;
  /** Its format. */
  readonly format: DiskFormat;
  /** Length of the file, bytes. */
  readonly sizeBytes: number;
  /** SHA-256 of the file (hex). */
  readonly sha256: string;
}

/** Why an image could not be read as a disk (the emulators map it to their cloud's error). */
export type GuestImageProblem = 'unreadable' | 'format-mismatch';

/** An uploaded image that is no disk image, or not of the format it was declared to be. */
export class GuestImageError extends Error {
  /** What is wrong. */
  readonly problem: GuestImageProblem;
  /** The format qemu-img found, when it found one. */
  readonly detected: string | undefined;

  /** Creates the error. */
  constructor(problem: GuestImageProblem, message: string, detected?: string) {
    super(`[novacron] [emulator] ${message}`);
    this.name = 'GuestImageError';
    this.problem = problem;
    this.detected = detected;
  }
}

/** Options of {@link GuestDiskStore.fromImage}. */
export interface GuestImageReadOptions {
  /** Called with qemu-img's report of the upload once its format is the declared one; throw to refuse it. */
  readonly inspect?: ((info: DiskImageInfo) => void) | undefined;
}

/** Options of {@link GuestDiskStore}. */
export interface GuestDiskStoreOptions {
  /** Work directory (default: a fresh one under the system's temporary directory). */
  readonly dir?: string | undefined;
  /** qemu-img wrapper (default: `qemu-img` on `PATH`, looked up on first conversion). */
  readonly qemuImg?: QemuImg | undefined;
}

const MIB = 1024 * 1024;

/** The guest disks of one emulator instance; {@link GuestDiskStore.close} removes every file. */
export class GuestDiskStore {
  private dir: Promise<string> | undefined;
  private sequence = 0;
  private readonly qemuImg: QemuImg;
  private readonly synthetic = new Map<string, Promise<GuestDisk>>();
  private readonly renders = new Map<string, Promise<RenderedImage>>();

  /** Creates the store; nothing is written until a disk is made. */
  constructor(private readonly options: GuestDiskStoreOptions = {}) {
    this.qemuImg = options.qemuImg ?? createQemuImg();
  }

  /** The synthetic disk of a public image (the same disk for the same seed and size). */
  syntheticDisk(seed: string, sizeBytes: number = MIB): Promise<GuestDisk> {
    const key = `${seed}\0${sizeBytes}`;
    let disk = this.synthetic.get(key);
    if (!disk) {
      disk = this.makeSynthetic(seed, sizeBytes);
      this.synthetic.set(key, disk);
    }
    return disk;
  }

  /** A disk holding exactly `body` (raw guest bytes), written sparse: runs of zeros stay holes. */
  async fromRaw(body: AsyncIterable<Uint8Array>): Promise<GuestDisk> {
    const path = await this.newPath('raw');
    await writeSparse(body, path);
    return this.diskAt(path);
  }

  /**
   * A disk from an uploaded image: the bytes are spooled, probed with `qemu-img info`, and
   * converted to raw. `declared` is the format the caller said it is: a different one found is a
   * `format-mismatch`; bytes qemu-img cannot read as an image (or reads only as `raw` when a
   * structured format was declared) are `unreadable`. `options.inspect` sees qemu-img's report
   * of an image of the declared format before it is converted, and may refuse it by throwing
   * (a cloud's own rules: EC2 takes only stream-optimized VMDKs).
   */
  async fromImage(body: AsyncIterable<Uint8Array>, declared: DiskFormat, options: GuestImageReadOptions = {}): Promise<GuestDisk> {
    const spooled = await this.newPath('upload');
    await pipeline(Readable.from(body, { objectMode: false }), createWriteStream(spooled));
    try {
      let info;
      try {
        info = await this.qemuImg.info(spooled);
        // qemu-img probes a VHD by the footer copy a dynamic VHD starts with; a fixed VHD has its
        // footer only at the end, so it probes as raw: read it as a VHD when that footer is there.
        if (declared === 'vhd' && info.qemuFormat === 'raw' && (await endsWithVhdFooter(spooled))) info = await this.qemuImg.info(spooled, { format: 'vhd' });
      } catch (error) {
        if (DiskConversionError.isInstance(error)) throw new GuestImageError('unreadable', `the upload is not a disk image qemu-img can read (${error.message})`);
        throw error;
      }
      if (info.format !== declared) {
        throw new GuestImageError(info.qemuFormat === 'raw' ? 'unreadable' : 'format-mismatch', `the upload was declared ${declared} but is ${info.qemuFormat}`, info.qemuFormat);
      }
      options.inspect?.(info);
      if (declared === 'raw') return await this.diskAt(spooled);
      const raw = await this.newPath('raw');
      await this.qemuImg.convert({ source: spooled, sourceFormat: declared, target: raw, targetFormat: 'raw' });
      return await this.diskAt(raw);
    } finally {
      if (declared !== 'raw') await rm(spooled, { force: true });
    }
  }

  /**
   * The disk as an image of `format` (raw: the disk's own file), made once per disk and format
   * with qemu-img's creation options for it (stream-optimized VMDK, fixed VHD).
   */
  render(disk: GuestDisk, format: DiskFormat): Promise<RenderedImage> {
    const key = `${disk.id}\0${format}`;
    let rendered = this.renders.get(key);
    if (!rendered) {
      rendered = this.makeRender(disk, format);
      rendered.catch(() => this.renders.delete(key));
      this.renders.set(key, rendered);
    }
    return rendered;
  }

  /** Streams a file of this store (a disk or a rendered image), optionally a byte range (`end` inclusive). */
  read(path: string, range?: { readonly start: number; readonly end: number }): AsyncIterable<Uint8Array> {
    return createReadStream(path, range ? { start: range.start, end: range.end } : {}) as AsyncIterable<Uint8Array>;
  }

  /** Removes the work directory and every disk and image in it. */
  async close(): Promise<void> {
    const dir = this.dir;
    this.dir = undefined;
    this.synthetic.clear();
    this.renders.clear();
    if (dir) await rm(await dir, { recursive: true, force: true });
  }

  private async makeSynthetic(seed: string, sizeBytes: number): Promise<GuestDisk> {
    const path = await this.newPath('raw');
    const file = await open(path, 'w');
    try {
      await file.truncate(sizeBytes);
      const header = Buffer.from(`novacron emulated disk ${seed}\n`);
      const stamp = createHash('sha256').update(seed).digest();
      const block = Buffer.alloc(Math.min(4096, sizeBytes));
      for (let i = 0; i < block.length; i++) block[i] = stamp[i % stamp.length]!;
      header.copy(block, 0, 0, Math.min(header.length, block.length));
      await file.write(block, 0, block.length, 0);
    } finally {
      await file.close();
    }
    return this.diskAt(path);
  }

  private async makeRender(disk: GuestDisk, format: DiskFormat): Promise<RenderedImage> {
    if (format === 'raw') return { path: disk.path, format, sizeBytes: disk.sizeBytes, sha256: disk.sha256 };
    const target = await this.newPath(qemuFormatName(format));
    await this.qemuImg.convert({ source: disk.path, sourceFormat: 'raw', target, targetFormat: format });
    const { size } = await stat(target);
    return { path: target, format, sizeBytes: size, sha256: await sha256OfFile(target) };
  }

  private async diskAt(path: string): Promise<GuestDisk> {
    const { size } = await stat(path);
    return { id: `disk-${++this.sequence}`, path, sizeBytes: size, sha256: await sha256OfFile(path) };
  }

  private async newPath(kind: string): Promise<string> {
    this.dir ??= this.options.dir !== undefined ? Promise.resolve(this.options.dir) : mkdtemp(join(tmpdir(), 'novacron-guest-disks-'));
    return join(await this.dir, `${kind}-${++this.sequence}-${randomBytes(3).toString('hex')}`);
  }
}

/** Granularity of the holes {@link writeSparse} leaves. */
const SPARSE_BLOCK = 64 * 1024;
const ZERO_BLOCK = Buffer.alloc(SPARSE_BLOCK);

/** Writes a stream to a new file, leaving whole zero blocks of each chunk unwritten (holes read as zeros), then sets its length. */
async function writeSparse(body: AsyncIterable<Uint8Array>, path: string): Promise<void> {
  const file = await open(path, 'w');
  try {
    let at = 0;
    for await (const chunk of body) {
      const bytes = Buffer.from(chunk.buffer, chunk.byteOffset, chunk.byteLength);
      let run = -1; // start of the pending run of non-zero blocks
      for (let i = 0; i < bytes.length; i += SPARSE_BLOCK) {
        const end = Math.min(i + SPARSE_BLOCK, bytes.length);
        const zero = bytes.compare(ZERO_BLOCK, 0, end - i, i, end) === 0;
        if (!zero && run < 0) run = i;
        else if (zero && run >= 0) {
          await writeAll(file, bytes.subarray(run, i), at + run);
          run = -1;
        }
      }
      if (run >= 0) await writeAll(file, bytes.subarray(run), at + run);
      at += bytes.length;
    }
    await file.truncate(at);
  } finally {
    await file.close();
  }
}

async function writeAll(file: FileHandle, bytes: Buffer, position: number): Promise<void> {
  for (let done = 0; done < bytes.length; ) done += (await file.write(bytes, done, bytes.length - done, position + done)).bytesWritten;
}

/** Whether the file ends with a VHD footer (cookie `conectix` 512 bytes from the end). */
async function endsWithVhdFooter(path: string): Promise<boolean> {
  const file = await open(path, 'r');
  try {
    const { size } = await file.stat();
    if (size < 512) return false;
    const cookie = Buffer.alloc(8);
    await file.read(cookie, 0, 8, size - 512);
    return cookie.toString('latin1') === 'conectix';
  } finally {
    await file.close();
  }
}

/** SHA-256 of a file (hex). */
export async function sha256OfFile(path: string): Promise<string> {
  const hash = createHash('sha256');
  for await (const chunk of createReadStream(path) as AsyncIterable<Uint8Array>) hash.update(chunk);
  return hash.digest('hex');
}
