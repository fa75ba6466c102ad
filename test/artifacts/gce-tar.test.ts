/**
 * Compute Engine's `disk.raw` tar.gz: the packer's output is read by GNU tar, GNU tar's
 * `--format=oldgnu -S` output (the command GCE's guide gives, sparse entries included) is read by
 * the unpacker, round trips keep every byte, header numbers past 8 GiB use GNU base-256, and
 * broken archives are typed errors.
 */
import { execFileSync, spawnSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { createReadStream } from 'node:fs';
import { mkdir, mkdtemp, open, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Readable } from 'node:stream';
import { gzipSync } from 'node:zlib';
import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ArtifactFormatError } from '../../src/artifacts/disk-format.js';
import { decodeTarNumber, encodeTarNumber, gceTarHeader, packGceTarGz, readDiskEntry, unpackGceTarGz } from '../../src/artifacts/gce-tar.js';
import { rejectionOf } from '../helpers.js';
import { sha256Of } from './disk-images.js';

let dir: string;
beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'novacron-gcetar-'));
});
afterAll(async () => {
  if (dir) await rm(dir, { recursive: true, force: true });
});

async function bytesOf(stream: AsyncIterable<Uint8Array>): Promise<Buffer> {
  const parts: Buffer[] = [];
  for await (const chunk of stream) parts.push(Buffer.from(chunk));
  return Buffer.concat(parts);
}

async function failsWithFormatError(stream: AsyncIterable<Uint8Array>): Promise<boolean> {
  return ArtifactFormatError.isInstance(await rejectionOf(bytesOf(stream)));
}

function chunked(data: Buffer, size = 7919): AsyncIterable<Uint8Array> {
  return Readable.from(
    (function* () {
      for (let i = 0; i < data.length; i += size) yield data.subarray(i, i + size);
    })(),
  );
}

describe('packGceTarGz', () => {
  it('writes an archive GNU tar lists and extracts as one disk.raw with the same bytes', async () => {
    const disk = randomBytes(300_000 + 123);
    const archive = await bytesOf(packGceTarGz(chunked(disk), { sizeBytes: disk.length }));
    const path = join(dir, 'packed.tar.gz');
    await writeFile(path, archive);
    const listing = execFileSync('tar', ['-tvzf', path], { encoding: 'utf8' }).trim().split('\n');
    expect(listing).toHaveLength(1);
    expect(listing[0]).toMatch(new RegExp(`\\s${disk.length}\\s.*disk\\.raw$`));
    const out = join(dir, 'extract');
    await mkdir(out);
    execFileSync('tar', ['-xzf', path, '-C', out]);
    expect(sha256Of(await readFile(join(out, 'disk.raw')))).toBe(sha256Of(disk));
    // GNU tar pads archives to 10 KiB records; the header is oldgnu.
    const tar = execFileSync('gzip', ['-dc', path]);
    expect(tar.length % 10240).toBe(0);
    expect(tar.subarray(257, 265).toString('latin1')).toBe('ustar  \0');
  });

  it('is deterministic: the same disk packs to the same bytes (a resumed upload may pack again)', async () => {
    const disk = randomBytes(50_000);
    const a = await bytesOf(packGceTarGz(chunked(disk), { sizeBytes: disk.length }));
    const b = await bytesOf(packGceTarGz(chunked(disk, 1000), { sizeBytes: disk.length }));
    expect(sha256Of(a)).toBe(sha256Of(b));
  });

  it('refuses a disk stream longer or shorter than its declared size', async () => {
    const disk = randomBytes(5000);
    expect(ArtifactFormatError.isInstance(await rejectionOf(bytesOf(packGceTarGz(chunked(disk), { sizeBytes: 4000 }))))).toBe(true);
    expect(ArtifactFormatError.isInstance(await rejectionOf(bytesOf(packGceTarGz(chunked(disk), { sizeBytes: 6000 }))))).toBe(true);
  });
});

describe('unpackGceTarGz', () => {
  it('round-trips every byte of the packer’s archive, whatever the chunking', async () => {
    for (const size of [0, 1, 511, 512, 513, 10240, 99_999]) {
      const disk = randomBytes(size);
      const archive = await bytesOf(packGceTarGz(chunked(disk), { sizeBytes: size }));
      expect(sha256Of(await bytesOf(unpackGceTarGz(chunked(archive, 333))))).toBe(sha256Of(disk));
    }
  });

  it('reads what GCE’s documented command writes: tar --format=oldgnu -Sczf, with a sparse disk.raw', async () => {
    const src = join(dir, 'gnu');
    await mkdir(src);
    const file = join(src, 'disk.raw');
    const data = randomBytes(70_000);
    const fh = await open(file, 'w');
    await fh.write(Buffer.from('boot sector'), 0, undefined, 0);
    await fh.write(data, 0, undefined, 1024 * 1024); // a 1 MiB hole before it
    await fh.truncate(3 * 1024 * 1024); // and a hole after
    await fh.close();
    const archive = join(dir, 'gnu.tar.gz');
    execFileSync('tar', ['--format=oldgnu', '-Sczf', archive, '-C', src, 'disk.raw']);
    const tar = execFileSync('gzip', ['-dc', archive]);
    expect(String.fromCharCode(tar[156]!)).toBe('S'); // GNU wrote a sparse entry
    const out = await bytesOf(unpackGceTarGz(createReadStream(archive)));
    expect(out.length).toBe(3 * 1024 * 1024);
    expect(sha256Of(out)).toBe(sha256Of(await readFile(file)));
  });

  it('reads a plain GNU tar and a POSIX (pax) tar of disk.raw made by GNU tar', async () => {
    const src = join(dir, 'plain');
    await mkdir(src);
    const disk = randomBytes(12_345);
    await writeFile(join(src, 'disk.raw'), disk);
    for (const format of ['gnu', 'posix', 'ustar']) {
      const archive = join(dir, `plain-${format}.tar.gz`);
      execFileSync('tar', [`--format=${format}`, '-czf', archive, '-C', src, 'disk.raw']);
      expect(sha256Of(await bytesOf(unpackGceTarGz(createReadStream(archive)))), format).toBe(sha256Of(disk));
    }
  });

  it('refuses an archive without disk.raw, with two, with a bad header, or truncated', async () => {
    const src = join(dir, 'bad');
    await mkdir(src);
    await writeFile(join(src, 'other.img'), randomBytes(100));
    const none = join(dir, 'none.tar.gz');
    execFileSync('tar', ['-czf', none, '-C', src, 'other.img']);
    expect(await failsWithFormatError(unpackGceTarGz(createReadStream(none)))).toBe(true);

    const disk = randomBytes(2000);
    const tar = execFileSync('gzip', ['-dc'], { input: await bytesOf(packGceTarGz(chunked(disk), { sizeBytes: disk.length })) });
    const entry = tar.subarray(0, 512 + 2048);
    const twice = Buffer.concat([entry, entry, Buffer.alloc(1024)]);
    expect(await failsWithFormatError(unpackGceTarGz(chunked(gzipSync(twice))))).toBe(true);

    const corrupt = Buffer.from(tar);
    corrupt[10] = 0x41;
    expect(await failsWithFormatError(readDiskEntry(chunked(corrupt)))).toBe(true);

    expect(await failsWithFormatError(readDiskEntry(chunked(tar.subarray(0, 1500))))).toBe(true);
    // A gzip stream cut short fails in zlib, after the bytes it had.
    const gz = gzipSync(tar);
    await expect(bytesOf(unpackGceTarGz(chunked(gz.subarray(0, gz.length - 6))))).rejects.toThrow();
  });
});

describe('tar header numbers', () => {
  it('sizes up to 8 GiB − 1 are 11 octal digits; 8 GiB and more are GNU base-256 (header only, no data)', () => {
    const max = gceTarHeader(8 * 1024 ** 3 - 1);
    expect(Buffer.from(max.subarray(124, 136)).toString('latin1')).toBe('77777777777\0');
    const big = 10 * 1024 ** 3 + 7;
    const header = gceTarHeader(big);
    const field = header.subarray(124, 136);
    expect(field[0]).toBe(0x80);
    expect(Buffer.from(field.subarray(4)).readBigUInt64BE()).toBe(BigInt(big));
    expect(decodeTarNumber(field)).toBe(big);
    // GNU tar agrees: it reads the size of a header that is all there is of the archive.
    // (It then complains that the data is missing, so its exit code is not looked at.)
    const listing = spawnSync('tar', ['-tvf', '-'], { input: Buffer.concat([header, Buffer.alloc(1024)]), encoding: 'utf8' }).stdout.trim();
    expect(listing).toMatch(new RegExp(`\\s${big}\\s.*disk\\.raw$`));
  });

  it('encode and decode are inverses for every safe size (property)', () => {
    fc.assert(
      fc.property(fc.maxSafeNat(), (n) => {
        const field = new Uint8Array(12);
        encodeTarNumber(n, field);
        return decodeTarNumber(field) === n;
      }),
    );
  });
});
