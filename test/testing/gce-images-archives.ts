/**
 * Archives for the Compute Engine image tests: Compute Engine's `disk.raw` tar.gz of a real raw
 * disk (packGceTarGz), and the archives GCE refuses — not gzip, gzip but not tar, a tar made by
 * GNU tar without `disk.raw`, a `disk.raw` that is not a whole GiB. Not a test file itself.
 */
import { execFileSync } from 'node:child_process';
import { createHash, randomBytes } from 'node:crypto';
import { createReadStream } from 'node:fs';
import { readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { Readable, pipeline } from 'node:stream';
import { createGunzip, gzipSync } from 'node:zlib';
import { packGceTarGz, readDiskEntry } from '../../src/artifacts/gce-tar.js';
import type { TestDisk } from '../artifacts/disk-images.js';

/** One GiB: Compute Engine's disk unit. */
export const GIB = 1024 ** 3;

/** The whole of a stream. */
export async function bytesOf(stream: AsyncIterable<Uint8Array>): Promise<Buffer> {
  const chunks: Uint8Array[] = [];
  for await (const chunk of stream) chunks.push(chunk);
  return Buffer.concat(chunks);
}

/** A disk file as GCE's `disk.raw` tar.gz (gzip level 1, to keep the tests quick). */
export function packDisk(disk: TestDisk): Promise<Buffer> {
  return bytesOf(packGceTarGz(createReadStream(disk.path, { highWaterMark: 1024 * 1024 }) as AsyncIterable<Uint8Array>, { sizeBytes: disk.sizeBytes, level: 1 }) as AsyncIterable<Uint8Array>);
}

/** SHA-256 and length of the `disk.raw` inside an archive stream, read streaming. */
export async function diskRawOf(archive: AsyncIterable<Uint8Array>): Promise<{ readonly sha256: string; readonly sizeBytes: number }> {
  const hash = createHash('sha256');
  let sizeBytes = 0;
  const gunzip = createGunzip({ chunkSize: 1024 * 1024 });
  pipeline(Readable.from(archive, { objectMode: false }), gunzip, () => undefined);
  for await (const chunk of readDiskEntry(gunzip)) {
    hash.update(chunk);
    sizeBytes += chunk.byteLength;
  }
  return { sha256: hash.digest('hex'), sizeBytes };
}

/** Archives Compute Engine refuses as "not a valid image", by what is wrong with them. */
export async function refusedArchives(dir: string): Promise<Record<'plain text' | 'gzip, not tar' | 'tar without disk.raw' | 'disk.raw of 3 MiB', Buffer>> {
  const other = join(dir, 'other.raw');
  await writeFile(other, randomBytes(64 * 1024));
  const tarPath = join(dir, 'other.tar.gz');
  execFileSync('tar', ['--format=oldgnu', '-Sczf', tarPath, '-C', dir, 'other.raw']);
  const small = Buffer.alloc(3 * 1024 * 1024, 7);
  return {
    'plain text': Buffer.from('this is not a disk image\n'),
    'gzip, not tar': gzipSync(randomBytes(8192)),
    'tar without disk.raw': await readFile(tarPath),
    'disk.raw of 3 MiB': await bytesOf(packGceTarGz((async function* one() { yield small; })(), { sizeBytes: small.length, level: 1 }) as AsyncIterable<Uint8Array>),
  };
}
