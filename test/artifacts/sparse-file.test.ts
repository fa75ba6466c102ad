import { randomBytes } from 'node:crypto';
import { mkdtemp, readFile, rm, stat } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import fc from 'fast-check';
import { afterAll, describe, expect, it } from 'vitest';
import { createSparseWriteStream, isAllZero } from '../../src/artifacts/sparse-file.js';

const dir = await mkdtemp(join(tmpdir(), 'novacron-sparse-'));
afterAll(() => rm(dir, { recursive: true, force: true }));

describe('sparse spool files', () => {
  it('write the same bytes as given, whatever the chunking, zeros and tail', async () => {
    await fc.assert(
      fc.asyncProperty(fc.array(fc.oneof(fc.integer({ min: 1, max: 200_000 }).map((n) => Buffer.alloc(n)), fc.integer({ min: 1, max: 70_000 }).map((n) => randomBytes(n))), { maxLength: 8 }), async (chunks) => {
        const path = join(dir, `p-${randomBytes(4).toString('hex')}`);
        await pipeline(Readable.from(chunks), createSparseWriteStream(path));
        expect((await readFile(path)).equals(Buffer.concat(chunks))).toBe(true);
        await rm(path);
      }),
      { numRuns: 40 },
    );
  });

  it('leave runs of zeros as holes: 64 MiB of zeros around 64 KiB of data take little of the disk', async () => {
    const path = join(dir, 'holes.raw');
    const data = randomBytes(64 * 1024);
    async function* body(): AsyncGenerator<Buffer> {
      for (let i = 0; i < 512; i++) yield Buffer.alloc(64 * 1024);
      yield data;
      for (let i = 0; i < 512; i++) yield Buffer.alloc(64 * 1024);
    }
    await pipeline(Readable.from(body()), createSparseWriteStream(path));
    const s = await stat(path);
    expect(s.size).toBe(64 * 1024 * 1024 + 64 * 1024);
    expect(s.blocks * 512).toBeLessThan(4 * 1024 * 1024);
    expect((await readFile(path)).subarray(32 * 1024 * 1024, 32 * 1024 * 1024 + 64 * 1024).equals(data)).toBe(true);
  });

  it('tells all-zero blocks, unaligned ones included', () => {
    expect(isAllZero(new Uint8Array(13))).toBe(true);
    const b = new Uint8Array(13);
    b[12] = 1;
    expect(isAllZero(b)).toBe(false);
    expect(isAllZero(Buffer.from(b.buffer, 3, 10))).toBe(false);
    expect(isAllZero(Buffer.from(b.buffer, 3, 9))).toBe(true);
  });
});
