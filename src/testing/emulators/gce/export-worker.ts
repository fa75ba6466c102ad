/**
 * The export worker `gcloud compute images export` (and the GCE adapter's `exportVM`) starts: an
 * instance whose metadata names a `novacron-export-destination` (`gs://bucket/object.tar.gz`)
 * and which has a non-boot disk created from an image. It runs like any instance; its startup
 * script streams that disk into the object as `disk.raw` in a tar.gz and powers off.
 *
 * With a Cloud Storage emulator linked, the worker is real in bytes: from its insert on, the
 * disk's guest bytes are packed (`packGceTarGz`, gzip level 1), and once the worker is RUNNING
 * and the archive is whole, the object is written to the linked emulator — a bucket that does
 * not exist gets nothing, as `gcloud storage cp` would fail — and the worker goes STOPPING →
 * TERMINATED. The worker stays RUNNING as long as the packing takes, as a real one does.
 * Without a link the object is an entry of the emulator's object registry, sized from the image,
 * written when the worker stops.
 */
import { createReadStream } from 'node:fs';
import { packGceTarGz } from '../../../artifacts/gce-tar.js';
import type { GuestDiskRef } from './guest-disk-ref.js';
import type { GceState, InstanceRecord, StoredObject } from './gce-state.js';
import { storageObjectOf } from './storage-link.js';

/** What an export worker writes when its startup script ends. */
export interface ExportWorkerJob {
  /** Object URL (`https://storage.googleapis.com/bucket/object`). */
  readonly url: string;
  /** The object, without a linked Cloud Storage: its registry entry. */
  readonly object: StoredObject;
  /** `false` when a fault makes the worker power off without writing. */
  readonly writes: boolean;
  /** The guest bytes of the disk the worker streams out (with a linked Cloud Storage). */
  readonly guest: GuestDiskRef | undefined;
  /** How long it takes to power off, ms. */
  readonly stopMs: number;
  /** The packed archive once it is whole (`null`: nothing to write). */
  archive?: Uint8Array | null | undefined;
}

/** Media type the worker's upload gets. */
const ARCHIVE_TYPE = 'application/gzip';

/** Packs the job's disk in the background; the worker finishes once it is RUNNING and the archive is whole. */
export function startPacking(state: GceState, key: string, job: ExportWorkerJob): void {
  const work = (async (): Promise<Uint8Array | null> => {
    if (!job.writes || !job.guest) return null;
    const disk = await job.guest.resolve();
    const chunks: Uint8Array[] = [];
    let size = 0;
    // Large reads: the packing costs a pass over the disk, in 1 MiB steps rather than 64 KiB ones.
    const read = createReadStream(disk.path, { highWaterMark: 1024 * 1024 }) as AsyncIterable<Uint8Array>;
    for await (const chunk of packGceTarGz(read, { sizeBytes: disk.sizeBytes, level: 1 }) as AsyncIterable<Uint8Array>) {
      chunks.push(chunk);
      size += chunk.byteLength;
    }
    return Buffer.concat(chunks, size);
  })().then(
    (archive) => archive,
    () => null, // the script failed: the worker powers off without an object
  );
  state.track(
    work.then((archive) => {
      if (state.exportWorkers.get(key) !== job) return; // the worker was deleted meanwhile
      job.archive = archive;
      state.advance();
      const instance = state.instances.get(key);
      if (instance) finishIfReady(state, instance);
    }),
  );
}

/**
 * Ends an export worker whose archive is whole and which is RUNNING: the object is written (to
 * the linked storage when there is one) and the worker powers off. No-op otherwise.
 */
export function finishIfReady(state: GceState, instance: InstanceRecord): void {
  const key = `${instance.zone}/${instance.name}`;
  const job = state.exportWorkers.get(key);
  if (!job || job.archive === undefined || instance.state !== 'RUNNING') return;
  state.exportWorkers.delete(key);
  const target = storageObjectOf(job.url);
  const linked = state.linkedStorage;
  if (job.archive && target && linked?.hasBucket(target.bucket)) linked.putObject(target.bucket, target.object, job.archive, { contentType: ARCHIVE_TYPE });
  const now = state.clock.now();
  state.schedule(instance, 'STOPPING', [['TERMINATED', now + job.stopMs]]);
}
