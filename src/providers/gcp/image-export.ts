/**
 * `exportVM` the way `gcloud compute images export` does it (its Daisy `image_export` workflow):
 * Compute Engine has no REST call that writes an image to Cloud Storage, so a short-lived worker
 * VM does the writing.
 *
 * 1. `images.insert` with `sourceDisk` = the VM's boot disk and `forceCreate: true`, so a running
 *    VM need not be stopped (the image is crash-consistent, like a snapshot of a running disk;
 *    stop the VM first for a clean file system).
 * 2. `instances.insert` of the worker in the VM's zone: an `e2-small` booting a stock Debian
 *    image (it carries python3 and the gcloud CLI), the intermediate image attached as a second,
 *    read-only disk created from it, the service account with the `devstorage.read_write` scope,
 *    metadata `novacron-export-destination` = `gs://bucket/object.tar.gz` and a `startup-script`
 *    that streams the disk into that object as `disk.raw` inside a tar.gz (GCE's import format)
 *    and then powers off, whether it succeeded or not. Worker and image are labelled as
 *    novacron's export worker.
 * 3. The worker is read until it is TERMINATED (the script's `poweroff`), bounded by
 *    `exportTimeoutMs` and the caller's signal.
 * 4. The object is read with the Cloud Storage JSON API (`GET /storage/v1/b/{bucket}/o/{object}`,
 *    the auth client's headers; `storage-objects.ts`): absent means the script failed.
 * 5. The worker (its disks are auto-delete) and the intermediate image are deleted, on failure
 *    and on abort too.
 *
 * The artifact's `sizeBytes` and `checksum` are those of the object — the `.tar.gz` an import
 * reads — as Cloud Storage reports them: `size`, and `md5Hash` as an `md5` checksum (hex). MD5
 * because Cloud Storage computes it over every non-composite object and checks it on every read,
 * so the artifact is verified without a second pass over the bytes (the worker's streaming
 * upload is never composite; an object without an MD5 is refused rather than given a checksum
 * that is not one). The SHA-256 of the guest bytes inside is `transferArtifact`'s `guestSha256`.
 */
import { randomUUID } from 'node:crypto';
import { sleep, throwIfAborted } from '../../provider/abort.js';
import { NotFoundError, ProviderUnavailableError, TimeoutError } from '../../provider/errors.js';
import type { ImageArtifact } from '../../provider/types.js';
import type { GcpApi } from './gcp-api.js';
import { NOVACRON_LABEL, encodeLabelValue } from './labels.js';
import { instanceId, regionOfZone, type InstanceRef } from './naming.js';
import type { OperationWaiter } from './operation-waiter.js';
import { md5Hex, type StorageObjects } from './storage-objects.js';

/** The metadata key naming the worker's destination (`gs://bucket/object.tar.gz`). */
export const EXPORT_DESTINATION_METADATA = 'novacron-export-destination';
/** The label marking an export worker and its intermediate image (`novacron-role: export-worker`). */
export const EXPORT_ROLE_LABEL = 'novacron-role';
/** The device name of the image disk on the worker (`/dev/disk/by-id/google-<name>`). */
export const EXPORT_SOURCE_DEVICE = 'novacron-export-source';
/** The scope the worker needs to write the object. */
export const DEVSTORAGE_READ_WRITE = 'https://www.googleapis.com/auth/devstorage.read_write';

/**
 * The worker's startup script: reads the destination from the metadata server, streams the
 * attached image disk through Python's `tarfile` (a `disk.raw` member in a gzip stream, nothing
 * on local disk) into `gcloud storage cp -`, then powers off (also on failure: the adapter then
 * finds no object).
 */
export const EXPORT_STARTUP_SCRIPT = `#!/bin/bash
# novacron export worker: stream the attached image disk into Cloud Storage as disk.raw in a tar.gz, then power off.
set -euo pipefail
trap 'sync; poweroff' EXIT
dest="$(curl -fsS -H 'Metadata-Flavor: Google' 'http://metadata.google.internal/computeMetadata/v1/instance/attributes/${EXPORT_DESTINATION_METADATA}')"
python3 - /dev/disk/by-id/google-${EXPORT_SOURCE_DEVICE} <<'PY' | gcloud storage cp - "$dest"
import os, sys, tarfile
with open(sys.argv[1], 'rb') as disk:
    size = disk.seek(0, os.SEEK_END)
    disk.seek(0)
    member = tarfile.TarInfo('disk.raw')
    member.size = size
    member.mode = 0o644
    with tarfile.open(fileobj=sys.stdout.buffer, mode='w|gz', format=tarfile.GNU_FORMAT) as archive:
        archive.addfile(member, disk)
PY
`;

/** Settings of an export. */
export interface ImageExportSettings {
  /** Provider name. */
  readonly providerName: string;
  /** Project id. */
  readonly project: string;
  /** Destination bucket. */
  readonly bucket: string;
  /** Object name prefix (default none). */
  readonly prefix: string;
  /** Worker machine type (`e2-small`). */
  readonly machineType: string;
  /** Worker boot image (`projects/debian-cloud/global/images/family/debian-12`). */
  readonly workerImage: string;
  /** Network (name or path) of the worker. */
  readonly network: string | undefined;
  /** Subnetwork (name in the region, or path) of the worker. */
  readonly subnetwork: string | undefined;
  /** Service account of the worker (`default`: the project's Compute Engine default account). */
  readonly serviceAccount: string;
  /** Longest wait for the worker, ms. */
  readonly timeoutMs: number;
}

/** The source VM. */
export interface ExportSource {
  /** The VM's instance. */
  readonly ref: InstanceRef;
  /** URL of its boot disk. */
  readonly bootDisk: string;
  /** Image alias or id it was created from. */
  readonly baseImage: string | undefined;
}

/** Runs exports of one project. */
export class ImageExporter {
  /** Keeps what it needs. */
  constructor(
    private readonly api: GcpApi,
    private readonly waiter: OperationWaiter,
    private readonly storage: StorageObjects,
    private readonly settings: ImageExportSettings,
  ) {}

  /** Exports the boot disk of `source` to `gs://bucket/<prefix><instance>-<stamp>.tar.gz`. */
  async export(source: ExportSource, signal: AbortSignal | undefined): Promise<ImageArtifact> {
    const s = this.settings;
    const { ref } = source;
    const vmId = instanceId(ref);
    const stamp = `${Date.now().toString(36)}${randomUUID().slice(0, 4)}`;
    const image = `${ref.name}-x${stamp}`.slice(0, 63).replace(/-+$/, '');
    const worker = `${image.slice(0, 56)}-worker`;
    const object = `${s.prefix}${ref.name}-${stamp}.tar.gz`;
    const location = `gs://${s.bucket}/${object}`;
    const labels = { [NOVACRON_LABEL.managed]: 'true', [NOVACRON_LABEL.provider]: encodeLabelValue(s.providerName), [EXPORT_ROLE_LABEL]: 'export-worker' };
    const zone = ref.zone;
    const imageUrl = `projects/${s.project}/global/images/${image}`;
    const imageCtx = { operation: 'exportVM', resourceType: 'image', resourceId: imageUrl, mutating: true };
    const workerCtx = { operation: 'exportVM', zone, region: regionOfZone(zone), resourceType: 'vm', resourceId: instanceId({ project: s.project, zone, name: worker }), mutating: true };
    let imageMade = false;
    let workerMade = false;
    try {
      // 1. The image of the boot disk.
      imageMade = true;
      const [imageOp] = await this.api.run(imageCtx, signal, ({ images }, call) =>
        images.insert({ project: s.project, forceCreate: true, requestId: randomUUID(), imageResource: { name: image, sourceDisk: source.bootDisk, labels, description: `novacron export of ${vmId}` } }, call),
      );
      const imageOpName = imageOp.latestResponse?.name;
      if (imageOpName) await this.waiter.wait({ operation: imageOpName, ctx: imageCtx, signal, timeoutMs: s.timeoutMs, what: `the image of ${vmId}` });

      // 2. The worker.
      workerMade = true;
      const [workerOp] = await this.api.run(workerCtx, signal, ({ instances }, call) =>
        instances.insert({ project: s.project, zone, requestId: randomUUID(), instanceResource: this.workerBody(worker, zone, imageUrl, location, labels) }, call),
      );
      const workerOpName = workerOp.latestResponse?.name;
      if (workerOpName) await this.waiter.wait({ zone, operation: workerOpName, ctx: workerCtx, signal, timeoutMs: s.timeoutMs, what: `the export worker ${worker}` });

      // 3. Its poweroff.
      await this.awaitPoweroff(worker, zone, workerCtx, signal);

      // 4. The object.
      const found = await this.storage.metadata(s.bucket, object, 'exportVM', signal);
      if (!found) {
        throw new ProviderUnavailableError({
          provider: s.providerName,
          retryable: false,
          message: `exportVM of ${vmId}: the export worker ${worker} powered off without writing ${location} (see its serial console output)`,
        });
      }
      const md5 = md5Hex(found.md5Hash);
      const sizeBytes = Number(found.size);
      if (md5 === undefined || !Number.isSafeInteger(sizeBytes) || sizeBytes <= 0) {
        throw new ProviderUnavailableError({
          provider: s.providerName,
          retryable: false,
          message: `exportVM of ${vmId}: Cloud Storage reports ${location} without ${md5 === undefined ? 'an MD5 (a composite object?)' : 'a size'}; it cannot be an artifact`,
        });
      }
      return {
        format: 'raw',
        location,
        sizeBytes,
        checksum: { algorithm: 'md5', value: md5 },
        sourceProvider: s.providerName,
        sourceProviderKind: 'gcp',
        sourceVmId: vmId,
        baseImage: source.baseImage,
        createdAt: new Date().toISOString(),
      };
    } finally {
      // 5. Cleanup, whatever happened and even after an abort (so without the caller's signal).
      if (workerMade) await this.removeWorker(worker, zone, workerCtx);
      if (imageMade) await this.removeImage(image, imageCtx);
    }
  }

  private workerBody(worker: string, zone: string, imageUrl: string, location: string, labels: Record<string, string>): Record<string, unknown> {
    const s = this.settings;
    const region = regionOfZone(zone);
    const network = s.network === undefined ? undefined : s.network.includes('/') ? s.network : `global/networks/${s.network}`;
    const subnetwork = s.subnetwork === undefined ? undefined : s.subnetwork.includes('/') ? s.subnetwork : `regions/${region}/subnetworks/${s.subnetwork}`;
    return {
      name: worker,
      description: `novacron export worker: writes ${location}`,
      machineType: `zones/${zone}/machineTypes/${s.machineType}`,
      labels,
      disks: [
        { boot: true, autoDelete: true, initializeParams: { sourceImage: s.workerImage, diskSizeGb: 10 } },
        { boot: false, autoDelete: true, mode: 'READ_ONLY', deviceName: EXPORT_SOURCE_DEVICE, initializeParams: { sourceImage: imageUrl, diskName: `${worker}-source`, labels } },
      ],
      // An external address reaches storage.googleapis.com without Private Google Access.
      networkInterfaces: [{ ...(network ? { network } : {}), ...(subnetwork ? { subnetwork } : {}), accessConfigs: [{ type: 'ONE_TO_ONE_NAT', name: 'External NAT' }] }],
      serviceAccounts: [{ email: s.serviceAccount, scopes: [DEVSTORAGE_READ_WRITE] }],
      metadata: { items: [{ key: EXPORT_DESTINATION_METADATA, value: location }, { key: 'startup-script', value: EXPORT_STARTUP_SCRIPT }] },
      scheduling: { automaticRestart: false, onHostMaintenance: 'MIGRATE' },
    };
  }

  private async awaitPoweroff(worker: string, zone: string, ctx: { operation: string; resourceType: string; resourceId: string }, signal: AbortSignal | undefined): Promise<void> {
    const s = this.settings;
    const deadline = Date.now() + s.timeoutMs;
    for (;;) {
      throwIfAborted(signal);
      let status: string | null | undefined;
      try {
        const [found] = await this.api.run({ ...ctx, mutating: false }, signal, ({ instances }, call) => instances.get({ project: s.project, zone, instance: worker }, call));
        status = found.status;
      } catch (error) {
        if (!NotFoundError.isInstance(error)) throw error;
        throw new ProviderUnavailableError({ provider: s.providerName, retryable: false, message: `exportVM: the export worker ${worker} disappeared before it finished`, cause: error });
      }
      if (status === 'TERMINATED') return;
      if (status === 'SUSPENDED' || status === 'REPAIRING') {
        throw new ProviderUnavailableError({ provider: s.providerName, retryable: false, message: `exportVM: the export worker ${worker} is ${status}, not writing` });
      }
      if (Date.now() > deadline) throw new TimeoutError({ provider: s.providerName, resourceId: ctx.resourceId, message: `exportVM: the export worker ${worker} did not finish within ${s.timeoutMs} ms (it is removed)` });
      await sleep(this.waiter.pollIntervalMs, signal);
    }
  }

  private async removeWorker(worker: string, zone: string, ctx: { operation: string; zone: string; region: string; resourceType: string; resourceId: string }): Promise<void> {
    const s = this.settings;
    try {
      const [op] = await this.api.run({ ...ctx, operation: 'exportVM.cleanup' }, undefined, ({ instances }, call) => instances.delete({ project: s.project, zone, instance: worker, requestId: randomUUID() }, call));
      const name = op.latestResponse?.name;
      if (name) await this.waiter.wait({ zone, operation: name, ctx, what: `the removal of the export worker ${worker}` });
    } catch (error) {
      if (!NotFoundError.isInstance(error)) this.leftBehind(`instance ${worker} in ${zone}`, error);
    }
  }

  private async removeImage(image: string, ctx: { operation: string; resourceType: string; resourceId: string }): Promise<void> {
    const s = this.settings;
    try {
      const [op] = await this.api.run({ ...ctx, operation: 'exportVM.cleanup' }, undefined, ({ images }, call) => images.delete({ project: s.project, image, requestId: randomUUID() }, call));
      const name = op.latestResponse?.name;
      if (name) await this.waiter.wait({ operation: name, ctx, what: `the removal of the image ${image}` });
    } catch (error) {
      if (!NotFoundError.isInstance(error)) this.leftBehind(`image ${image}`, error);
    }
  }

  private leftBehind(what: string, error: unknown): void {
    this.onLeftBehind?.(`exportVM could not remove its ${what} (${error instanceof Error ? error.message : String(error)}); it is labelled ${EXPORT_ROLE_LABEL}=export-worker`);
  }

  /** Told of a resource the cleanup could not remove. */
  onLeftBehind: ((message: string) => void) | undefined;
}
