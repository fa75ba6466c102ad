import { createHash } from 'node:crypto';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { digestOfSession, ResumableDigest, tokenWithDigest } from '../../src/artifacts/resumable-digest.js';

describe('ResumableDigest', () => {
  it('gives node:crypto SHA-256 and MD5 across a save and restore at any point', async () => {
    await fc.assert(
      fc.asyncProperty(fc.uint8Array({ maxLength: 5000 }), fc.nat({ max: 5000 }), async (bytes, cut) => {
        const at = Math.min(cut, bytes.length);
        const first = await ResumableDigest.start();
        first.update(bytes.subarray(0, at));
        const saved = JSON.parse(JSON.stringify(first.save())) as string;
        const second = (await ResumableDigest.restore(saved))!;
        expect(second.bytes).toBe(at);
        second.update(bytes.subarray(at));
        expect(second.finish()).toEqual({ sha256: createHash('sha256').update(bytes).digest('hex'), md5: createHash('md5').update(bytes).digest('hex') });
      }),
      { numRuns: 50 },
    );
  });

  it('continues from the last part of a session only when it covers the committed bytes', async () => {
    const digest = await ResumableDigest.start();
    digest.update(Buffer.alloc(512, 1));
    const part = { number: 1, sizeBytes: 512, token: tokenWithDigest('block-1', digest) };
    const session = { store: 's', key: 'k', uploadId: 'u', partSizeBytes: 512, parts: [part], committedBytes: 512 };
    expect((await digestOfSession(session))?.bytes).toBe(512);
    expect(await digestOfSession({ ...session, committedBytes: 1024 })).toBeUndefined();
    expect(await digestOfSession({ ...session, parts: [{ ...part, token: 'block-1' }] })).toBeUndefined();
    expect(await ResumableDigest.restore('d1.12.not-a-state.x')).toBeUndefined();
  });
});
