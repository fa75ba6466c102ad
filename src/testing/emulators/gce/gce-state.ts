/**
 * What the emulated project holds: instances, disks, images (its own and the public projects'),
 * snapshots, operations, the insert/action `requestId`s it has seen, and the clock their states
 * move on. Instance states move lazily (nothing runs on timers): every call first settles the
 * operations that are due and advances each instance's lifecycle. Disks, images and snapshots
 * carry their guest bytes (`guest-disk-ref.ts`), kept in the emulator's `GuestDiskStore`.
 */
import { createHash } from 'node:crypto';
import { GuestDiskStore } from '../kit/guest-disks.js';
import type { LifecycleClock, LifecycleSubject, ScheduledTransition } from '../kit/lifecycle-clock.js';
import { finishIfReady, type ExportWorkerJob } from './export-worker.js';
import { GuestDiskRef, PUBLIC_IMAGE_GUEST_BYTES } from './guest-disk-ref.js';
import type { GceAcceleratorConfig, GceAccessConfig, GceAttachedDisk, GceDisk, GceImage, GceInstance, GceInstanceStatus, GceJsonObject, GceMetadataItem, GceScheduling, GceServiceAccount, GceSnapshot } from './gce-shapes.js';
import { COMPUTE_BASE, type MachineCatalog, type MachineTypeSpec } from './machine-catalog.js';
import type { OperationStore } from './operation-store.js';
import { PUBLIC_IMAGE_FAMILIES, PUBLIC_IMAGE_VERSIONS } from './public-images.js';
import type { GceLinkedStorage } from './storage-link.js';

/** A network interface as stored. */
export interface NetworkInterfaceRecord {
  /** Network URL. */
  readonly network: string;
  /** Subnetwork URL. */
  readonly subnetwork: string;
  /** Internal address. */
  readonly networkIP: string;
  /** External addresses, when asked for. */
  readonly accessConfigs: readonly GceAccessConfig[] | undefined;
}

/** A disk attachment as stored. */
export interface AttachmentRecord {
  /** Key of the disk (`zone/name`). */
  readonly diskKey: string;
  /** Device name. */
  readonly deviceName: string;
  /** Boot disk. */
  readonly boot: boolean;
  /** Deleted with the instance. */
  readonly autoDelete: boolean;
  /** `SCSI` or `NVME`. */
  readonly interface: string;
}

/** An instance as stored. */
export interface InstanceRecord extends LifecycleSubject<GceInstanceStatus> {
  /** Numeric id. */
  readonly id: string;
  /** Name. */
  readonly name: string;
  /** Zone. */
  readonly zone: string;
  /** Creation time, clock ms. */
  readonly createdAt: number;
  /** The insert body as the client sent it. */
  readonly sent: GceJsonObject;
  /** Machine type. */
  readonly machineType: MachineTypeSpec;
  /** Description. */
  readonly description: string | undefined;
  /** Labels. */
  labels: Record<string, string>;
  /** Metadata entries. */
  readonly metadata: readonly GceMetadataItem[];
  /** Network tags. */
  readonly tags: readonly string[];
  /** Network interfaces. */
  readonly networkInterfaces: readonly NetworkInterfaceRecord[];
  /** Disks, in index order. */
  readonly disks: AttachmentRecord[];
  /** Scheduling. */
  readonly scheduling: GceScheduling;
  /** Attached accelerators. */
  readonly guestAccelerators: readonly GceAcceleratorConfig[];
  /** Service accounts. */
  readonly serviceAccounts: readonly GceServiceAccount[] | undefined;
  /** Can forward IP. */
  readonly canIpForward: boolean;
  /** Deletion protection. */
  readonly deletionProtection: boolean;
  /** Last start, clock ms. */
  lastStart: number | undefined;
  /** Last stop, clock ms. */
  lastStop: number | undefined;
  /** Last suspension, clock ms. */
  lastSuspended: number | undefined;
  /** True once its insert failed or its delete began: it leaves when that operation is done. */
  leaving: boolean;
  /** States still to come after the pending transition, in order. */
  queue: ScheduledTransition<GceInstanceStatus>[];
}

/** An object in the emulated Cloud Storage. */
export interface StoredObject {
  /** Size in bytes. */
  readonly sizeBytes: number;
  /** Size of the disk inside, GB (default: the object's size rounded up to whole GiB). */
  readonly diskSizeGb?: number | undefined;
  /** When it was written (clock ms); registration time when absent. */
  readonly createdAt?: number | undefined;
}

/** A disk as stored. */
export interface DiskRecord {
  /** Numeric id. */
  readonly id: string;
  /** Name. */
  readonly name: string;
  /** Zone. */
  readonly zone: string;
  /** Size, GB. */
  readonly sizeGb: number;
  /** Disk type name. */
  readonly type: string;
  /** Source image URL. */
  readonly sourceImage: string | undefined;
  /** Architecture. */
  readonly architecture: string;
  /** Labels. */
  readonly labels: Readonly<Record<string, string>>;
  /** Instance URLs using it. */
  users: string[];
  /** Creation time. */
  readonly createdAt: number;
  /** Its guest bytes (those of its source image); `undefined` for a blank disk. */
  readonly guest: GuestDiskRef | undefined;
}

/** An image as stored. */
export interface ImageRecord {
  /** Numeric id. */
  readonly id: string;
  /** Project. */
  readonly project: string;
  /** Name. */
  readonly name: string;
  /** Family. */
  readonly family: string | undefined;
  /** Minimum disk size, GB (an import's is known once its archive is read). */
  diskSizeGb: number;
  /** Archive size, bytes. */
  archiveSizeBytes: number;
  /** Architecture. */
  readonly architecture: 'X86_64' | 'ARM64';
  /** Description. */
  readonly description: string | undefined;
  /** Source disk URL. */
  readonly sourceDisk: string | undefined;
  /** Raw disk archive URL. */
  readonly rawDiskSource: string | undefined;
  /** Replacement URL, when deprecated. */
  readonly deprecatedBy: string | undefined;
  /** Labels. */
  readonly labels: Readonly<Record<string, string>>;
  /** `PENDING`, `READY`, `FAILED`. */
  status: string;
  /** Creation time. */
  readonly createdAt: number;
  /** Its guest bytes; `undefined` for an image of a blank disk. */
  readonly guest: GuestDiskRef | undefined;
}

/** A snapshot as stored. */
export interface SnapshotRecord {
  /** Numeric id. */
  readonly id: string;
  /** Name. */
  readonly name: string;
  /** Source disk URL. */
  readonly sourceDisk: string;
  /** Size of the source disk, GB. */
  readonly diskSizeGb: number;
  /** Architecture. */
  readonly architecture: string;
  /** Labels. */
  readonly labels: Readonly<Record<string, string>>;
  /** `CREATING` or `READY`. */
  status: string;
  /** Creation time. */
  readonly createdAt: number;
  /** Its guest bytes (the source disk's). */
  readonly guest: GuestDiskRef | undefined;
}

/** An accepted request id: the operation it started, and when. */
interface RequestIdRecord {
  readonly operation: string;
  readonly zone: string | undefined;
  readonly at: number;
}

/** Where a project's guest bytes and Cloud Storage objects live. */
export interface GceStateLinks {
  /** The guest disks (default: a store of its own). */
  readonly guestDisks?: GuestDiskStore | undefined;
  /** The linked Cloud Storage emulator, when there is one (imports read it, export workers write it). */
  readonly storage?: GceLinkedStorage | undefined;
}

/** Everything one emulated project holds. */
export class GceState {
  /** Instances by `zone/name`. */
  readonly instances = new Map<string, InstanceRecord>();
  /** Disks by `zone/name`. */
  readonly disks = new Map<string, DiskRecord>();
  /** Images by `project/name`. */
  readonly images = new Map<string, ImageRecord>();
  /** Snapshots by name. */
  readonly snapshots = new Map<string, SnapshotRecord>();
  /** Cloud Storage objects by `https://storage.googleapis.com/bucket/object` URL (imports read them, export workers write them). */
  readonly storage = new Map<string, StoredObject>();
  /** Export workers by instance `zone/name`: what each writes to Cloud Storage when its script ends. */
  readonly exportWorkers = new Map<string, ExportWorkerJob>();
  /** The guest bytes of disks, images and snapshots. */
  readonly guestDisks: GuestDiskStore;
  /** The linked Cloud Storage emulator, when there is one. */
  readonly linkedStorage: GceLinkedStorage | undefined;
  private readonly background = new Set<Promise<unknown>>();
  private readonly requestIds = new Map<string, RequestIdRecord>();
  private idCounter = 0;
  private addressCounter = 0;

  /** A project's state. */
  constructor(
    /** Project id. */
    readonly project: string,
    /** Machine and accelerator types. */
    readonly catalog: MachineCatalog,
    /** The clock. */
    readonly clock: LifecycleClock,
    /** Operations. */
    readonly operations: OperationStore,
    /** How long a `requestId` is remembered, ms. */
    private readonly requestIdRetentionMs: number,
    links: GceStateLinks = {},
  ) {
    this.guestDisks = links.guestDisks ?? new GuestDiskStore();
    this.linkedStorage = links.storage;
    this.seedPublicImages();
  }

  /** Keeps track of background work (an export worker's packing) until it settles. */
  track(work: Promise<unknown>): void {
    const settled = work.then(
      () => undefined,
      () => undefined,
    );
    this.background.add(settled);
    void settled.then(() => this.background.delete(settled));
  }

  /** Resolves once the background work started so far (and any it started) has settled. */
  async settled(): Promise<void> {
    while (this.background.size > 0) await Promise.all([...this.background]);
  }

  /** A fresh numeric id (uint64 as text, like GCE's). */
  newId(): string {
    return String(1_000_000_000_000_000_000n + BigInt(++this.idCounter) * 104_729n);
  }

  /** The next internal address of a region's default subnet, and an external one. */
  newAddresses(): { readonly internal: string; readonly external: string } {
    const n = ++this.addressCounter;
    return { internal: `10.128.${Math.floor(n / 250) % 250}.${(n % 250) + 2}`, external: `34.${120 + (Math.floor(n / 62500) % 10)}.${Math.floor(n / 250) % 250}.${(n % 250) + 2}` };
  }

  /** Settles due operations and moves every instance along its lifecycle. */
  advance(): void {
    this.operations.settleDue();
    for (const instance of this.instances.values()) this.clock.advance(instance, (to, _reason, at) => this.entered(instance, to, at));
  }

  /** The operation a `requestId` started, when still remembered. */
  requestIdOperation(requestId: string): { readonly operation: string; readonly zone: string | undefined } | undefined {
    const found = this.requestIds.get(requestId);
    if (!found) return undefined;
    if (this.clock.now() - found.at > this.requestIdRetentionMs) {
      this.requestIds.delete(requestId);
      return undefined;
    }
    return found;
  }

  /** Remembers the operation a `requestId` started. */
  rememberRequestId(requestId: string, operation: string, zone: string | undefined): void {
    this.requestIds.set(requestId, { operation, zone, at: this.clock.now() });
  }

  /** Instance URL. */
  instanceUrl(zone: string, name: string): string {
    return `${COMPUTE_BASE}/projects/${this.project}/zones/${zone}/instances/${name}`;
  }

  /** Disk URL. */
  diskUrl(zone: string, name: string): string {
    return `${COMPUTE_BASE}/projects/${this.project}/zones/${zone}/disks/${name}`;
  }

  /** Image URL. */
  imageUrl(project: string, name: string): string {
    return `${COMPUTE_BASE}/projects/${project}/global/images/${name}`;
  }

  /** The guest bytes of an instance's boot disk (`undefined`: a blank disk, or no boot disk). */
  bootGuest(instance: InstanceRecord): GuestDiskRef | undefined {
    const boot = instance.disks.find((d) => d.boot);
    return boot ? this.disks.get(boot.diskKey)?.guest : undefined;
  }

  /** Removes an instance; deletes its auto-delete disks and detaches the others. */
  removeInstance(instance: InstanceRecord): void {
    this.instances.delete(`${instance.zone}/${instance.name}`);
    this.exportWorkers.delete(`${instance.zone}/${instance.name}`);
    const url = this.instanceUrl(instance.zone, instance.name);
    for (const attachment of instance.disks) {
      const disk = this.disks.get(attachment.diskKey);
      if (!disk) continue;
      disk.users = disk.users.filter((u) => u !== url);
      if (attachment.autoDelete && disk.users.length === 0) this.disks.delete(attachment.diskKey);
    }
  }

  /** The newest image of a family that is not deprecated. */
  imageFromFamily(project: string, family: string): ImageRecord | undefined {
    let best: ImageRecord | undefined;
    for (const image of this.images.values()) {
      if (image.project !== project || image.family !== family || image.deprecatedBy !== undefined || image.status !== 'READY') continue;
      if (!best || image.createdAt > best.createdAt) best = image;
    }
    return best;
  }

  /** An instance rendered as `instances.get` returns it. */
  renderInstance(instance: InstanceRecord): GceInstance {
    const zoneUrl = `${COMPUTE_BASE}/projects/${this.project}/zones/${instance.zone}`;
    const disks: GceAttachedDisk[] = instance.disks.map((a, index) => {
      const disk = this.disks.get(a.diskKey);
      return {
        kind: 'compute#attachedDisk',
        type: 'PERSISTENT',
        mode: 'READ_WRITE',
        source: this.diskUrl(instance.zone, a.diskKey.split('/')[1]!),
        deviceName: a.deviceName,
        index,
        boot: a.boot,
        autoDelete: a.autoDelete,
        interface: a.interface,
        diskSizeGb: String(disk?.sizeGb ?? 0),
        architecture: disk?.architecture ?? instance.machineType.architecture,
      };
    });
    const labels = Object.keys(instance.labels).length > 0 ? { labels: { ...instance.labels } } : {};
    const iso = (ms: number | undefined): string | undefined => (ms === undefined ? undefined : new Date(ms).toISOString());
    return {
      kind: 'compute#instance',
      id: instance.id,
      creationTimestamp: new Date(instance.createdAt).toISOString(),
      name: instance.name,
      ...(instance.description === undefined ? {} : { description: instance.description }),
      tags: { ...(instance.tags.length > 0 ? { items: [...instance.tags] } : {}), fingerprint: fingerprint(instance.tags) },
      machineType: `${zoneUrl}/machineTypes/${instance.machineType.name}`,
      status: instance.state,
      zone: zoneUrl,
      canIpForward: instance.canIpForward,
      networkInterfaces: instance.networkInterfaces.map((n, i) => ({
        kind: 'compute#networkInterface',
        name: `nic${i}`,
        network: n.network,
        subnetwork: n.subnetwork,
        networkIP: n.networkIP,
        ...(n.accessConfigs ? { accessConfigs: n.accessConfigs } : {}),
        stackType: 'IPV4_ONLY',
        fingerprint: fingerprint(n),
      })),
      disks,
      metadata: { kind: 'compute#metadata', fingerprint: fingerprint(instance.metadata), ...(instance.metadata.length > 0 ? { items: instance.metadata.map((m) => ({ ...m })) } : {}) },
      ...(instance.serviceAccounts ? { serviceAccounts: instance.serviceAccounts.map((s) => ({ email: s.email, scopes: [...s.scopes] })) } : {}),
      selfLink: this.instanceUrl(instance.zone, instance.name),
      scheduling: { ...instance.scheduling },
      cpuPlatform: instance.machineType.architecture === 'ARM64' ? 'Ampere Altra' : 'Intel Cascade Lake',
      ...(instance.guestAccelerators.length > 0 ? { guestAccelerators: instance.guestAccelerators.map((g) => ({ ...g })) } : {}),
      ...labels,
      labelFingerprint: fingerprint(instance.labels),
      startRestricted: false,
      deletionProtection: instance.deletionProtection,
      ...(instance.lastStart === undefined ? {} : { lastStartTimestamp: iso(instance.lastStart) }),
      ...(instance.lastStop === undefined ? {} : { lastStopTimestamp: iso(instance.lastStop) }),
      ...(instance.lastSuspended === undefined ? {} : { lastSuspendedTimestamp: iso(instance.lastSuspended) }),
      fingerprint: fingerprint([instance.id, instance.state, instance.labels]),
    };
  }

  /** A disk rendered. */
  renderDisk(disk: DiskRecord): GceDisk {
    return {
      kind: 'compute#disk',
      id: disk.id,
      creationTimestamp: new Date(disk.createdAt).toISOString(),
      name: disk.name,
      sizeGb: String(disk.sizeGb),
      zone: `${COMPUTE_BASE}/projects/${this.project}/zones/${disk.zone}`,
      status: 'READY',
      ...(disk.sourceImage === undefined ? {} : { sourceImage: disk.sourceImage }),
      type: `${COMPUTE_BASE}/projects/${this.project}/zones/${disk.zone}/diskTypes/${disk.type}`,
      ...(disk.users.length > 0 ? { users: [...disk.users] } : {}),
      ...(Object.keys(disk.labels).length > 0 ? { labels: { ...disk.labels } } : {}),
      architecture: disk.architecture,
      selfLink: this.diskUrl(disk.zone, disk.name),
    };
  }

  /** An image rendered. */
  renderImage(image: ImageRecord): GceImage {
    return {
      kind: 'compute#image',
      id: image.id,
      creationTimestamp: new Date(image.createdAt).toISOString(),
      name: image.name,
      ...(image.family === undefined ? {} : { family: image.family }),
      status: image.status,
      sourceType: 'RAW',
      diskSizeGb: String(image.diskSizeGb),
      archiveSizeBytes: String(image.archiveSizeBytes),
      architecture: image.architecture,
      ...(image.sourceDisk === undefined ? {} : { sourceDisk: image.sourceDisk }),
      ...(image.rawDiskSource === undefined ? {} : { rawDisk: { source: image.rawDiskSource, containerType: 'TAR' } }),
      ...(image.deprecatedBy === undefined ? {} : { deprecated: { state: 'DEPRECATED', replacement: image.deprecatedBy } }),
      guestOsFeatures: [{ type: 'UEFI_COMPATIBLE' }, { type: 'VIRTIO_SCSI_MULTIQUEUE' }, { type: 'GVNIC' }],
      ...(Object.keys(image.labels).length > 0 ? { labels: { ...image.labels } } : {}),
      selfLink: this.imageUrl(image.project, image.name),
    };
  }

  /** A snapshot rendered. */
  renderSnapshot(snapshot: SnapshotRecord): GceSnapshot {
    return {
      kind: 'compute#snapshot',
      id: snapshot.id,
      creationTimestamp: new Date(snapshot.createdAt).toISOString(),
      name: snapshot.name,
      status: snapshot.status,
      sourceDisk: snapshot.sourceDisk,
      diskSizeGb: String(snapshot.diskSizeGb),
      storageBytes: String(snapshot.diskSizeGb * 1024 ** 3 / 4),
      architecture: snapshot.architecture,
      ...(Object.keys(snapshot.labels).length > 0 ? { labels: { ...snapshot.labels } } : {}),
      selfLink: `${COMPUTE_BASE}/projects/${this.project}/global/snapshots/${snapshot.name}`,
    };
  }

  /** Sets an instance's state now and the states it will pass through (clock ms), in order. */
  schedule(instance: InstanceRecord, now: GceInstanceStatus, steps: readonly (readonly [GceInstanceStatus, number])[]): void {
    instance.state = now;
    const [first, ...rest] = steps.map(([to, at]) => ({ to, at }));
    instance.transition = first;
    instance.queue = rest;
    this.clock.advance(instance, (to, _reason, at) => this.entered(instance, to, at));
  }

  private entered(instance: InstanceRecord, to: GceInstanceStatus, at: number): void {
    instance.transition = instance.queue.shift();
    if (to === 'RUNNING') instance.lastStart = at;
    if (to === 'TERMINATED') instance.lastStop = at;
    const job = this.exportWorkers.get(`${instance.zone}/${instance.name}`);
    // Without linked storage the worker's script has streamed the disk out (or failed to) when it powers off.
    if (job && !this.linkedStorage && to === 'STOPPING') {
      this.exportWorkers.delete(`${instance.zone}/${instance.name}`);
      if (job.writes) this.storage.set(job.url, { ...job.object, createdAt: at });
    }
    // With it, the worker powers off once it is RUNNING and its archive is whole.
    if (job && this.linkedStorage && to === 'RUNNING') finishIfReady(this, instance);
    if (to === 'SUSPENDED') instance.lastSuspended = at;
  }

  private seedPublicImages(): void {
    const [current, previous] = PUBLIC_IMAGE_VERSIONS;
    const created = (version: string): number => Date.parse(`${version.slice(1, 5)}-${version.slice(5, 7)}-${version.slice(7, 9)}T00:00:00Z`);
    for (const family of PUBLIC_IMAGE_FAMILIES) {
      for (const version of [previous, current]) {
        const name = `${family.stem}-${version}`;
        this.images.set(`${family.project}/${name}`, {
          id: this.newId(),
          project: family.project,
          name,
          family: family.family,
          diskSizeGb: family.diskSizeGb,
          archiveSizeBytes: family.diskSizeGb * 120_000_000,
          architecture: family.architecture,
          description: family.description,
          sourceDisk: undefined,
          rawDiskSource: undefined,
          deprecatedBy: version === previous ? this.imageUrl(family.project, `${family.stem}-${current}`) : undefined,
          labels: {},
          status: 'READY',
          createdAt: created(version),
          guest: GuestDiskRef.lazy(() => this.guestDisks.syntheticDisk(`${family.project}/${name}`, PUBLIC_IMAGE_GUEST_BYTES)),
        });
      }
    }
  }
}

/** A fingerprint (base64 of 8 hash bytes), as GCE gives labels, metadata and tags. */
export function fingerprint(value: unknown): string {
  return createHash('sha256').update(JSON.stringify(value ?? null)).digest().subarray(0, 8).toString('base64');
}
