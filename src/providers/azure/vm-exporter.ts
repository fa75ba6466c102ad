/**
 * `exportVM` of the Azure adapter, in the order it runs:
 *
 * 1. snapshot the VM's OS disk (`createOption: Copy`, full, Standard_LRS, tagged as novacron's and
 *    the VM's);
 * 2. grant read access to the snapshot as a VHD (`beginGetAccess`: a SAS URL of a fixed VHD);
 * 3. without `export.store`: answer a `vhd` artifact at that SAS URL (the snapshot stays while the
 *    URL is in use; the URL is a bearer secret, valid `sasDurationSeconds`);
 *    with `export.store`: stream the VHD from the SAS URL into `store.write(key, ...)` with its
 *    size up front (a page blob in an Azure Blob store, which is what a managed disk imports
 *    from), then revoke the access and delete the snapshot, and answer a `vhd` artifact at
 *    `store.locationOf(key)` with the store's size and SHA-256.
 *
 * With a store nothing is left behind on failure either: a partial upload is aborted and the key
 * deleted, the access revoked and the snapshot deleted (each clean-up step bounded in time and
 * reported as an `operation.failed` event when it fails, never masking the export's own error).
 * The SAS URL never reaches an error, an event or a log: messages name the snapshot, not its URL.
 */
import { createHash } from 'node:crypto';
import type { Snapshot, VirtualMachine } from '@azure/arm-compute';
import type { ArtifactObject, ArtifactStore, UploadSession } from '../../provider/artifact-store.js';
import { throwIfAborted } from '../../provider/abort.js';
import { NovacronError, ProviderUnavailableError, UnsupportedError, type ErrorCause, type NotFoundError } from '../../provider/errors.js';
import type { EventBus } from '../../provider/events.js';
import type { CallOptions } from '../../provider/provider-v1.js';
import type { ImageArtifact } from '../../provider/types.js';
import type { AzureApi } from './azure-api.js';
import { exportSnapshotName } from './naming.js';
import type { AzurePollers } from './pollers.js';
import { resourceId, vmNameOf, type ResourceScope } from './resource-id.js';
import { NOVACRON_TAG, ownedResourceTags } from './tags.js';
import { openVhdDownload } from './vhd-download.js';
import type { VmReader } from './vm-reader.js';

/** Options of `exportVM`. */
export interface AzureExportOptions {
  /** Lifetime of the VHD's read SAS, seconds (default 4 hours). */
  readonly sasDurationSeconds?: number | undefined;
  /**
   * Where `exportVM` writes the VHD: normally an `AzureBlobArtifactStore` with `blobType: 'page'`
   * (Azure imports managed disks from page blobs only), but any store will do. Without one, the
   * artifact is the snapshot's SAS URL itself.
   */
  readonly store?: ArtifactStore | undefined;
  /** Prefix of the keys exported VHDs get in `store` (default `exports/`): `<prefix><vm>-export-<time>.vhd`. */
  readonly keyPrefix?: string | undefined;
  /** Longest download-and-upload of one export into `store`, ms (default 6 hours). */
  readonly transferTimeoutMs?: number | undefined;
}

/** What the exporter needs of the provider. */
export interface VmExporterContext {
  /** Provider name. */
  readonly providerName: string;
  /** Subscription and resource group. */
  readonly scope: ResourceScope;
  /** The provider's options that bear on exports. */
  readonly options: {
    readonly export?: AzureExportOptions | undefined;
    readonly federationId?: string | undefined;
    readonly caCertificate?: string | undefined;
    readonly requestTimeoutMs?: number | undefined;
  };
  /** The SDK clients. */
  readonly api: AzureApi;
  /** Waiting on operations. */
  readonly pollers: AzurePollers;
  /** Reading VMs. */
  readonly reader: VmReader;
  /** Where clean-up failures are reported. */
  readonly events: EventBus;
  /** The error for a VM that does not exist. */
  readonly notFound: (id: string) => NotFoundError;
}

const DEFAULT_SAS_SECONDS = 4 * 3600;
const DEFAULT_TRANSFER_TIMEOUT_MS = 6 * 60 * 60_000;
const DEFAULT_IDLE_TIMEOUT_MS = 30_000;
/** Bound of each clean-up call, which runs even after the caller aborted. */
const CLEANUP_TIMEOUT_MS = 60_000;

/** The snapshot an export works on. */
interface ExportSnapshot {
  readonly vm: VirtualMachine;
  readonly vmName: string;
  readonly name: string;
  readonly id: string;
  readonly body: Snapshot;
}

/** Exports VMs of one provider. */
export class VmExporter {
  /** Keeps the provider's parts. */
  constructor(private readonly ctx: VmExporterContext) {}

  /** Exports the VM's OS disk as a `vhd` artifact (see the file's header). */
  async export(id: string, options: CallOptions = {}): Promise<ImageArtifact> {
    const { signal } = options;
    throwIfAborted(signal);
    const snapshot = await this.snapshot(id, signal);
    const store = this.ctx.options.export?.store;
    let sas: string;
    try {
      sas = await this.grant(snapshot, signal);
    } catch (error) {
      await this.cleanUp(snapshot, false);
      throw error;
    }
    if (!store) return this.sasArtifact(snapshot, sas);
    try {
      return await this.copyToStore(snapshot, sas, store, signal);
    } finally {
      await this.cleanUp(snapshot, true);
    }
  }

  private async snapshot(id: string, signal: AbortSignal | undefined): Promise<ExportSnapshot> {
    const { scope, api, pollers, reader } = this.ctx;
    const vmName = vmNameOf(scope, id);
    if (vmName === undefined) throw this.ctx.notFound(id);
    const vm = await reader.get(vmName, 'exportVM', signal);
    if (!vm) throw this.ctx.notFound(id);
    const diskId = vm.storageProfile?.osDisk?.managedDisk?.id;
    if (!diskId) throw new UnsupportedError({ provider: this.ctx.providerName, capability: 'export', message: `exportVM: VM ${id} has no managed OS disk` });
    const name = exportSnapshotName(vmName, new Date());
    const snapshotId = resourceId(scope, 'Microsoft.Compute/snapshots', name);
    const tags = ownedResourceTags(vmName, { providerName: this.ctx.providerName, federationId: this.ctx.options.federationId });
    const body = await api.run({ operation: 'exportVM', region: vm.location, resourceType: 'snapshot', resourceId: snapshotId, mutating: true }, signal, ({ compute }) =>
      pollers.wait(
        compute.snapshots.createOrUpdate(scope.resourceGroup, name, { location: vm.location!, tags, sku: { name: 'Standard_LRS' }, incremental: false, creationData: { createOption: 'Copy', sourceResourceId: diskId } }, this.poll(signal)),
        { signal, resourceId: snapshotId, what: `the snapshot ${snapshotId}` },
      ),
    );
    return { vm, vmName, name, id: snapshotId, body };
  }

  private async grant(snapshot: ExportSnapshot, signal: AbortSignal | undefined): Promise<string> {
    const { scope, api, pollers } = this.ctx;
    const access = await api.run({ operation: 'exportVM', region: snapshot.vm.location, resourceType: 'snapshot', resourceId: snapshot.id, mutating: true }, signal, ({ compute }) =>
      pollers.wait(compute.snapshots.grantAccess(scope.resourceGroup, snapshot.name, { access: 'Read', durationInSeconds: this.ctx.options.export?.sasDurationSeconds ?? DEFAULT_SAS_SECONDS, fileFormat: 'VHD' }, this.poll(signal)), {
        signal,
        resourceId: snapshot.id,
        what: `read access to ${snapshot.id}`,
      }),
    );
    if (!access.accessSAS) throw new ProviderUnavailableError({ provider: this.ctx.providerName, message: `exportVM: beginGetAccess on ${snapshot.id} gave no SAS URL`, retryable: false });
    return access.accessSAS;
  }

  /** Today's artifact: the SAS URL itself, sized as the snapshot, fingerprinted by its identity. */
  private sasArtifact(snapshot: ExportSnapshot, sas: string): ImageArtifact {
    const { body, vm } = snapshot;
    return {
      ...this.provenance(snapshot),
      format: 'vhd',
      location: sas,
      sizeBytes: body.diskSizeBytes ?? (body.diskSizeGB ?? vm.storageProfile?.osDisk?.diskSizeGB ?? 30) * 1024 ** 3,
      // A snapshot has no content digest here: this fingerprints its identity.
      checksum: { algorithm: 'sha256', value: createHash('sha256').update(`${body.id ?? snapshot.id}/${body.uniqueId ?? ''}`).digest('hex') },
    };
  }

  private async copyToStore(snapshot: ExportSnapshot, sas: string, store: ArtifactStore, signal: AbortSignal | undefined): Promise<ImageArtifact> {
    const exportOptions = this.ctx.options.export ?? {};
    const key = `${exportOptions.keyPrefix ?? 'exports/'}${snapshot.name}.vhd`;
    const what = `exportVM: the VHD of ${snapshot.id}`;
    let session: UploadSession | undefined;
    let object: ArtifactObject;
    let sha256: string;
    try {
      const download = await openVhdDownload(sas, {
        providerName: this.ctx.providerName,
        caCertificate: this.ctx.options.caCertificate,
        idleTimeoutMs: this.ctx.options.requestTimeoutMs ?? DEFAULT_IDLE_TIMEOUT_MS,
        totalTimeoutMs: exportOptions.transferTimeoutMs ?? DEFAULT_TRANSFER_TIMEOUT_MS,
        signal,
        what,
      });
      const hash = createHash('sha256');
      object = await store.write(key, hashed(download.body, hash), {
        sizeBytes: download.sizeBytes,
        contentType: 'application/octet-stream',
        metadata: { 'novacron-source-vm': snapshot.vmName },
        signal,
        onSession: (s) => {
          session = s;
        },
      });
      sha256 = hash.digest('hex');
      if (object.sizeBytes !== download.sizeBytes || (object.sha256 !== undefined && object.sha256 !== sha256)) {
        throw new ProviderUnavailableError({
          provider: this.ctx.providerName,
          message: `${what}: store ${store.name} holds ${object.sizeBytes} bytes (SHA-256 ${object.sha256 ?? 'unknown'}) at ${key}, but ${download.sizeBytes} bytes (SHA-256 ${sha256}) were read`,
          retryable: true,
        });
      }
    } catch (error) {
      await this.removePartial(store, key, session);
      throw error;
    }
    return { ...this.provenance(snapshot), format: 'vhd', location: store.locationOf(key), sizeBytes: object.sizeBytes, checksum: { algorithm: 'sha256', value: object.sha256 ?? sha256 } };
  }

  private provenance(snapshot: ExportSnapshot): Pick<ImageArtifact, 'sourceProvider' | 'sourceProviderKind' | 'sourceVmId' | 'baseImage' | 'createdAt'> {
    return {
      sourceProvider: this.ctx.providerName,
      sourceProviderKind: 'azure',
      sourceVmId: snapshot.vm.id ?? resourceId(this.ctx.scope, 'Microsoft.Compute/virtualMachines', snapshot.vmName),
      baseImage: snapshot.vm.tags?.[NOVACRON_TAG.image],
      createdAt: new Date().toISOString(),
    };
  }

  /** Removes what a failed write may have left: the unfinished upload and the key. */
  private async removePartial(store: ArtifactStore, key: string, session: UploadSession | undefined): Promise<void> {
    if (session) await this.quietly(`the partial upload of ${key} to store ${store.name}`, () => store.abortUpload(session!, { signal: AbortSignal.timeout(CLEANUP_TIMEOUT_MS) }));
    await this.quietly(`${key} in store ${store.name}`, () => store.delete(key, { signal: AbortSignal.timeout(CLEANUP_TIMEOUT_MS) }));
  }

  /** Ends the read access (when granted) and deletes the snapshot, whatever the caller's signal says. */
  private async cleanUp(snapshot: ExportSnapshot, granted: boolean): Promise<void> {
    const { scope, api, pollers } = this.ctx;
    const ctx = { operation: 'exportVM.cleanup', region: snapshot.vm.location, resourceType: 'snapshot', resourceId: snapshot.id, mutating: true };
    const signal = (): AbortSignal => AbortSignal.timeout(CLEANUP_TIMEOUT_MS);
    if (granted) {
      await this.quietly(`read access to ${snapshot.id}`, () =>
        api.run(ctx, undefined, ({ compute }) => pollers.wait(compute.snapshots.revokeAccess(scope.resourceGroup, snapshot.name, this.poll(undefined)), { signal: signal(), resourceId: snapshot.id, what: `revoking read access to ${snapshot.id}` })),
      );
    }
    await this.quietly(`snapshot ${snapshot.id}`, () =>
      api.run(ctx, undefined, ({ compute }) => pollers.wait(compute.snapshots.delete(scope.resourceGroup, snapshot.name, this.poll(undefined)), { signal: signal(), resourceId: snapshot.id, what: `the delete of ${snapshot.id}` })),
    );
  }

  /** Runs a clean-up step; a failure is reported as an event, never thrown. */
  private async quietly(what: string, step: () => Promise<unknown>): Promise<void> {
    try {
      await step();
    } catch (error) {
      this.ctx.events.publish('operation.failed', {
        provider: this.ctx.providerName,
        operation: 'exportVM.cleanup',
        errorCode: NovacronError.isInstance(error) ? ((error.cause as ErrorCause | undefined)?.code ?? error.code) : 'Unknown',
        message: `could not remove ${what}; remove it by hand: ${error instanceof Error ? error.message : String(error)}`,
      });
    }
  }

  private poll(signal: AbortSignal | undefined): { updateIntervalInMs: number; abortSignal: AbortSignal | undefined } {
    return { updateIntervalInMs: this.ctx.pollers.pollIntervalMs, abortSignal: signal };
  }
}

/** The chunks of `body`, each added to `hash` as it passes. */
async function* hashed(body: AsyncIterable<Uint8Array>, hash: ReturnType<typeof createHash>): AsyncIterable<Uint8Array> {
  for await (const chunk of body) {
    hash.update(chunk);
    yield chunk;
  }
}
