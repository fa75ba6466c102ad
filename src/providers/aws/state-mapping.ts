/**
 * EC2 instance → portable {@link VM}. EC2 has six states (instanceState codes 0 pending,
 * 16 running, 32 shutting-down, 48 terminated, 64 stopping, 80 stopped; EC2 API Reference
 * "InstanceState", read 2026-11); a stopped EC2 instance releases its host, yet we report
 * `stopped` (the raw word) rather than `deallocated`, keeping EBS billing in view.
 */
import type { Instance } from '@aws-sdk/client-ec2';
import type { HourlyPrice, VM, VMState } from '../../provider/types.js';
import { NOVACRON_TAG } from './run-instances-mapping.js';

const STATES: Readonly<Record<string, VMState>> = {
  pending: 'pending',
  running: 'running',
  stopping: 'stopping',
  stopped: 'stopped',
  'shutting-down': 'terminating',
  terminated: 'terminated',
};

/** The normalized state of an EC2 state name. */
export function vmStateOf(stateName: string | undefined): VMState {
  return (stateName !== undefined && STATES[stateName]) || 'unknown';
}

/** EC2 state names that a normalized state stands for (for pushing state filters down). */
export function ec2StateNamesOf(state: VMState): string[] {
  return Object.entries(STATES)
    .filter(([, v]) => v === state)
    .map(([k]) => k);
}

/** State-reason codes that mean AWS reclaimed spot capacity. */
const SPOT_INTERRUPTIONS = new Set(['Server.SpotInstanceTermination', 'Server.SpotInstanceShutdown']);

/** True when the instance was stopped or terminated by a spot interruption. */
export function isSpotInterruption(instance: Pick<Instance, 'StateReason'>): boolean {
  return SPOT_INTERRUPTIONS.has(instance.StateReason?.Code ?? '');
}

/** Why the instance is where it is, when EC2 says something worth telling (not for pending/running). */
export function stateReasonOf(instance: Pick<Instance, 'StateReason' | 'State'>): string | undefined {
  const reason = instance.StateReason;
  const name = instance.State?.Name;
  if (!reason?.Code || name === 'pending' || name === 'running') return undefined;
  const text = reason.Message ?? reason.Code;
  return isSpotInterruption(instance) ? `spot-interruption: ${text}` : text;
}

/** Instance-type facts used to fill `VM.cpu` and `VM.memoryGiB`. */
export interface InstanceTypeFacts {
  /** vCPUs. */
  readonly vcpus: number;
  /** Memory in GiB. */
  readonly memoryGiB: number;
}

/** Tags that are not labels: novacron's own, `Name`, and AWS-reserved ones. */
function isLabelTag(key: string): boolean {
  return key !== 'Name' && !key.startsWith(NOVACRON_TAG.prefix) && !key.startsWith('aws:');
}

/** Context for {@link instanceToVM}. */
export interface InstanceToVMContext {
  /** Provider name. */
  readonly provider: string;
  /** Region the instance lives in. */
  readonly region: string;
  /** Facts of its type, when the catalog knows them. */
  readonly typeFacts?: InstanceTypeFacts | undefined;
  /** Its hourly price, when the catalog knows it. */
  readonly hourlyPrice?: HourlyPrice | undefined;
}

/** Converts an EC2 instance into a {@link VM}. */
export function instanceToVM(instance: Instance, ctx: InstanceToVMContext): VM {
  const tags = new Map((instance.Tags ?? []).map((t) => [t.Key ?? '', t.Value ?? '']));
  const labels: Record<string, string> = {};
  for (const [k, v] of tags) if (isLabelTag(k)) labels[k] = v;
  const publicIps = new Set<string>();
  const privateIps = new Set<string>();
  if (instance.PrivateIpAddress) privateIps.add(instance.PrivateIpAddress);
  if (instance.PublicIpAddress) publicIps.add(instance.PublicIpAddress);
  for (const ni of instance.NetworkInterfaces ?? []) {
    if (ni.PrivateIpAddress) privateIps.add(ni.PrivateIpAddress);
    if (ni.Association?.PublicIp) publicIps.add(ni.Association.PublicIp);
  }
  return {
    id: instance.InstanceId ?? '',
    name: tags.get('Name') ?? instance.InstanceId ?? '',
    provider: ctx.provider,
    providerKind: 'aws',
    region: ctx.region,
    zone: instance.Placement?.AvailabilityZone,
    state: vmStateOf(instance.State?.Name),
    rawState: instance.State?.Name ?? 'unknown',
    instanceType: instance.InstanceType ?? 'unknown',
    cpu: ctx.typeFacts?.vcpus,
    memoryGiB: ctx.typeFacts?.memoryGiB,
    spot: instance.InstanceLifecycle === 'spot',
    privateIps: [...privateIps],
    publicIps: [...publicIps],
    labels,
    image: tags.get(NOVACRON_TAG.image) ?? instance.ImageId,
    createdAt: (instance.LaunchTime ?? new Date(0)).toISOString(),
    hourlyPrice: ctx.hourlyPrice,
    stateReason: stateReasonOf(instance),
  };
}
