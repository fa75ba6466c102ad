/**
 * The artifact-store conformance suite: what every `ArtifactStore` must prove before disk images
 * are trusted to it. Run it from a vitest file:
 *
 * ```ts
 * const backend = new MemoryArtifactBackend();
 * describeArtifactStoreConformance({
 *   name: 'memory',
 *   setup: () => createMemoryArtifactStore({ backend }),
 *   reopen: () => createMemoryArtifactStore({ backend }),
 *   partSizeBytes: 1024,
 * });
 * ```
 *
 * Every test writes under a key prefix of its own run, and the suite deletes what is left there
 * afterwards. The crash test stops a write by a body that throws mid-upload, then resumes it
 * from the last session `onSession` was handed, in a store object made by `reopen` (a new process
 * on the same backend), and compares the bytes. A store that declares `resumableUpload: false`
 * (Glance: one streamed upload, no parts) skips the resume tests, and its sessions are only
 * checked to name the upload (no confirmed part); it must still hand one to `onSession` before
 * the body ends, so that `abortUpload` can remove what a crash leaves.
 */
import { createHash, randomBytes } from 'node:crypto';
import { inspect } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { ArtifactStore, UploadSession } from '../provider/artifact-store.js';
import { AuthError, InvalidSpecError, isAbortError, NotFoundError, UnsupportedError } from '../provider/errors.js';

/** Reads a presigned URL without credentials; resolves with the body's bytes. */
export type PresignedReader = (url: string, signal: AbortSignal) => Promise<Uint8Array>;

/** Options of {@link describeArtifactStoreConformance}. */
export interface ArtifactStoreConformanceOptions {
  /** Name shown in the suite's title. */
  readonly name: string;
  /** Makes the store under test, once for the suite. */
  readonly setup: () => ArtifactStore | Promise<ArtifactStore>;
  /**
   * A fresh store object on the same backend (what a new process would make), for the resume
   * test. Default: the same store object.
   */
  readonly reopen?: ((store: ArtifactStore) => ArtifactStore | Promise<ArtifactStore>) | undefined;
  /** Called after the suite, to close emulators or clients. */
  readonly teardown?: ((store: ArtifactStore) => void | Promise<void>) | undefined;
  /** Part size of the multipart tests (default: the store's `minPartBytes`, at least 1 KiB). Keep it small: the suite writes a few parts of it. */
  readonly partSizeBytes?: number | undefined;
  /**
   * How the suite reads a presigned URL: `'fetch'` (default) with plain `fetch`, or a function
   * for stores whose URLs `fetch` cannot read (`memory://`).
   */
  readonly readPresigned?: 'fetch' | PresignedReader | undefined;
  /**
   * Counts the unfinished uploads of `key` the backend still holds (S3's ListMultipartUploads),
   * so the suite can check that `abortUpload` leaves none; skipped when absent.
   */
  readonly pendingUploads?: ((store: ArtifactStore, key: string) => Promise<number>) | undefined;
  /**
   * A store refused for its credential, and the credential's secret: every call must fail with
   * an `AuthError` whose message, stack, JSON and inspection never show the secret. Skipped when absent.
   */
  readonly credentialFailure?:
    | {
        /** The secret the refused store holds. */
        readonly secret: string;
        /** Makes the refused store. */
        readonly store: () => ArtifactStore | Promise<ArtifactStore>;
      }
    | undefined;
  /** Objects the listing test writes, more than one page of the store's listing (default 12). */
  readonly listObjects?: number | undefined;
  /** Per-test timeout in milliseconds (default 60,000). */
  readonly timeoutMs?: number | undefined;
}

async function collect<T>(items: AsyncIterable<T>): Promise<T[]> {
  const out: T[] = [];
  for await (const item of items) out.push(item);
  return out;
}

async function bytesOf(chunks: AsyncIterable<Uint8Array>): Promise<Buffer> {
  const parts: Uint8Array[] = [];
  for await (const chunk of chunks) parts.push(chunk);
  return Buffer.concat(parts);
}

/** Yields `bytes` from `from` on, in chunks of `chunkBytes`. */
async function* bodyOf(bytes: Uint8Array, chunkBytes = 1000, from = 0): AsyncGenerator<Uint8Array> {
  for (let at = from; at < bytes.length; at += chunkBytes) yield bytes.subarray(at, Math.min(bytes.length, at + chunkBytes));
}

/** Yields `bytes` in chunks, then throws as a crashing process would stop, after `stopAfter` bytes. */
async function* crashingBody(bytes: Uint8Array, stopAfter: number, chunkBytes: number): AsyncGenerator<Uint8Array> {
  for (let at = 0; at < stopAfter; at += chunkBytes) yield bytes.subarray(at, Math.min(stopAfter, at + chunkBytes));
  throw new Error('simulated crash');
}

function sha256(bytes: Uint8Array): string {
  return createHash('sha256').update(bytes).digest('hex');
}

/** The rejection of a call that must fail. */
async function rejection(promise: Promise<unknown>, call: string): Promise<unknown> {
  try {
    await promise;
  } catch (error) {
    return error;
  }
  throw new Error(`expected ${call} to fail, but it succeeded`);
}

async function fetchPresigned(url: string, signal: AbortSignal): Promise<Uint8Array> {
  const response = await fetch(url, { signal });
  if (!response.ok) throw new Error(`presigned GET answered HTTP ${response.status}`);
  return new Uint8Array(await response.arrayBuffer());
}

/** Every way an error can be shown: none may hold `secret`. */
function expectNoSecret(error: unknown, secret: string, call: string): void {
  const e = error as Error;
  for (const shown of [String(e), e.message, e.stack ?? '', JSON.stringify(e), inspect(e, { depth: 5 })]) {
    expect(shown.includes(secret), `${call}: the error shows the secret`).toBe(false);
  }
}

/** Declares the conformance tests for one artifact store. */
export function describeArtifactStoreConformance(options: ArtifactStoreConformanceOptions): void {
  const timeout = options.timeoutMs ?? 60_000;
  const runId = randomBytes(4).toString('hex');
  const root = `conformance-${runId}/`;
  const readPresigned: PresignedReader = options.readPresigned === undefined || options.readPresigned === 'fetch' ? fetchPresigned : options.readPresigned;

  describe(`ArtifactStore conformance: ${options.name}`, () => {
    let store: ArtifactStore;
    let partSize = 1024;

    beforeAll(async () => {
      store = await options.setup();
      partSize = options.partSizeBytes ?? Math.max(1024, store.capabilities.minPartBytes);
    }, timeout);

    afterAll(async () => {
      if (!store) return;
      for (const object of await collect(store.list(root)).catch(() => [])) await store.delete(object.key).catch(() => undefined);
      await options.teardown?.(store);
    }, timeout);

    /** Writes a crashing body; resolves with the last session the store confirmed. */
    const crashedUpload = async (key: string, data: Uint8Array, target: ArtifactStore = store): Promise<UploadSession> => {
      let last: UploadSession | undefined;
      const error = await rejection(
        target.write(key, crashingBody(data, Math.floor(2.5 * partSize), Math.ceil(partSize / 2)), {
          partSizeBytes: partSize,
          onSession: (s) => {
            last = s;
          },
        }),
        'write of a crashing body',
      );
      expect((error as Error).message).toContain('simulated crash');
      expect(last, 'onSession was called before the crash').toBeDefined();
      return last!;
    };

    it('declares specification 1, a name, a kind and its capabilities', () => {
      expect(store.specVersion).toBe(1);
      expect(store.name).toMatch(/\S/);
      expect(store.kind).toMatch(/\S/);
      const c = store.capabilities;
      expect(typeof c.presignedRead).toBe('boolean');
      expect(typeof c.resumableUpload).toBe('boolean');
      expect(typeof c.needsSize).toBe('boolean');
      expect(c.minPartBytes).toBeGreaterThan(0);
      expect(c.maxPartBytes).toBeGreaterThanOrEqual(c.minPartBytes);
      expect(partSize).toBeGreaterThanOrEqual(c.minPartBytes);
    });

    it('writes, heads and reads back an object with its size and SHA-256', async () => {
      const key = `${root}round-trip/object.bin`;
      const data = randomBytes(3000);
      const written = await store.write(key, bodyOf(data), { sizeBytes: data.length });
      expect(written.key).toBe(key);
      expect(written.sizeBytes).toBe(data.length);
      expect(written.sha256).toBe(sha256(data));
      expect(written.location).toBe(store.locationOf(key));
      const head = await store.head(key);
      expect(head).toMatchObject({ key, sizeBytes: data.length, sha256: sha256(data), location: store.locationOf(key) });
      if (head?.checksum?.algorithm === 'md5') expect(head.checksum.value).toBe(createHash('md5').update(data).digest('hex'));
      expect((await bytesOf(await store.openRead(key))).equals(data)).toBe(true);
    }, timeout);

    it('writes an empty object', async () => {
      const key = `${root}empty`;
      const written = await store.write(key, bodyOf(new Uint8Array(0)), { sizeBytes: 0 });
      expect(written.sizeBytes).toBe(0);
      expect(written.sha256).toBe(sha256(new Uint8Array(0)));
      expect((await store.head(key))?.sizeBytes).toBe(0);
      expect((await bytesOf(await store.openRead(key))).length).toBe(0);
    }, timeout);

    it('keeps the content type and user metadata (keys lower case)', async () => {
      const key = `${root}metadata`;
      await store.write(key, bodyOf(randomBytes(100)), { sizeBytes: 100, contentType: 'application/x-conformance', metadata: { 'Source-VM': 'vm-123', format: 'raw' } });
      const head = await store.head(key);
      expect(head?.contentType).toBe('application/x-conformance');
      expect(head?.metadata).toMatchObject({ 'source-vm': 'vm-123', format: 'raw' });
    }, timeout);

    it('reads byte ranges, clamps an end past the object, and refuses a start past it', async () => {
      const key = `${root}ranges`;
      const data = randomBytes(5000);
      await store.write(key, bodyOf(data), { sizeBytes: data.length });
      expect((await bytesOf(await store.openRead(key, { start: 100, end: 199 }))).equals(data.subarray(100, 200))).toBe(true);
      expect((await bytesOf(await store.openRead(key, { start: 4990 }))).equals(data.subarray(4990))).toBe(true);
      expect((await bytesOf(await store.openRead(key, { start: 0, end: 0 }))).equals(data.subarray(0, 1))).toBe(true);
      expect((await bytesOf(await store.openRead(key, { start: 4000, end: 99_999 }))).equals(data.subarray(4000))).toBe(true);
      const error = await rejection(store.openRead(key, { start: 5000 }).then(bytesOf), 'openRead past the end');
      expect(InvalidSpecError.isInstance(error), String(error)).toBe(true);
    }, timeout);

    it('writes in parts of the given size, handing out a JSON session after each part', async () => {
      const key = `${root}multipart`;
      const data = randomBytes(Math.floor(3.5 * partSize));
      const sessions: UploadSession[] = [];
      const progress: number[] = [];
      const written = await store.write(key, bodyOf(data, 777), {
        sizeBytes: data.length,
        partSizeBytes: partSize,
        onSession: (s) => {
          sessions.push(JSON.parse(JSON.stringify(s)) as UploadSession);
        },
        onProgress: (n) => progress.push(n),
      });
      expect(written.sizeBytes).toBe(data.length);
      expect(written.sha256).toBe(sha256(data));
      if (store.capabilities.resumableUpload) {
        expect(sessions.length).toBeGreaterThanOrEqual(3);
        for (const [i, s] of sessions.entries()) {
          expect(s).toMatchObject({ store: store.name, key, partSizeBytes: partSize });
          expect(s.parts.length).toBe(i + 1);
          expect(s.parts.map((p) => p.number)).toEqual(s.parts.map((_, n) => n + 1));
          expect(s.committedBytes).toBe(s.parts.reduce((n, p) => n + p.sizeBytes, 0));
        }
      } else {
        // A store without multipart (Glance) confirms nothing before the end: its sessions only name the upload, for abortUpload.
        expect(sessions.length).toBeGreaterThanOrEqual(1);
        for (const s of sessions) expect(s).toMatchObject({ store: store.name, key, partSizeBytes: partSize, parts: [], committedBytes: 0 });
      }
      expect(progress).toEqual([...progress].sort((a, b) => a - b));
      expect((await bytesOf(await store.openRead(key))).equals(data)).toBe(true);
      expect((await store.head(key))?.sha256).toBe(sha256(data));
    }, timeout);

    it('resumes a crashed upload from its last session in a fresh store object, byte for byte', async () => {
      if (!store.capabilities.resumableUpload) return;
      const key = `${root}resume/disk.img`;
      const data = randomBytes(Math.floor(4.25 * partSize));
      const session = await crashedUpload(key, data);
      expect(session.committedBytes).toBeGreaterThan(0);
      expect(await store.head(key), 'nothing is visible before the upload completes').toBeUndefined();
      const fresh = await (options.reopen?.(store) ?? store);
      const later: UploadSession[] = [];
      const written = await fresh.write(key, bodyOf(data, 999, session.committedBytes), {
        resume: JSON.parse(JSON.stringify(session)) as UploadSession,
        onSession: (s) => {
          later.push(s);
        },
      });
      expect(later[0]?.parts.length).toBe(session.parts.length + 1);
      expect(later[0]?.uploadId).toBe(session.uploadId);
      expect(written.sizeBytes).toBe(data.length);
      expect(written.sha256).toBe(sha256(data));
      expect((await bytesOf(await fresh.openRead(key))).equals(data)).toBe(true);
      expect((await store.head(key))?.sha256).toBe(sha256(data));
    }, timeout);

    it('refuses to resume an upload the store no longer knows with NotFoundError', async () => {
      if (!store.capabilities.resumableUpload) return;
      const key = `${root}resume-gone`;
      const data = randomBytes(3 * partSize);
      const session = await crashedUpload(key, data);
      await store.abortUpload(session);
      const error = await rejection(store.write(key, bodyOf(data, 1000, session.committedBytes), { resume: session }), 'write resuming an aborted upload');
      expect(NotFoundError.isInstance(error), String(error)).toBe(true);
    }, timeout);

    it('abortUpload leaves nothing behind and is idempotent', async () => {
      const key = `${root}aborted`;
      const session = await crashedUpload(key, randomBytes(3 * partSize));
      if (options.pendingUploads) expect(await options.pendingUploads(store, key)).toBe(1);
      await store.abortUpload(session);
      await store.abortUpload(session);
      expect(await store.head(key)).toBeUndefined();
      expect((await collect(store.list(key))).map((o) => o.key)).toEqual([]);
      if (options.pendingUploads) expect(await options.pendingUploads(store, key)).toBe(0);
    }, timeout);

    it('deletes idempotently; a missing object heads as undefined and reads as NotFoundError', async () => {
      const key = `${root}deleted`;
      await store.write(key, bodyOf(randomBytes(10)), { sizeBytes: 10 });
      await store.delete(key);
      await store.delete(key);
      expect(await store.head(key)).toBeUndefined();
      const error = await rejection(store.openRead(key).then(bytesOf), 'openRead of a deleted object');
      expect(NotFoundError.isInstance(error), String(error)).toBe(true);
      expect(await store.head(`${root}never-written`)).toBeUndefined();
    }, timeout);

    it('lists by prefix across pages', async () => {
      const count = options.listObjects ?? 12;
      const prefix = `${root}list/`;
      const keys = Array.from({ length: count }, (_, i) => `${prefix}object-${String(i).padStart(3, '0')}`);
      for (const [i, key] of keys.entries()) await store.write(key, bodyOf(randomBytes(i + 1)), { sizeBytes: i + 1 });
      await store.write(`${root}list-other`, bodyOf(randomBytes(1)), { sizeBytes: 1 });
      const listed = await collect(store.list(prefix));
      expect(listed.map((o) => o.key).sort()).toEqual(keys);
      for (const object of listed) {
        expect(object.sizeBytes).toBe(keys.indexOf(object.key) + 1);
        expect(object.location).toBe(store.locationOf(object.key));
      }
      expect(await collect(store.list(`${root}list/object-00`))).toHaveLength(Math.min(count, 10));
      expect(await collect(store.list(`${root}no-such-prefix/`))).toEqual([]);
    }, timeout);

    it('an abort signal cancels a write waiting for its body', async () => {
      const key = `${root}abort-write`;
      const controller = new AbortController();
      let session: UploadSession | undefined;
      async function* stalling(): AsyncGenerator<Uint8Array> {
        yield randomBytes(2 * partSize + 1);
        await new Promise<never>(() => undefined);
      }
      const error = await rejection(
        store.write(key, stalling(), {
          partSizeBytes: partSize,
          signal: controller.signal,
          onSession: (s) => {
            session = s;
            setTimeout(() => controller.abort(), 10);
          },
        }),
        'an aborted write',
      );
      expect(isAbortError(error), String(error)).toBe(true);
      expect(await store.head(key)).toBeUndefined();
      if (session) await store.abortUpload(session);
      const aborted = AbortSignal.abort();
      expect(isAbortError(await rejection(store.head(key, { signal: aborted }), 'head with an aborted signal'))).toBe(true);
    }, timeout);

    it('an abort signal cancels a read mid-stream', async () => {
      const key = `${root}abort-read`;
      const data = randomBytes(1024 * 1024);
      await store.write(key, bodyOf(data, 64 * 1024), { sizeBytes: data.length, partSizeBytes: Math.max(partSize, data.length) });
      const controller = new AbortController();
      const chunks = await store.openRead(key, { signal: controller.signal });
      let read = 0;
      const error = await rejection(
        (async () => {
          for await (const chunk of chunks) {
            read += chunk.length;
            controller.abort();
          }
        })(),
        'an aborted read',
      );
      expect(isAbortError(error), String(error)).toBe(true);
      expect(read).toBeLessThan(data.length);
    }, timeout);

    it('presigns a read that needs no credential, or says it cannot', async () => {
      const key = `${root}presigned`;
      const data = randomBytes(2048);
      await store.write(key, bodyOf(data), { sizeBytes: data.length });
      if (!store.capabilities.presignedRead) {
        const error = await rejection(store.presignRead(key), 'presignRead');
        expect(UnsupportedError.isInstance(error), String(error)).toBe(true);
        return;
      }
      const url = await store.presignRead(key, { expiresInSeconds: 120 });
      expect(Buffer.from(await readPresigned(url, AbortSignal.timeout(timeout))).equals(data)).toBe(true);
    }, timeout);

    it('keyOf inverts locationOf, and refuses locations elsewhere', () => {
      for (const key of ['a', 'dir/sub/file.vmdk', 'with space/ünïcödé+plus=%20.raw', `${root}x`]) {
        expect(store.keyOf(store.locationOf(key))).toBe(key);
      }
      expect(store.keyOf('elsewhere://bucket/key')).toBeUndefined();
    });

    it('refuses malformed input with InvalidSpecError before any I/O', async () => {
      expect(InvalidSpecError.isInstance(await rejection(store.head(''), 'head of an empty key'))).toBe(true);
      const error = await rejection(store.write(`${root}bad-part`, bodyOf(randomBytes(10)), { partSizeBytes: store.capabilities.minPartBytes - 1 }), 'write with too small parts');
      expect(InvalidSpecError.isInstance(error), String(error)).toBe(true);
    }, timeout);

    it('never shows a credential in its errors', async () => {
      const failure = options.credentialFailure;
      if (!failure) return;
      const refused = await failure.store();
      const key = `${root}refused`;
      const calls: [string, () => Promise<unknown>][] = [
        ['head', () => refused.head(key)],
        ['openRead', () => refused.openRead(key).then(bytesOf)],
        ['write', () => refused.write(key, bodyOf(randomBytes(10)), { sizeBytes: 10 })],
        ['list', () => collect(refused.list(root))],
        ['delete', () => refused.delete(key)],
      ];
      for (const [call, run] of calls) {
        const error = await rejection(run(), `${call} with a refused credential`);
        expect(AuthError.isInstance(error), `${call}: ${String(error)}`).toBe(true);
        expectNoSecret(error, failure.secret, call);
      }
    }, timeout);
  });
}
