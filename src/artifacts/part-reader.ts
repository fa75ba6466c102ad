/**
 * Cuts a write's body into the parts of a multipart upload, the one way every store does it:
 * parts of exactly `partSizeBytes` but the last, each a fresh copy (a producer may reuse its
 * buffers), and each told whether it is the last. Knowing that takes one part of look-ahead, so
 * at most two parts are held at once; that is the memory bound of `ArtifactStore.write`.
 *
 * Waiting for the body obeys the caller's signal: a body that stalls does not hold an aborted
 * write, and the body's iterator is closed on the way out.
 */
import { throwIfAborted, withSignal } from '../provider/abort.js';

/** One part of a body. */
export interface BodyPart {
  /** Part number, from `firstNumber`. */
  readonly number: number;
  /** The part's bytes (a copy the caller owns). */
  readonly bytes: Uint8Array;
  /** No part follows. */
  readonly last: boolean;
}

/** Options of {@link readParts}. */
export interface ReadPartsOptions {
  /** Size of every part but the last. */
  readonly partSizeBytes: number;
  /** Number of the first part (default 1; a resumed upload goes on after its committed parts). */
  readonly firstNumber?: number | undefined;
  /** Cancels the wait for the body. */
  readonly signal?: AbortSignal | undefined;
}

function concat(chunks: readonly Uint8Array[], size: number): Uint8Array {
  const out = new Uint8Array(size);
  let at = 0;
  for (const c of chunks) {
    out.set(c, at);
    at += c.length;
  }
  return out;
}

/**
 * The parts of `body`. An empty body yields no part at all: a fresh write then stores an empty
 * object, a resumed one completes with the parts it has.
 */
export async function* readParts(body: AsyncIterable<Uint8Array>, options: ReadPartsOptions): AsyncGenerator<BodyPart, void, undefined> {
  const { partSizeBytes, signal } = options;
  let number = options.firstNumber ?? 1;
  let pending: Uint8Array | undefined;
  let chunks: Uint8Array[] = [];
  let filled = 0;
  const iterator = body[Symbol.asyncIterator]();
  let done = false;
  try {
    for (;;) {
      throwIfAborted(signal);
      const next = await withSignal(iterator.next(), signal);
      if (next.done === true) {
        done = true;
        break;
      }
      const chunk = next.value;
      let offset = 0;
      while (offset < chunk.length) {
        const n = Math.min(partSizeBytes - filled, chunk.length - offset);
        chunks.push(chunk.slice(offset, offset + n));
        filled += n;
        offset += n;
        if (filled === partSizeBytes) {
          if (pending) yield { number: number++, bytes: pending, last: false };
          pending = concat(chunks, filled);
          chunks = [];
          filled = 0;
        }
      }
    }
    throwIfAborted(signal);
    if (filled > 0) {
      if (pending) yield { number: number++, bytes: pending, last: false };
      yield { number, bytes: concat(chunks, filled), last: true };
    } else if (pending) yield { number, bytes: pending, last: true };
  } finally {
    // An abandoned body (abort, failed part) is told to stop; its own error is not ours to raise.
    if (!done) void Promise.resolve(iterator.return?.()).catch(() => undefined);
  }
}
