/**
 * The converting half of a transfer: the source is streamed to a file in the work directory
 * (unpacked on the way when it is a GCE `.tar.gz`), turned into the raw guest disk (hashed:
 * that is the guest checksum every hop can compare), and from raw into the target format (or
 * packed as GCE's `disk.raw` tar.gz). Everything goes through raw because Azure's VHD needs a
 * raw image resized to whole MiB first, and because the guest hash needs the raw bytes anyway.
 * Intermediate files are removed as soon as the next one exists; the last one is what the
 * upload sends, and it stays until the transfer ends so that a resumed upload sends the same bytes.
 */
import { createHash, type Hash } from 'node:crypto';
import { createReadStream, createWriteStream } from 'node:fs';
import { rename, rm, stat } from 'node:fs/promises';
import { join } from 'node:path';
import { pipeline } from 'node:stream/promises';
import type { Checksum } from '../provider/types.js';
import { ArtifactFormatError, extensionOf, roundUpToMiB, type ArtifactPackaging, type DiskFormat } from './disk-format.js';
import { packGceTarGz, unpackGceTarGz } from './gce-tar.js';
import type { QemuImg } from './qemu-img.js';
import { createSparseWriteStream } from './sparse-file.js';
import { ChecksumMismatchError } from './transfer-errors.js';

/** SHA-256 and MD5 of a byte stream, and its length. */
export interface ContentDigest {
  /** SHA-256, hex. */
  readonly sha256: string;
  /** MD5, hex (what Azure, GCS, Glance and single-part S3 report). */
  readonly md5: string;
  /** Bytes hashed. */
  readonly sizeBytes: number;
}

/** Hashes bytes as they pass. */
export class ContentHasher {
  private readonly sha = createHash('sha256');
  private readonly md5: Hash = createHash('md5');
  private bytes = 0;

  /** Adds a chunk. */
  update(chunk: Uint8Array): void {
    this.sha.update(chunk);
    this.md5.update(chunk);
    this.bytes += chunk.length;
  }

  /** Bytes seen so far. */
  get sizeBytes(): number {
    return this.bytes;
  }

  /** The digests (once). */
  digest(): ContentDigest {
    return { sha256: this.sha.digest('hex'), md5: this.md5.digest('hex'), sizeBytes: this.bytes };
  }
}

/** The digest of a file, read from the start. */
export async function digestFile(path: string, signal?: AbortSignal, onBytes?: (bytes: number) => void): Promise<ContentDigest> {
  const hasher = new ContentHasher();
  for await (const chunk of createReadStream(path, { signal, highWaterMark: 1024 * 1024 }) as AsyncIterable<Buffer>) {
    hasher.update(chunk);
    onBytes?.(hasher.sizeBytes);
  }
  return hasher.digest();
}

/** Throws {@link ChecksumMismatchError} when `digest` contradicts `expected`. */
export function checkAgainst(expected: Checksum | undefined, digest: ContentDigest, stage: ChecksumMismatchError['stage'], what: string): void {
  if (!expected) return;
  const actual = expected.algorithm === 'sha256' ? digest.sha256 : digest.md5;
  if (actual !== expected.value.toLowerCase()) {
    throw new ChecksumMismatchError({ stage, expected: expected.value, actual, message: `${what}: ${expected.algorithm} is ${actual}, expected ${expected.value}` });
  }
}

/** The file a spool produced: what the upload sends. */
export interface SpooledImage {
  /** Path of the file. */
  readonly path: string;
  /** Its size. */
  readonly sizeBytes: number;
  /** Its SHA-256. */
  readonly sha256: string;
  /** Its MD5. */
  readonly md5: string;
  /** SHA-256 of the raw guest disk it holds. */
  readonly guestSha256: string;
  /** Size of that raw disk (the virtual size). */
  readonly guestSizeBytes: number;
}

/** The phases a spool reports. */
export type SpoolPhase = 'download' | 'convert';

/** What a spool is asked to do. */
export interface SpoolRequest {
  /** The work folder (exists). */
  readonly dir: string;
  /** Opens the source's bytes from the start. */
  readonly open: () => Promise<AsyncIterable<Uint8Array>>;
  /** The source's format. */
  readonly sourceFormat: DiskFormat;
  /** How the source is wrapped. */
  readonly sourcePackaging: ArtifactPackaging;
  /** The checksum the source artifact claims. */
  readonly sourceChecksum: Checksum | undefined;
  /** The format to produce. */
  readonly targetFormat: DiskFormat;
  /** How to wrap it. */
  readonly targetPackaging: ArtifactPackaging;
  /** qemu-img, for any step between formats other than raw. */
  readonly qemuImg: () => QemuImg;
  /** Cancels the spool. */
  readonly signal: AbortSignal;
  /** Reports bytes done in a phase. */
  readonly progress: (phase: SpoolPhase, bytes: number, totalBytes?: number) => void;
}

/** Downloads, converts and hashes; returns the file the upload sends. */
export async function spoolImage(req: SpoolRequest): Promise<SpooledImage> {
  const { dir, signal } = req;
  const guest = join(dir, 'guest.raw');
  // Same format and wrapping (spooled only for the guest hash): the source's own bytes are sent.
  const keep = req.sourceFormat === req.targetFormat && req.sourcePackaging === req.targetPackaging;
  const unpackOnTheWay = req.sourcePackaging === 'gce-tar-gz' && !keep;
  // 1. Download (unpacking disk.raw straight to the guest file when the source is GCE's tar.gz).
  const downloaded = unpackOnTheWay ? guest : join(dir, `source.${extensionOf(req.sourceFormat, req.sourcePackaging)}`);
  const hasher = new ContentHasher();
  req.progress('download', 0);
  async function* tap(source: AsyncIterable<Uint8Array>): AsyncGenerator<Uint8Array> {
    for await (const chunk of source) {
      hasher.update(chunk);
      req.progress('download', hasher.sizeBytes);
      yield chunk;
    }
  }
  const source = tap(await req.open());
  await pipeline(unpackOnTheWay ? unpackGceTarGz(source, { signal }) : source, createSparseWriteStream(downloaded), { signal });
  checkAgainst(req.sourceChecksum, hasher.digest(), 'source', 'the source as downloaded');

  // 2. The raw guest disk.
  req.progress('convert', 0);
  if (downloaded !== guest) {
    if (req.sourcePackaging === 'gce-tar-gz') await pipeline(unpackGceTarGz(createReadStream(downloaded, { signal }), { signal }), createSparseWriteStream(guest), { signal });
    else if (req.sourceFormat !== 'raw') await req.qemuImg().convert({ source: downloaded, sourceFormat: req.sourceFormat, target: guest, targetFormat: 'raw', signal });
    else if (!keep) await rename(downloaded, guest);
    if (!keep) await rm(downloaded, { force: true });
  }
  if (req.targetFormat === 'vhd' && !keep) {
    // Azure counts VHD virtual sizes in whole MiB: grow the disk (with zeros) before converting.
    const size = (await stat(guest)).size;
    if (size % (1024 * 1024) !== 0) await req.qemuImg().resize(guest, 'raw', roundUpToMiB(size), { signal });
  }
  const guestDigest = await digestFile(keep && req.sourceFormat === 'raw' && req.sourcePackaging === 'none' ? downloaded : guest, signal);

  // 3. The target.
  let target = join(dir, `target.${extensionOf(req.targetFormat, req.targetPackaging)}`);
  if (keep) {
    target = downloaded;
    await rm(guest, { force: true });
  } else if (req.targetPackaging === 'gce-tar-gz') {
    await pipeline(packGceTarGz(createReadStream(guest, { signal }), { sizeBytes: guestDigest.sizeBytes, signal }), createWriteStream(target), { signal });
    await rm(guest, { force: true });
  } else if (req.targetFormat === 'raw') {
    await rename(guest, target);
  } else {
    const qemu = req.qemuImg();
    await qemu.convert({ source: guest, sourceFormat: 'raw', target, targetFormat: req.targetFormat, signal });
    await rm(guest, { force: true });
    // The format is given, not probed: qemu-img probes a fixed VHD (its footer is only at the end) as raw.
    const info = await qemu.info(target, { signal, format: req.targetFormat });
    if (info.format !== req.targetFormat || info.virtualSizeBytes !== guestDigest.sizeBytes) {
      throw new ArtifactFormatError({ message: `qemu-img wrote a ${info.qemuFormat} image of ${info.virtualSizeBytes} bytes, expected ${req.targetFormat} of ${guestDigest.sizeBytes}` });
    }
  }
  const digest = await digestFile(target, signal);
  req.progress('convert', digest.sizeBytes, digest.sizeBytes);
  return { path: target, sizeBytes: digest.sizeBytes, sha256: digest.sha256, md5: digest.md5, guestSha256: guestDigest.sha256, guestSizeBytes: guestDigest.sizeBytes };
}

/** True when `image` is still on disk with the recorded size and SHA-256 (a resumed transfer may send it). */
export async function spooledImageIntact(image: SpooledImage, signal?: AbortSignal): Promise<boolean> {
  try {
    if ((await stat(image.path)).size !== image.sizeBytes) return false;
  } catch {
    return false;
  }
  return (await digestFile(image.path, signal)).sha256 === image.sha256;
}
