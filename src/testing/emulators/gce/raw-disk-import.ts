/**
 * What `images.insert` with `rawDisk.source` does with the archive when a Cloud Storage
 * emulator is linked: reads the object, gunzips it, takes `disk.raw` out of the tar (GNU, ustar,
 * pax or sparse entries: `gce-tar.ts`), streams it into a guest disk, and checks it is a whole
 * number of GB (GiB, as GCE counts disks). Whatever makes the archive unreadable as such — not
 * gzip, not tar, no `disk.raw`, truncated, an empty or odd-sized disk — is GCE's
 * `INVALID_IMAGE_TAR` (see `storage-link.ts` for the words and their sources). Nothing is held
 * whole in memory: the bytes go from the stored object through zlib to a sparse file.
 */
import { Readable, pipeline } from 'node:stream';
import { createGunzip } from 'node:zlib';
import { readDiskEntry } from '../../../artifacts/gce-tar.js';
import { ArtifactFormatError } from '../../../artifacts/disk-format.js';
import type { GuestDisk, GuestDiskStore } from '../kit/guest-disks.js';
import type { GceOperationFailure } from './operation-store.js';
import { INVALID_IMAGE_TAR, objectNotFound, type GceLinkedStorage, type StorageObjectName } from './storage-link.js';

/** GCE's disk unit. */
export const GIB = 1024 ** 3;

/** What an import of an archive found. */
export type RawDiskImport =
  | {
      readonly kind: 'imported';
      /** The disk.raw's bytes. */
      readonly disk: GuestDisk;
      /** The image's disk size, GB. */
      readonly diskSizeGb: number;
      /** The archive's size, bytes. */
      readonly archiveSizeBytes: number;
    }
  | { readonly kind: 'failed'; readonly failure: GceOperationFailure };

/** Reads `name` from the linked storage into a guest disk, or says how GCE fails the import. */
export async function importRawDisk(storage: GceLinkedStorage, guestDisks: GuestDiskStore, name: StorageObjectName): Promise<RawDiskImport> {
  const info = storage.objectInfo(name.bucket, name.object);
  const body = info && storage.readObject(name.bucket, name.object);
  if (!info || !body) return { kind: 'failed', failure: objectNotFound(name) };
  let disk;
  try {
    // gunzip in 1 MiB steps (zlib's default is 16 KiB): a 1 GiB disk.raw in 1,024 chunks, not 65,536.
    const gunzip = createGunzip({ chunkSize: 1024 * 1024 });
    pipeline(Readable.from(body, { objectMode: false }), gunzip, () => undefined);
    disk = await guestDisks.fromRaw(readDiskEntry(gunzip));
  } catch (error) {
    if (isArchiveError(error)) return { kind: 'failed', failure: INVALID_IMAGE_TAR };
    throw error;
  }
  if (disk.sizeBytes === 0 || disk.sizeBytes % GIB !== 0) return { kind: 'failed', failure: INVALID_IMAGE_TAR };
  return { kind: 'imported', disk, diskSizeGb: disk.sizeBytes / GIB, archiveSizeBytes: info.sizeBytes };
}

/** An error of the archive's content (the tar reader's, or zlib's), not of the emulator's host. */
function isArchiveError(error: unknown): boolean {
  if (ArtifactFormatError.isInstance(error)) return true;
  const code = (error as { code?: unknown } | null)?.code;
  return typeof code === 'string' && code.startsWith('Z_');
}
