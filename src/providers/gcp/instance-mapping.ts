/**
 * Portable {@link VMSpec} → the `instances.insert` body. A pure function: the machine type,
 * zone, image, disk type, network paths and labels are decided before (`launch-plan.ts`,
 * `labels.ts`) and passed in, so a repeated create sends the same body.
 *
 * - Boot disk: `initializeParams { sourceImage, diskSizeGb, diskType, labels }`, `autoDelete`, so
 *   deleting the VM deletes its disk.
 * - Network: one interface on the network (and subnetwork); an external address
 *   (`accessConfigs: [{ type: ONE_TO_ONE_NAT }]`) only when `network.publicIp` asks for one. No
 *   access config means no external IP, GCE's default when the field is empty.
 *   `network.securityGroups` become network tags, which is how GCE firewall rules select VMs.
 * - Metadata: `user-data` (cloud-init reads it from the metadata server) and `ssh-keys`.
 * - Scheduling: spot is `provisioningModel: SPOT` with `instanceTerminationAction` STOP or DELETE
 *   (GCE requires `automaticRestart: false` and `onHostMaintenance: TERMINATE` for spot); a VM with
 *   GPUs gets `onHostMaintenance: TERMINATE`, which GCE requires (a GPU VM cannot live-migrate:
 *   "GPU restrictions", cloud.google.com/compute/docs/gpus, read 2026-12; the specification's
 *   example asks for MIGRATE, which GCE refuses).
 * - Service account: the spec's `iamRole` (an e-mail) or the default, with its scopes.
 */
import type { protos } from '@google-cloud/compute';
import type { VMSpec } from '../../provider/types.js';
import type { GceDiskType } from './disk-types.js';

/** The insert body (the library's `IInstance`). */
export type GceInstanceBody = protos.google.cloud.compute.v1.IInstance;

/** What the body needs besides the spec. */
export interface InstanceBodyInput {
  /** Instance name. */
  readonly name: string;
  /** Zone. */
  readonly zone: string;
  /** Machine type name. */
  readonly machineType: string;
  /** GPUs to attach (N1), when any. */
  readonly attachedGpu: { readonly acceleratorType: string; readonly count: number } | undefined;
  /** The VM has GPUs (attached or built in). */
  readonly hasGpu: boolean;
  /** `sourceImage` (an image family or image path). */
  readonly sourceImage: string;
  /** Boot disk type. */
  readonly diskType: GceDiskType;
  /** Boot disk size, GiB. */
  readonly diskGiB: number;
  /** Network path. */
  readonly network: string;
  /** Subnetwork path, when one is set. */
  readonly subnetwork: string | undefined;
  /** The instance's labels. */
  readonly labels: Readonly<Record<string, string>>;
  /** `ssh-keys` metadata (`user:ssh-ed25519 AAAA… comment` lines), when set. */
  readonly sshKeys?: string | undefined;
  /** Service account e-mail, when one is attached. */
  readonly serviceAccount?: string | undefined;
  /** Its OAuth scopes (default cloud-platform). */
  readonly scopes?: readonly string[] | undefined;
  /** What GCE does with a preempted spot VM (default STOP). */
  readonly spotTerminationAction?: 'STOP' | 'DELETE' | undefined;
}

/** The scope a service account gets when none is named: access decided by its IAM roles. */
export const DEFAULT_SCOPES: readonly string[] = ['https://www.googleapis.com/auth/cloud-platform'];

/** The insert body of a create. */
export function toInstanceBody(spec: VMSpec, input: InstanceBodyInput): GceInstanceBody {
  const zonePath = `zones/${input.zone}`;
  const metadata: { key: string; value: string }[] = [];
  if (spec.userData !== undefined) metadata.push({ key: 'user-data', value: spec.userData });
  if (input.sshKeys !== undefined) metadata.push({ key: 'ssh-keys', value: input.sshKeys });
  const body: GceInstanceBody = {
    name: input.name,
    machineType: `${zonePath}/machineTypes/${input.machineType}`,
    labels: { ...input.labels },
    disks: [
      {
        boot: true,
        autoDelete: true,
        type: 'PERSISTENT',
        mode: 'READ_WRITE',
        initializeParams: {
          sourceImage: input.sourceImage,
          diskSizeGb: String(Math.ceil(input.diskGiB)),
          diskType: `${zonePath}/diskTypes/${input.diskType}`,
          labels: { ...input.labels },
        },
      },
    ],
    networkInterfaces: [
      {
        network: input.network,
        ...(input.subnetwork !== undefined ? { subnetwork: input.subnetwork } : {}),
        accessConfigs: spec.network.publicIp ? [{ type: 'ONE_TO_ONE_NAT', name: 'External NAT', networkTier: 'PREMIUM' }] : [],
      },
    ],
    scheduling: schedulingOf(spec, input),
  };
  if (metadata.length > 0) body.metadata = { items: metadata };
  if (spec.network.securityGroups.length > 0) body.tags = { items: [...spec.network.securityGroups] };
  if (input.attachedGpu) body.guestAccelerators = [{ acceleratorType: `${zonePath}/acceleratorTypes/${input.attachedGpu.acceleratorType}`, acceleratorCount: input.attachedGpu.count }];
  const account = spec.iamRole ?? input.serviceAccount;
  if (account !== undefined) body.serviceAccounts = [{ email: account, scopes: [...(input.scopes ?? DEFAULT_SCOPES)] }];
  return body;
}

function schedulingOf(spec: VMSpec, input: InstanceBodyInput): NonNullable<GceInstanceBody['scheduling']> {
  if (spec.spot) {
    return { provisioningModel: 'SPOT', instanceTerminationAction: input.spotTerminationAction ?? 'STOP', automaticRestart: false, onHostMaintenance: 'TERMINATE' };
  }
  if (input.hasGpu) return { provisioningModel: 'STANDARD', onHostMaintenance: 'TERMINATE', automaticRestart: true };
  return { provisioningModel: 'STANDARD', onHostMaintenance: 'MIGRATE', automaticRestart: true };
}
