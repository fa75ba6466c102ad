/**
 * The emulated OpenStack project: its compute, image and network sides on one clock, and the
 * rules that span them — a server's ports are Neutron ports (Nova deletes the ones it made when
 * the server goes, and only unbinds those the user passed in; floating IPs stay allocated and
 * become unassociated, as real Nova and Neutron leave them), and a server snapshot is a Glance
 * image whose bytes are a function of the server (its boot image's bytes, then its id), so an
 * export has a checksum.
 */
import { ComputeState, type OpenStackTimings, type ServerRecord } from './compute-state.js';
import type { FlavorRecord } from './flavor-catalog.js';
import { ImageState, type ImageRecord } from './image-state.js';
import type { LifecycleClock } from '../kit/lifecycle-clock.js';
import { NetworkState } from './network-state.js';
import { VpnState } from './vpn-state.js';
import type { KeystoneProject, KeystoneUser } from './keystone-identity.js';

/** The project quotas (`undefined`: unlimited). */
export interface OpenStackQuotas {
  /** Servers. */
  readonly instances?: number | undefined;
  /** vCPUs. */
  readonly cores?: number | undefined;
  /** RAM, MiB. */
  readonly ram?: number | undefined;
  /** Floating IPs (Neutron). */
  readonly floatingip?: number | undefined;
}

/** What {@link OpenStackState} is made from. */
export interface OpenStackStateOptions {
  /** The emulator's clock. */
  readonly clock: LifecycleClock;
  /** The project everything belongs to. */
  readonly project: KeystoneProject;
  /** The default user. */
  readonly user: KeystoneUser;
  /** Flavors. */
  readonly flavors: readonly FlavorRecord[];
  /** Lifecycle times. */
  readonly timings: OpenStackTimings;
  /** Host pool size of each zone. */
  readonly hostPool: { readonly vcpus: number; readonly ramMiB: number };
  /** Project quotas. */
  readonly quotas: OpenStackQuotas;
  /** The availability zones, each with a host pool of its own. */
  readonly availabilityZones: readonly string[];
  /** Seed for MAC addresses. */
  readonly seed: number;
  /** Whether Neutron's `vpnaas` extension is loaded, and how long the VPN agent takes to process a connection (ms). */
  readonly vpnaas?: { readonly enabled: boolean; readonly activationMs: number } | undefined;
}

/** The emulated project. */
export class OpenStackState {
  /** Nova's side. */
  readonly compute: ComputeState;
  /** Glance's side. */
  readonly images: ImageState;
  /** Neutron's side. */
  readonly network: NetworkState;
  /** Neutron VPNaaS (empty, and refused on the wire, unless the extension is enabled). */
  readonly vpn: VpnState;
  /** The clock. */
  readonly clock: LifecycleClock;
  /** The project. */
  readonly project: KeystoneProject;
  /** The default user. */
  readonly user: KeystoneUser;
  /** Project quotas (the fault plan's `quota()` overrides them). */
  readonly quotas: OpenStackQuotas;

  /** The project's state. */
  constructor(options: OpenStackStateOptions) {
    this.clock = options.clock;
    this.project = options.project;
    this.user = options.user;
    this.quotas = options.quotas;
    this.compute = new ComputeState(options.clock, options.flavors, options.timings, options.hostPool, options.availabilityZones);
    this.images = new ImageState(options.project.id, options.clock.now);
    this.network = new NetworkState(options.project.id, options.clock.now, options.seed);
    this.vpn = new VpnState(options.vpnaas?.enabled ?? false, this.network, options.clock.now, options.vpnaas?.activationMs ?? 100);
  }

  /** Applies every change that is due. */
  advance(): void {
    this.compute.advance((server) => this.releasePorts(server));
    this.images.advance();
    this.vpn.advance();
  }

  /** Starts deleting a server: DELETED now, gone (and its ports released) after `deleteMs`. */
  deleteServer(server: ServerRecord): void {
    this.compute.force(server, 'DELETED');
    server.taskState = 'deleting';
    server.removeAt = this.clock.now() + this.compute.timings.deleteMs;
    this.advance();
  }

  /**
   * Starts a snapshot of `server` as a new image (queued now, active after `snapshotMs`), as
   * `createImage` does; the image inherits its boot image's formats and properties.
   */
  snapshotServer(server: ServerRecord, name: string, metadata: Readonly<Record<string, string>>): ImageRecord {
    const baseId = server.imageId ?? server.bootVolume?.imageId;
    const base = baseId === undefined ? undefined : this.images.images.get(baseId);
    const inherited = Object.fromEntries(Object.entries(base?.properties ?? {}).filter(([k]) => !['image_type', 'instance_uuid', 'base_image_ref'].includes(k)));
    const image = this.images.add({
      name,
      diskFormat: base?.diskFormat ?? 'qcow2',
      containerFormat: base?.containerFormat ?? 'bare',
      visibility: 'private',
      minDisk: server.bootVolume?.sizeGiB ?? server.flavor.diskGiB,
      minRam: base?.minRam ?? 0,
      properties: {
        ...inherited,
        image_type: 'snapshot',
        instance_uuid: server.id,
        base_image_ref: server.imageId ?? '',
        owner_project_name: this.project.name,
        owner_user_name: this.user.name,
        user_id: server.userId,
        ...metadata,
      },
    });
    const now = this.clock.now();
    const ms = this.compute.timings.snapshotMs;
    const baseChunks = base?.data?.chunks ?? [];
    // A snapshot holds the guest disk as it is: nothing here writes to a guest, so the booted image's bytes.
    image.pending = { savingAt: now + ms / 2, readyAt: now + ms, bytes: () => [...baseChunks] };
    server.snapshotUntil = now + ms;
    server.taskState = 'image_snapshot';
    return image;
  }

  private releasePorts(server: ServerRecord): void {
    for (const { portId, createdByNova } of server.ports) {
      const port = this.network.ports.get(portId);
      if (!port) continue;
      if (createdByNova) this.network.deletePort(portId);
      else {
        port.deviceId = '';
        port.deviceOwner = '';
        port.updatedAt = this.clock.now();
        port.revision++;
      }
    }
    server.ports = [];
  }
}
