/**
 * What Compute Engine's image import stands on in the emulator kit: the guest disk store's raw
 * writes — `fromRaw` keeps exactly the bytes it is given, however the stream is cut and wherever
 * its zeros are (holes for the zero blocks: a disk of zeros takes almost no room on the host),
 * and its SHA-256 is that of the bytes — and an operation whose work decides when it is done
 * (`finishAt`): RUNNING until then, DONE after, never before it started, and a DONE one stays so.
 */
import { createHash } from 'node:crypto';
import { readFile, stat } from 'node:fs/promises';
import fc from 'fast-check';
import { afterAll, describe, expect, it } from 'vitest';
import { GuestDiskStore } from '../../src/testing/emulators/kit/guest-disks.js';
import { LifecycleClock } from '../../src/testing/emulators/kit/lifecycle-clock.js';
import { LongRunningOperations } from '../../src/testing/emulators/kit/long-running-operations.js';

const store = new GuestDiskStore();
afterAll(() => store.close());

async function* chunks(bytes: Uint8Array, cuts: readonly number[]): AsyncGenerator<Uint8Array> {
  let at = 0;
  for (const cut of [...cuts].sort((a, b) => a - b)) {
    const end = Math.min(cut, bytes.length);
    if (end > at) yield bytes.subarray(at, end);
    at = Math.max(at, end);
  }
  if (at < bytes.length) yield bytes.subarray(at);
}

/** Bytes made of zero runs and data runs, up to a few hundred KiB (past the 64 KiB hole granularity). */
const disks = fc
  .array(fc.tuple(fc.boolean(), fc.integer({ min: 1, max: 150_000 }), fc.integer({ min: 1, max: 255 })), { minLength: 1, maxLength: 6 })
  .map((runs) => Buffer.concat(runs.map(([zero, length, fill]) => Buffer.alloc(length, zero ? 0 : fill))));

describe('GuestDiskStore.fromRaw', () => {
  it('keeps exactly the bytes, cut anywhere, zero runs or not', async () => {
    await fc.assert(
      fc.asyncProperty(disks, fc.array(fc.nat({ max: 1_000_000 }), { maxLength: 5 }), async (bytes, cuts) => {
        const disk = await store.fromRaw(chunks(bytes, cuts));
        const written = await readFile(disk.path);
        expect(written.equals(bytes)).toBe(true);
        expect(disk.sizeBytes).toBe(bytes.length);
        expect(disk.sha256).toBe(createHash('sha256').update(bytes).digest('hex'));
      }),
      { numRuns: 40 },
    );
  });

  it('leaves zero blocks as holes: a 256 MiB stream of zeros with a little data takes little room', async () => {
    const mib = new Uint8Array(1024 * 1024);
    async function* body(): AsyncGenerator<Uint8Array> {
      yield Buffer.from('header');
      for (let i = 0; i < 256; i++) yield mib;
      yield Buffer.from('tail');
    }
    const disk = await store.fromRaw(body());
    expect(disk.sizeBytes).toBe(256 * 1024 * 1024 + 10);
    const { blocks } = await stat(disk.path);
    expect(blocks * 512).toBeLessThan(4 * 1024 * 1024);
  });
});

describe('LongRunningOperations.finishAt', () => {
  it('ends a held operation when its work is done, runs its effect once, and leaves a DONE one alone', () => {
    let now = 0;
    let effects = 0;
    const ops = new LongRunningOperations<number>(new LifecycleClock(() => now), { pendingMs: 10, runningMs: 100 });
    const held = ops.start({ kind: 'insert', runningMs: 1e9, complete: () => ++effects });
    now = 5_000;
    expect(ops.get(held.id)).toMatchObject({ status: 'RUNNING' });
    ops.finishAt(held.id, 5_020);
    expect(ops.get(held.id)).toMatchObject({ status: 'RUNNING', doneAt: 5_020 });
    now = 5_020;
    expect(ops.get(held.id)).toMatchObject({ status: 'DONE', result: 1 });
    ops.finishAt(held.id, 9_000); // DONE stays DONE
    now = 6_000;
    expect(ops.get(held.id)).toMatchObject({ status: 'DONE', doneAt: 5_020, result: 1 });
    expect(effects).toBe(1);

    const early = ops.start({ kind: 'insert', runningMs: 1e9 });
    ops.finishAt(early.id, 0); // never before it started
    expect(ops.get(early.id)).toMatchObject({ status: 'PENDING', doneAt: early.startsAt });
    now = early.startsAt;
    expect(ops.get(early.id)?.status).toBe('DONE');
    ops.finishAt('operation-99', 0);
  });
});
