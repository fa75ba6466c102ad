/**
 * Where in-memory providers keep exported images. Share one store between providers to move
 * VMs between them, as a bucket would between clouds.
 */
import type { ImageArtifact } from '../../provider/types.js';

/** An object store for image artifacts, keyed by their `location`. */
export interface MemoryImageStore {
  /** Stores an artifact under its location. */
  put(artifact: ImageArtifact): void;
  /** The artifact at `location`, if any. */
  get(location: string): ImageArtifact | undefined;
  /** Removes an artifact; returns whether it was there. */
  delete(location: string): boolean;
  /** Number of stored artifacts. */
  readonly size: number;
}

/** Creates an empty {@link MemoryImageStore}. */
export function createMemoryImageStore(): MemoryImageStore {
  const images = new Map<string, ImageArtifact>();
  return {
    put(artifact) {
      images.set(artifact.location, artifact);
    },
    get(location) {
      return images.get(location);
    },
    delete(location) {
      return images.delete(location);
    },
    get size() {
      return images.size;
    },
  };
}
