/**
 * Nova's part of the emulated project: flavors, key pairs and servers with their lifecycle on
 * the emulator clock. A server's `status` is what Nova derives from its `vm_state` and
 * `task_state` (nova `api/openstack/common.py` `_STATE_MAP`, read 2026-12); the emulator keeps
 * the status and the task, and derives `OS-EXT-STS:vm_state` and `power_state` from them:
 *
 *   create  → BUILD (task `spawning`) → ACTIVE after `buildMs`, or → ERROR with a fault when no
 *             host was found
 *   os-stop → ACTIVE (task `powering-off`) → SHUTOFF after `stopMs`
 *   os-start→ SHUTOFF (task `powering-on`) → ACTIVE after `startMs`
 *   reboot  → REBOOT / HARD_REBOOT → ACTIVE after `rebootMs`
 *   delete  → DELETED (task `deleting`) → gone (404) after `deleteMs`; its ports are released then
 *   createImage → task `image_snapshot` until the snapshot is ready
 *
 * Transitions are applied lazily when anything is read (the kit's lifecycle clock).
 */
import type { LifecycleClock, LifecycleSubject } from '../kit/lifecycle-clock.js';
import type { FlavorRecord } from './flavor-catalog.js';

/** A server status, as Nova shows it. */
export type ServerStatus = 'BUILD' | 'ACTIVE' | 'SHUTOFF' | 'REBOOT' | 'HARD_REBOOT' | 'PAUSED' | 'SUSPENDED' | 'SHELVED' | 'SHELVED_OFFLOADED' | 'RESIZE' | 'VERIFY_RESIZE' | 'ERROR' | 'DELETED';

/** Every status a test may force with `setServerStatus`. */
export const SERVER_STATUSES: readonly ServerStatus[] = ['BUILD', 'ACTIVE', 'SHUTOFF', 'REBOOT', 'HARD_REBOOT', 'PAUSED', 'SUSPENDED', 'SHELVED', 'SHELVED_OFFLOADED', 'RESIZE', 'VERIFY_RESIZE', 'ERROR', 'DELETED'];

/** A fault recorded on a server. */
export interface ServerFault {
  /** HTTP-like code (500 for "No valid host"). */
  readonly code: number;
  /** Message. */
  readonly message: string;
  /** Details (a traceback in Nova; shown to non-admins only when the code is not 500). */
  readonly details: string;
  /** When, clock ms. */
  readonly created: number;
}

/** A port a server uses, and whether Nova made it (then Nova deletes it with the server). */
export interface ServerPort {
  /** Port id. */
  readonly portId: string;
  /** True when Nova created it for a `networks: [{uuid}]` request. */
  readonly createdByNova: boolean;
}

/** Lifecycle times, ms. */
export interface OpenStackTimings {
  /** BUILD → ACTIVE (or ERROR). */
  readonly buildMs: number;
  /** Powering off → SHUTOFF. */
  readonly stopMs: number;
  /** Powering on → ACTIVE. */
  readonly startMs: number;
  /** REBOOT / HARD_REBOOT → ACTIVE. */
  readonly rebootMs: number;
  /** DELETED → gone. */
  readonly deleteMs: number;
  /** `createImage` → the snapshot image is active. */
  readonly snapshotMs: number;
}

/** What happens on entering a state. */
export type ServerTransitionReason = 'no-valid-host' | 'task-done';

/** A server as the emulator keeps it. */
export interface ServerRecord extends LifecycleSubject<ServerStatus, ServerTransitionReason> {
  /** Server id (UUID). */
  readonly id: string;
  /** Name. */
  name: string;
  /** The flavor it was created with (a copy). */
  readonly flavor: FlavorRecord;
  /** The image it booted from; `undefined` when it booted from a volume. */
  readonly imageId: string | undefined;
  /** The boot volume, when it booted from one. */
  readonly bootVolume: { readonly sizeGiB: number; readonly imageId: string; readonly deleteOnTermination: boolean } | undefined;
  /** Metadata. */
  metadata: Record<string, string>;
  /** Key pair name. */
  readonly keyName: string | undefined;
  /** Availability zone: the one asked for, else the one the scheduler placed it in (`''` while unplaced). */
  availabilityZone: string;
  /** User data as sent (base64), kept for views; never logged. */
  readonly userData: string | undefined;
  /** Security group names. */
  readonly securityGroups: readonly string[];
  /** Ports it uses. */
  ports: ServerPort[];
  /** Creation time, clock ms. */
  readonly createdAt: number;
  /** Last change, clock ms. */
  updatedAt: number;
  /** When it first became ACTIVE. */
  launchedAt: number | undefined;
  /** Owning project. */
  readonly projectId: string;
  /** Creating user. */
  readonly userId: string;
  /** Fault, when in ERROR. */
  fault: ServerFault | undefined;
  /** Task state (`spawning`, `powering-off`, ...), `null` when none. */
  taskState: string | null;
  /** True while it holds host resources. */
  placed: boolean;
  /** When a snapshot it is taking is done (its task ends then). */
  snapshotUntil: number | undefined;
  /** When it is removed (after delete). */
  removeAt: number | undefined;
  /** `OS-EXT-SRV-ATTR:instance_name`. */
  readonly instanceName: string;
  /** `OS-EXT-SRV-ATTR:reservation_id`. */
  readonly reservationId: string;
  /** Description (2.19+), `null` when none. */
  readonly description: string | null;
}

/** A key pair. */
export interface KeypairRecord {
  /** Name. */
  readonly name: string;
  /** OpenSSH public key. */
  readonly publicKey: string;
  /** MD5 fingerprint, colon-separated hex. */
  readonly fingerprint: string;
  /** `ssh` or `x509`. */
  readonly type: string;
  /** Owner. */
  readonly userId: string;
  /** Creation time, clock ms. */
  readonly createdAt: number;
}

/** `OS-EXT-STS:vm_state` and `power_state` of a status (power: 0 NOSTATE, 1 RUNNING, 3 PAUSED, 4 SHUTDOWN, 7 SUSPENDED). */
export function extendedStatus(status: ServerStatus): { readonly vmState: string; readonly powerState: number } {
  switch (status) {
    case 'BUILD':
      return { vmState: 'building', powerState: 0 };
    case 'ACTIVE':
    case 'REBOOT':
    case 'HARD_REBOOT':
    case 'RESIZE':
      return { vmState: 'active', powerState: 1 };
    case 'SHUTOFF':
      return { vmState: 'stopped', powerState: 4 };
    case 'PAUSED':
      return { vmState: 'paused', powerState: 3 };
    case 'SUSPENDED':
      return { vmState: 'suspended', powerState: 7 };
    case 'SHELVED':
      return { vmState: 'shelved', powerState: 4 };
    case 'SHELVED_OFFLOADED':
      return { vmState: 'shelved_offloaded', powerState: 4 };
    case 'VERIFY_RESIZE':
      return { vmState: 'resized', powerState: 1 };
    case 'ERROR':
      return { vmState: 'error', powerState: 0 };
    case 'DELETED':
      return { vmState: 'deleted', powerState: 0 };
  }
}

/** The task state a forced status implies. */
function taskOfStatus(status: ServerStatus): string | null {
  if (status === 'BUILD') return 'spawning';
  if (status === 'REBOOT') return 'rebooting';
  if (status === 'HARD_REBOOT') return 'rebooting_hard';
  if (status === 'RESIZE') return 'resize_prep';
  return null;
}

/** The compute side of the emulated project. */
export class ComputeState {
  /** Servers by id, in creation order. */
  readonly servers = new Map<string, ServerRecord>();
  /** Key pairs by name. */
  readonly keypairs = new Map<string, KeypairRecord>();
  private instanceCounter = 0;

  /** Compute state on `clock`, with `flavors`, lifecycle `timings`, the availability zones and the size of each zone's host pool. */
  constructor(
    readonly clock: LifecycleClock,
    readonly flavors: readonly FlavorRecord[],
    readonly timings: OpenStackTimings,
    readonly hostPool: { readonly vcpus: number; readonly ramMiB: number },
    readonly availabilityZones: readonly string[],
  ) {}

  /** A flavor by id, or by the id at the end of a flavor link. */
  flavor(ref: string): FlavorRecord | undefined {
    const id = ref.includes('/') ? ref.slice(ref.lastIndexOf('/') + 1) : ref;
    return this.flavors.find((f) => f.id === id);
  }

  /** The next `instance-0000000n` name. */
  nextInstanceName(): string {
    return `instance-${(++this.instanceCounter).toString(16).padStart(8, '0')}`;
  }

  /** vCPUs and RAM of the servers holding host resources in `zone`. */
  hostUsage(zone: string): { readonly vcpus: number; readonly ramMiB: number } {
    let vcpus = 0;
    let ramMiB = 0;
    for (const s of this.servers.values()) {
      if (!s.placed || s.availabilityZone !== zone) continue;
      vcpus += s.flavor.vcpus;
      ramMiB += s.flavor.ramMiB;
    }
    return { vcpus, ramMiB };
  }

  /** Instances, cores and RAM counted against the project's quota (every server not deleted). */
  quotaUsage(): { readonly instances: number; readonly cores: number; readonly ram: number } {
    let instances = 0;
    let cores = 0;
    let ram = 0;
    for (const s of this.servers.values()) {
      if (s.state === 'DELETED') continue;
      instances++;
      cores += s.flavor.vcpus;
      ram += s.flavor.ramMiB;
    }
    return { instances, cores, ram };
  }

  /**
   * Applies due transitions to every server; servers whose removal is due are taken out and
   * handed to `removed` (which releases their ports).
   */
  advance(removed: (server: ServerRecord) => void): void {
    const now = this.clock.now();
    for (const server of [...this.servers.values()]) {
      this.clock.advance(server, (to, reason, at) => this.enter(server, to, reason, at));
      if (server.snapshotUntil !== undefined && server.snapshotUntil <= now) {
        server.snapshotUntil = undefined;
        if (server.taskState === 'image_snapshot' || server.taskState === 'image_uploading') server.taskState = null;
      } else if (server.snapshotUntil !== undefined && server.taskState === 'image_snapshot' && now >= server.snapshotUntil - this.timings.snapshotMs / 2) {
        server.taskState = 'image_uploading';
      }
      if (server.removeAt !== undefined && server.removeAt <= now) {
        this.servers.delete(server.id);
        server.placed = false;
        removed(server);
      }
    }
  }

  /** Schedules `to` after `afterMs` with a task state meanwhile. */
  schedule(server: ServerRecord, task: string | null, to: ServerStatus, afterMs: number, reason: ServerTransitionReason = 'task-done'): void {
    server.taskState = task;
    server.updatedAt = this.clock.now();
    server.transition = this.clock.schedule(to, afterMs, reason);
    this.clock.advance(server, (state, why, at) => this.enter(server, state, why, at));
  }

  /** Sets a status now (tests' `setServerStatus`), with the task it implies and no pending change. */
  force(server: ServerRecord, status: ServerStatus, fault?: Omit<ServerFault, 'created'>): void {
    server.transition = undefined;
    server.state = status;
    server.taskState = taskOfStatus(status);
    server.updatedAt = this.clock.now();
    server.fault = status === 'ERROR' ? { code: fault?.code ?? 500, message: fault?.message ?? 'Unknown', details: fault?.details ?? '', created: this.clock.now() } : undefined;
    if (status === 'SHELVED_OFFLOADED') server.placed = false;
    if (status === 'DELETED') server.removeAt ??= this.clock.now() + this.timings.deleteMs;
  }

  private enter(server: ServerRecord, to: ServerStatus, reason: ServerTransitionReason | undefined, at: number): void {
    server.updatedAt = at;
    server.taskState = null;
    if (to === 'ACTIVE') server.launchedAt ??= at;
    if (to === 'ERROR' && reason === 'no-valid-host') {
      server.fault = {
        code: 500,
        message: 'No valid host was found. There are not enough hosts available.',
        details: 'Traceback (most recent call last):\n  File "/opt/stack/nova/nova/conductor/manager.py", line 1654, in schedule_and_build_instances\nnova.exception.NoValidHost: No valid host was found. There are not enough hosts available.\n',
        created: at,
      };
    }
  }
}
