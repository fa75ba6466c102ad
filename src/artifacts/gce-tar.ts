/**
 * Compute Engine's image packaging: one file named `disk.raw` in a gzip-compressed tar.
 *
 * GCE's import guide (cloud.google.com/compute/docs/import/import-existing-image, read 2026-12
 * through the project's documentation index) builds it with `tar --format=oldgnu -Sczf
 * compressed-image.tar.gz disk.raw`. This module writes that archive by hand — a 512-byte GNU
 * header, the data padded to 512 bytes, two zero blocks and padding to GNU tar's 10 KiB record —
 * and reads it back, streaming both ways through node:zlib: no disk is ever held in memory.
 *
 * Header arithmetic: numeric fields are NUL-terminated octal, so the 12-byte size field holds
 * at most 8 GiB − 1 (11 octal digits). Larger sizes use GNU's base-256 form: the first byte's
 * high bit set, the value big-endian in the remaining bytes. The reader also takes the sparse
 * entries (`S`) that `tar -S` writes, GNU long names (`L`) and pax `path`/`size` records, so
 * that an archive made by GNU tar or bsdtar reads too; the writer never writes sparse entries.
 */
import { Readable, addAbortSignal, pipeline } from 'node:stream';
import { createGunzip, createGzip } from 'node:zlib';
import type { CallOptions } from '../provider/provider-v1.js';
import { ArtifactFormatError } from './disk-format.js';

/** Size of a tar block. */
export const TAR_BLOCK = 512;
/** GNU tar's default record: archives are padded to a multiple of it. */
const TAR_RECORD = 20 * TAR_BLOCK;
/** The name Compute Engine reads. */
export const GCE_DISK_ENTRY = 'disk.raw';
/** Zero bytes handed out for holes and padding (never written to). */
const ZEROS = new Uint8Array(1024 * 1024);

/** Options of {@link packGceTarGz}. */
export interface PackGceTarGzOptions extends CallOptions {
  /** Bytes the disk stream yields; the header needs it before the data. */
  readonly sizeBytes: number;
  /** Modification time written in the header (default the epoch, so that packing is deterministic). */
  readonly mtime?: Date | undefined;
  /** gzip level, 1–9 (default 6, as `gzip` and `tar -z`). */
  readonly level?: number | undefined;
}

/** Encodes `value` into a numeric header field: octal with a NUL when it fits, GNU base-256 otherwise. */
export function encodeTarNumber(value: number, field: Uint8Array): void {
  if (!Number.isSafeInteger(value) || value < 0) throw new RangeError(`tar numbers are non-negative integers: ${value}`);
  const digits = field.length - 1;
  if (value <= 8 ** digits - 1) {
    const text = value.toString(8).padStart(digits, '0');
    for (let i = 0; i < digits; i++) field[i] = text.charCodeAt(i);
    field[digits] = 0;
    return;
  }
  let rest = BigInt(value);
  for (let i = field.length - 1; i >= 1; i--) {
    field[i] = Number(rest & 0xffn);
    rest >>= 8n;
  }
  field[0] = 0x80;
}

/** Decodes a numeric header field (octal or GNU base-256). */
export function decodeTarNumber(field: Uint8Array): number {
  if (field[0]! & 0x80) {
    if (field[0] === 0xff) throw new ArtifactFormatError({ message: 'tar header holds a negative number' });
    let value = BigInt(field[0]! & 0x7f);
    for (let i = 1; i < field.length; i++) value = (value << 8n) | BigInt(field[i]!);
    if (value > BigInt(Number.MAX_SAFE_INTEGER)) throw new ArtifactFormatError({ message: 'tar header number is too large' });
    return Number(value);
  }
  const text = latin1(field).replace(/[\0 ]+$/, '').replace(/^[\0 ]+/, '');
  if (text === '') return 0;
  if (!/^[0-7]+$/.test(text)) throw new ArtifactFormatError({ message: 'tar header holds a malformed number' });
  return parseInt(text, 8);
}

/** The header of a GNU (`oldgnu`) tar entry for `disk.raw` of `sizeBytes`. */
export function gceTarHeader(sizeBytes: number, mtime: Date = new Date(0)): Uint8Array {
  const h = new Uint8Array(TAR_BLOCK);
  writeText(h, 0, 100, GCE_DISK_ENTRY);
  writeText(h, 100, 8, '0000644\0');
  writeText(h, 108, 8, '0000000\0');
  writeText(h, 116, 8, '0000000\0');
  encodeTarNumber(sizeBytes, h.subarray(124, 136));
  encodeTarNumber(Math.max(0, Math.floor(mtime.getTime() / 1000)), h.subarray(136, 148));
  h[156] = 0x30; // '0': a regular file
  writeText(h, 257, 8, 'ustar  \0'); // oldgnu magic and version
  writeText(h, 148, 8, '        '); // the checksum counts its own field as spaces
  writeText(h, 148, 8, `${checksumOf(h).toString(8).padStart(6, '0')}\0 `);
  return h;
}

/**
 * Packs a disk stream as Compute Engine's `disk.raw` in a `.tar.gz`, streaming; the stream must
 * yield exactly `sizeBytes` (else {@link ArtifactFormatError}). Same input, same options, same bytes.
 */
export function packGceTarGz(disk: AsyncIterable<Uint8Array>, options: PackGceTarGzOptions): Readable {
  const { sizeBytes } = options;
  async function* tar(): AsyncGenerator<Uint8Array> {
    yield gceTarHeader(sizeBytes, options.mtime);
    let seen = 0;
    for await (const chunk of disk) {
      seen += chunk.length;
      if (seen > sizeBytes) throw new ArtifactFormatError({ message: `the disk stream is longer than its declared ${sizeBytes} bytes` });
      yield chunk;
    }
    if (seen !== sizeBytes) throw new ArtifactFormatError({ message: `the disk stream ended after ${seen} of its declared ${sizeBytes} bytes` });
    const used = TAR_BLOCK + roundUp(sizeBytes, TAR_BLOCK);
    const end = roundUp(used + 2 * TAR_BLOCK, TAR_RECORD);
    yield* zeros(roundUp(sizeBytes, TAR_BLOCK) - sizeBytes);
    yield* zeros(end - used);
  }
  const gzip = createGzip({ level: options.level ?? 6 });
  if (options.signal) addAbortSignal(options.signal, gzip);
  pipeline(Readable.from(tar(), { objectMode: false }), gzip, () => undefined);
  return gzip;
}

/**
 * Streams the bytes of `disk.raw` out of a Compute Engine `.tar.gz`. The archive must hold
 * exactly one `disk.raw` (other entries are skipped); a truncated or corrupt archive is an
 * {@link ArtifactFormatError} (or zlib's error), raised at the latest when the stream ends, after
 * the gzip trailer's CRC has been checked.
 */
export function unpackGceTarGz(archive: AsyncIterable<Uint8Array>, options: CallOptions = {}): AsyncIterable<Uint8Array> {
  const gunzip = createGunzip();
  if (options.signal) addAbortSignal(options.signal, gunzip);
  pipeline(Readable.from(archive, { objectMode: false }), gunzip, () => undefined);
  return readDiskEntry(gunzip);
}

/** The bytes of `disk.raw` in an uncompressed tar stream. */
export async function* readDiskEntry(tar: AsyncIterable<Uint8Array>): AsyncGenerator<Uint8Array> {
  const reader = new ByteReader(tar);
  let found = false;
  let longName: string | undefined;
  let pax: Record<string, string> = {};
  try {
    for (;;) {
      const header = await reader.exact(TAR_BLOCK, true);
      if (header === undefined || header.every((b) => b === 0)) break;
      verifyChecksum(header);
      const type = String.fromCharCode(header[156]!);
      const size = pax.size !== undefined ? Number(pax.size) : decodeTarNumber(header.subarray(124, 136));
      const name = normalizeName(longName ?? pax.path ?? headerName(header));
      if (type === 'L' || type === 'x' || type === 'g') {
        const body = await reader.exact(size);
        await reader.skip(roundUp(size, TAR_BLOCK) - size);
        if (type === 'L') longName = latin1(body).replace(/\0.*$/s, '');
        if (type === 'x') pax = parsePax(body);
        continue;
      }
      longName = undefined;
      pax = {};
      const isDisk = name === GCE_DISK_ENTRY && (type === '0' || type === '\0' || type === '7' || type === 'S');
      if (isDisk && found) throw new ArtifactFormatError({ message: `the archive holds ${GCE_DISK_ENTRY} twice` });
      if (type === 'S') {
        const map = await readSparseMap(header, reader);
        if (isDisk) yield* sparseData(reader, map);
        else await reader.skip(map.stored);
        await reader.skip(roundUp(map.stored, TAR_BLOCK) - map.stored);
      } else {
        if (isDisk) yield* reader.take(size);
        else await reader.skip(size);
        await reader.skip(roundUp(size, TAR_BLOCK) - size);
      }
      if (isDisk) found = true;
    }
    if (!found) throw new ArtifactFormatError({ message: `the archive holds no ${GCE_DISK_ENTRY}, which Compute Engine imports` });
    // Read to the end, so that gunzip checks the trailer's CRC and length.
    await reader.drain();
  } finally {
    await reader.close();
  }
}

/** Where the data of a sparse entry lies in the file. */
interface SparseMap {
  readonly segments: readonly { readonly offset: number; readonly length: number }[];
  readonly realSize: number;
  readonly stored: number;
}

async function readSparseMap(header: Uint8Array, reader: ByteReader): Promise<SparseMap> {
  const segments: { offset: number; length: number }[] = [];
  const addFrom = (block: Uint8Array, at: number, count: number): void => {
    for (let i = 0; i < count; i++) {
      const entry = block.subarray(at + i * 24, at + i * 24 + 24);
      if (entry[0] === 0) break;
      segments.push({ offset: decodeTarNumber(entry.subarray(0, 12)), length: decodeTarNumber(entry.subarray(12, 24)) });
    }
  };
  addFrom(header, 386, 4);
  let extended = header[482] !== 0;
  while (extended) {
    const block = await reader.exact(TAR_BLOCK);
    addFrom(block, 0, 21);
    extended = block[504] !== 0;
  }
  const realSize = decodeTarNumber(header.subarray(483, 495));
  const stored = segments.reduce((sum, s) => sum + s.length, 0);
  return { segments, realSize, stored };
}

async function* sparseData(reader: ByteReader, map: SparseMap): AsyncGenerator<Uint8Array> {
  let at = 0;
  for (const segment of map.segments) {
    if (segment.offset < at) throw new ArtifactFormatError({ message: 'the sparse map of disk.raw goes backwards' });
    yield* zeros(segment.offset - at);
    yield* reader.take(segment.length);
    at = segment.offset + segment.length;
  }
  if (map.realSize < at) throw new ArtifactFormatError({ message: 'the sparse map of disk.raw runs past its size' });
  yield* zeros(map.realSize - at);
}

/** Reads exact byte counts from a stream of chunks, without copying where it can. */
class ByteReader {
  private readonly iterator: AsyncIterator<Uint8Array>;
  private pending: Uint8Array = new Uint8Array(0);
  private done = false;

  constructor(source: AsyncIterable<Uint8Array>) {
    this.iterator = source[Symbol.asyncIterator]();
  }

  /** `n` bytes; `undefined` at a clean end when `endOk`; a truncated stream is an error. */
  async exact(n: number, endOk: true): Promise<Uint8Array | undefined>;
  async exact(n: number): Promise<Uint8Array>;
  async exact(n: number, endOk = false): Promise<Uint8Array | undefined> {
    const out = new Uint8Array(n);
    let filled = 0;
    while (filled < n) {
      const part = await this.some(n - filled);
      if (part === undefined) {
        if (endOk && filled === 0) return undefined;
        throw truncated();
      }
      out.set(part, filled);
      filled += part.length;
    }
    return out;
  }

  /** Yields the next `n` bytes as they come. */
  async *take(n: number): AsyncGenerator<Uint8Array> {
    let left = n;
    while (left > 0) {
      const part = await this.some(left);
      if (part === undefined) throw truncated();
      left -= part.length;
      yield part;
    }
  }

  async skip(n: number): Promise<void> {
    for await (const _ of this.take(n)) {
      // discarded
    }
  }

  async drain(): Promise<void> {
    while ((await this.some(Number.MAX_SAFE_INTEGER)) !== undefined) {
      // trailing padding
    }
  }

  async close(): Promise<void> {
    if (!this.done) await this.iterator.return?.();
  }

  private async some(max: number): Promise<Uint8Array | undefined> {
    while (this.pending.length === 0) {
      if (this.done) return undefined;
      const next = await this.iterator.next();
      if (next.done) {
        this.done = true;
        return undefined;
      }
      this.pending = next.value;
    }
    const part = this.pending.subarray(0, max);
    this.pending = this.pending.subarray(part.length);
    return part;
  }
}

function truncated(): ArtifactFormatError {
  return new ArtifactFormatError({ message: 'the tar archive is truncated' });
}

function* zeros(n: number): Generator<Uint8Array> {
  for (let left = n; left > 0; left -= ZEROS.length) yield ZEROS.subarray(0, Math.min(left, ZEROS.length));
}

function roundUp(n: number, unit: number): number {
  return Math.ceil(n / unit) * unit;
}

function checksumOf(header: Uint8Array): number {
  let sum = 0;
  for (let i = 0; i < TAR_BLOCK; i++) sum += i >= 148 && i < 156 ? 0x20 : header[i]!;
  return sum;
}

function verifyChecksum(header: Uint8Array): void {
  if (decodeTarNumber(header.subarray(148, 156)) !== checksumOf(header)) throw new ArtifactFormatError({ message: 'a tar header fails its checksum: the archive is corrupt or not a tar' });
}

function headerName(header: Uint8Array): string {
  const name = cString(header.subarray(0, 100));
  // POSIX ustar keeps long paths' directories in `prefix`; GNU's magic has a space and no prefix.
  const ustar = latin1(header.subarray(257, 263)) === 'ustar\0';
  const prefix = ustar ? cString(header.subarray(345, 500)) : '';
  return prefix ? `${prefix}/${name}` : name;
}

function normalizeName(name: string): string {
  return name.replace(/^(\.\/)+/, '');
}

function parsePax(body: Uint8Array): Record<string, string> {
  // Records are `<length> <key>=<value>\n`, the length counted in bytes.
  const out: Record<string, string> = {};
  const bytes = Buffer.from(body.buffer, body.byteOffset, body.byteLength);
  for (let at = 0; at < bytes.length; ) {
    const space = bytes.indexOf(0x20, at);
    const length = space < 0 ? NaN : parseInt(bytes.toString('latin1', at, space), 10);
    if (!Number.isFinite(length) || length <= 0) break;
    const record = bytes.toString('utf8', space + 1, at + length - 1);
    const eq = record.indexOf('=');
    if (eq > 0) out[record.slice(0, eq)] = record.slice(eq + 1);
    at += length;
  }
  return out;
}

function writeText(target: Uint8Array, at: number, width: number, text: string): void {
  for (let i = 0; i < Math.min(width, text.length); i++) target[at + i] = text.charCodeAt(i);
}

function cString(field: Uint8Array): string {
  const end = field.indexOf(0);
  return latin1(end === -1 ? field : field.subarray(0, end));
}

function latin1(bytes: Uint8Array): string {
  return Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength).toString('latin1');
}
