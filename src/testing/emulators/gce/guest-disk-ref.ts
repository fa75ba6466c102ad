/**
 * The guest bytes an emulated Compute Engine disk, image or snapshot carries: a reference to one
 * {@link GuestDisk} of the emulator's `GuestDiskStore`, shared by everything made from one
 * another (an image of a disk, a disk from that image, a snapshot of it), since guests never
 * write here. The bytes of a public image are made only when first asked for (a 1 GiB synthetic
 * disk costs a SHA-256 pass over 1 GiB), so the thousands of VMs a listing benchmark seeds cost
 * nothing.
 *
 * A GCE disk larger than its image holds the image's bytes and zeros after them; the emulator
 * keeps the image's bytes only, so an export gives back exactly the bytes an import took and the
 * guest SHA-256 survives a round trip whatever size the boot disk was given.
 */
import type { GuestDisk } from '../kit/guest-disks.js';

/** A (possibly not yet made) guest disk, resolved once and shared. */
export class GuestDiskRef {
  private made: Promise<GuestDisk> | undefined;

  private constructor(private readonly make: () => Promise<GuestDisk>) {}

  /** A reference to a disk that exists. */
  static of(disk: GuestDisk): GuestDiskRef {
    const ref = new GuestDiskRef(() => Promise.resolve(disk));
    ref.made = Promise.resolve(disk);
    return ref;
  }

  /** A reference to a disk made by `make` the first time it is asked for. */
  static lazy(make: () => Promise<GuestDisk>): GuestDiskRef {
    return new GuestDiskRef(make);
  }

  /** The disk (made now if it was not yet; a failed make is tried again next time). */
  resolve(): Promise<GuestDisk> {
    if (!this.made) {
      const made = this.make();
      this.made = made;
      made.catch(() => {
        if (this.made === made) this.made = undefined;
      });
    }
    return this.made;
  }
}

/** The size of the synthetic guest disk of a public image (a whole GiB, so that its export imports again). */
export const PUBLIC_IMAGE_GUEST_BYTES = 1024 ** 3;
