/**
 * The artifact stores of migrations (`FederationManagerOptions.artifactStores`): where a
 * transfer writes for a target provider, where it reads an export from, whether a transfer is
 * needed at all, and how intermediate images are deleted once the migration no longer needs them.
 *
 * A transfer is needed when the target cannot take the export as it is: its format is not one the
 * target imports, or a store is configured for the target and the export is not in it. Without a
 * store for the target, an export in a format it imports is handed over where it is (two memory
 * providers sharing one image store; one cloud's own images within that cloud).
 */
import { rm } from 'node:fs/promises';
import { dirname } from 'node:path';
import { extensionOf, isDiskFormat, type ArtifactPackaging, type DiskFormat } from '../../artifacts/disk-format.js';
import type { ArtifactStore, UploadSession } from '../../provider/artifact-store.js';
import { UnsupportedError } from '../../provider/errors.js';
import type { CallOptions, ProviderV1 } from '../../provider/provider-v1.js';
import type { ImageArtifact } from '../../provider/types.js';
import type { StateStore } from '../../state/state-store.js';
import { readOperation } from '../operations/durable-operation.js';
import type { MigrationArtifactStores } from './migration-types.js';

/** Where a transfer for a migration goes. */
export interface TransferDestination {
  readonly store: ArtifactStore;
  readonly key: string;
  readonly format: DiskFormat;
  readonly packaging: ArtifactPackaging;
}

/** The configured stores, by target provider. */
export class MigrationStores {
  /** Wraps the manager's `artifactStores` option. */
  constructor(private readonly config: Readonly<Record<string, MigrationArtifactStores>>) {}

  /** The configuration, for planning. */
  get byProvider(): Readonly<Record<string, MigrationArtifactStores>> {
    return this.config;
  }

  /** Stores an export may be read from for a move into `target`: the target's `from` first, then every other configured store. */
  readersFor(target: string): ArtifactStore[] {
    return [...new Set([...(this.config[target]?.from ?? []), ...this.all()])];
  }

  /** True when `target` cannot import `artifact` as it is (see the file comment). */
  needsTransfer(artifact: ImageArtifact, target: ProviderV1): boolean {
    const accepted = target.capabilities.importFormats.includes(artifact.format);
    const dest = this.config[target.name]?.store;
    if (dest) return !(accepted && dest.keyOf(artifact.location) !== undefined);
    if (accepted) return false;
    throw new UnsupportedError({
      provider: target.name,
      capability: `import:${artifact.format}`,
      message: `[migration] the export is ${artifact.format}, this provider imports ${target.capabilities.importFormats.join(', ')}, and no artifact store is configured for it (artifactStores.${target.name}.store) to convert into`,
    });
  }

  /** Where the transfer of `artifact` into `target` writes: the target's store, a format it imports, a key of the migration's own. */
  destination(artifact: ImageArtifact, target: ProviderV1, migrationId: string): TransferDestination {
    const store = this.config[target.name]?.store;
    if (!store) throw new UnsupportedError({ provider: target.name, capability: 'import', message: `[migration] no artifact store is configured for this provider (artifactStores.${target.name}.store)` });
    const formats = target.capabilities.importFormats;
    const format = isDiskFormat(artifact.format) && formats.includes(artifact.format) ? artifact.format : formats.find(isDiskFormat);
    if (format === undefined) {
      throw new UnsupportedError({ provider: target.name, capability: 'import', message: `[migration] this provider imports ${formats.join(', ')}, none of which a transfer writes` });
    }
    // Compute Engine imports a raw disk only inside its tar.gz.
    const packaging: ArtifactPackaging = format === 'raw' && store.kind === 'gcs' ? 'gce-tar-gz' : 'none';
    return { store, key: `novacron-migrations/${migrationId}/disk.${extensionOf(format, packaging)}`, format, packaging };
  }

  /** The configured store holding `location`, and its key there. */
  claiming(location: string): { store: ArtifactStore; key: string } | undefined {
    for (const store of this.all()) {
      const key = store.keyOf(location);
      if (key !== undefined) return { store, key };
    }
    return undefined;
  }

  /** Deletes the image at `location`; `false` when no configured store holds it (it is left where it is). */
  async discard(location: string, options: CallOptions = {}): Promise<boolean> {
    const found = this.claiming(location);
    if (!found) return false;
    await found.store.delete(found.key, options);
    return true;
  }

  /** Every configured store, each once. */
  private all(): ArtifactStore[] {
    return [...new Set(Object.values(this.config).flatMap((c) => [...(c.from ?? []), ...(c.store ? [c.store] : [])]))];
  }

  /**
   * Undoes a transfer whatever it reached: aborts the upload its journal recorded (a failed or
   * interrupted attempt leaves one for the next to resume), removes the work folder of a
   * converted image, and deletes the object at its key. Idempotent.
   */
  async abandonTransfer(state: StateStore, transferOperationId: string, dest: { store: ArtifactStore; key: string }, options: CallOptions = {}): Promise<void> {
    const journal = await readOperation(state, transferOperationId, options);
    for (const step of journal?.steps ?? []) {
      const output = step.output as { session?: UploadSession | null; path?: string } | undefined;
      if (step.name === 'upload' && output?.session) await dest.store.abortUpload(output.session, options);
      // The transfer's `prepare` step records the spooled image; its folder is the transfer's own.
      if (step.name === 'prepare' && typeof output?.path === 'string') await rm(dirname(output.path), { recursive: true, force: true });
    }
    await dest.store.delete(dest.key, options);
  }
}
