/**
 * What the emulated managed disks and snapshots hold: the raw guest bytes of each, kept by the
 * kit's {@link GuestDiskStore} (one per emulator, closed with it) and looked up by the resource's
 * `uniqueId` (a fresh GUID per resource, so a disk deleted and made again under its name never
 * finds the old bytes).
 *
 * Disks are never written by guests here, so contents are shared, not copied: a snapshot
 * (`createOption: Copy`) holds its source's disk, a disk copied from it the same. What nobody
 * recorded is derived when first asked for, so creating a VM costs no I/O: a disk made from a
 * platform image (`FromImage`) holds that image's synthetic disk (the same for every disk of the
 * same image version), an `Empty` disk zeros. Both are `syntheticDiskBytes` long (default 1 MiB),
 * not the disk's `diskSizeGB`: exports then move MiBs, and their guest bytes still round-trip.
 */
import { GuestDiskStore, type GuestDisk } from '../kit/guest-disks.js';
import type { ArmCreationData } from './arm-shapes.js';

const MIB = 1024 * 1024;

/** A disk or snapshot, as far as its contents go. */
export interface ContentHolder {
  /** Resource id. */
  readonly id: string;
  /** `properties` as stored. */
  readonly properties: { readonly uniqueId: string; readonly creationData: ArmCreationData };
}

/** Options of {@link DiskContents}. */
export interface DiskContentsOptions {
  /** Where the bytes live (default: a new store under the system's temporary directory). */
  readonly store?: GuestDiskStore | undefined;
  /** Length of a platform image's synthetic disk and of an empty disk, bytes (default 1 MiB; a whole number of MiB). */
  readonly syntheticDiskBytes?: number | undefined;
}

/** The guest disks of one emulated subscription. */
export class DiskContents {
  /** The guest disk store. */
  readonly store: GuestDiskStore;
  private readonly syntheticBytes: number;
  private readonly recorded = new Map<string, Promise<GuestDisk>>();
  private empty: Promise<GuestDisk> | undefined;

  /** Contents on `options.store`. */
  constructor(options: DiskContentsOptions = {}) {
    this.store = options.store ?? new GuestDiskStore();
    this.syntheticBytes = options.syntheticDiskBytes ?? MIB;
    if (!Number.isInteger(this.syntheticBytes) || this.syntheticBytes < MIB || this.syntheticBytes % MIB !== 0) {
      throw new Error(`[novacron] [arm-emulator] syntheticDiskBytes must be a whole number of MiB (at least one); got ${this.syntheticBytes}`);
    }
  }

  /** Records what a new disk or snapshot holds. */
  record(uniqueId: string, contents: Promise<GuestDisk>): void {
    // A failed read is reported where it is awaited; it must not surface as an unhandled rejection.
    contents.catch(() => undefined);
    this.recorded.set(uniqueId, contents);
  }

  /** What a disk or snapshot holds (recorded, or derived from how it was made). */
  of(holder: ContentHolder): Promise<GuestDisk> {
    const found = this.recorded.get(holder.properties.uniqueId);
    if (found) return found;
    const derived = this.derive(holder);
    this.record(holder.properties.uniqueId, derived);
    return derived;
  }

  /** Removes every file. */
  close(): Promise<void> {
    this.recorded.clear();
    this.empty = undefined;
    return this.store.close();
  }

  private derive(holder: ContentHolder): Promise<GuestDisk> {
    const data = holder.properties.creationData;
    if (data.createOption.toLowerCase() === 'empty') return (this.empty ??= this.store.fromRaw(zeros(this.syntheticBytes)));
    // The image version's id names the same bytes everywhere; a disk made without one (seeded) is its own.
    const seed = data.imageReference?.id ?? holder.id;
    return this.store.syntheticDisk(seed.toLowerCase(), this.syntheticBytes);
  }
}

async function* zeros(bytes: number): AsyncGenerator<Uint8Array> {
  const block = new Uint8Array(MIB);
  for (let left = bytes; left > 0; left -= MIB) yield left >= MIB ? block : block.subarray(0, left);
}
