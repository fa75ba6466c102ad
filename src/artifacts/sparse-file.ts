/**
 * Writing a disk image to the work directory without writing its holes: runs of zeros (whole
 * 64 KiB blocks) are skipped with a seek instead of written, and the file is truncated to its
 * full length at the end, so a 2 GiB disk with 30 MiB of data takes 30 MiB of the host's disk and
 * the writes of 30 MiB. Readers see the same bytes (holes read as zeros).
 */
import { open, type FileHandle } from 'node:fs/promises';
import { Writable } from 'node:stream';

const BLOCK = 64 * 1024;

/** Whether every byte of `bytes` is zero. */
export function isAllZero(bytes: Uint8Array): boolean {
  // Eight bytes at a time where aligned; the tail byte by byte.
  const words = Math.floor(bytes.byteLength / 8);
  const view = new DataView(bytes.buffer, bytes.byteOffset, words * 8);
  for (let i = 0; i < words; i++) if (view.getBigUint64(i * 8) !== 0n) return false;
  for (let i = words * 8; i < bytes.byteLength; i++) if (bytes[i] !== 0) return false;
  return true;
}

/** A writable stream to `path` (created or truncated) that leaves zero blocks as holes. */
export function createSparseWriteStream(path: string): Writable {
  let file: FileHandle | undefined;
  let position = 0;
  let pending: Buffer = Buffer.alloc(0);

  const flushBlocks = async (final: boolean): Promise<void> => {
    let at = 0;
    while (pending.length - at >= BLOCK || (final && at < pending.length)) {
      const block = pending.subarray(at, Math.min(pending.length, at + BLOCK));
      if (!isAllZero(block)) await file!.write(block, 0, block.length, position);
      position += block.length;
      at += block.length;
    }
    pending = pending.subarray(at);
  };

  return new Writable({
    async construct(callback) {
      try {
        file = await open(path, 'w');
        callback();
      } catch (error) {
        callback(error as Error);
      }
    },
    async write(chunk: Buffer, _encoding, callback) {
      try {
        pending = pending.length === 0 ? chunk : Buffer.concat([pending, chunk]);
        await flushBlocks(false);
        callback();
      } catch (error) {
        callback(error as Error);
      }
    },
    async final(callback) {
      try {
        await flushBlocks(true);
        await file!.truncate(position);
        callback();
      } catch (error) {
        callback(error as Error);
      }
    },
    async destroy(error, callback) {
      const handle = file;
      file = undefined;
      await handle?.close().catch(() => undefined);
      callback(error);
    },
  });
}
