/**
 * Compute Engine instance → portable {@link VM}.
 *
 * GCE statuses ("Instance life cycle", cloud.google.com/compute/docs/instances/instance-life-cycle,
 * read 2026-12): PROVISIONING and STAGING (resources being allocated, the VM starting) → pending;
 * RUNNING; STOPPING → stopping; SUSPENDING → stopping; SUSPENDED (memory saved to disk, no compute
 * billing) → stopped; TERMINATED → stopped: GCE's TERMINATED is a VM that was stopped (by the user,
 * by a spot preemption, or by a host error) and can be started again, not a deleted one; REPAIRING
 * (GCE is recovering the VM from an internal error) → unknown, with the reason; PENDING_STOP →
 * stopping. A deleted instance is gone from the API; the adapter reports it `terminated` from its
 * own memory. `rawState` keeps GCE's word.
 */
import type { protos } from '@google-cloud/compute';
import type { HourlyPrice, VM, VMState } from '../../provider/types.js';
import { labelsOf, NOVACRON_LABEL, ownLabel } from './labels.js';
import { instanceId, lastSegment, regionOfZone } from './naming.js';

/** A Compute Engine instance as the client library returns it. */
export type GceInstance = protos.google.cloud.compute.v1.IInstance;

const STATES: Readonly<Record<string, VMState>> = {
  PROVISIONING: 'pending',
  STAGING: 'pending',
  RUNNING: 'running',
  STOPPING: 'stopping',
  PENDING_STOP: 'stopping',
  SUSPENDING: 'stopping',
  SUSPENDED: 'stopped',
  TERMINATED: 'stopped',
  REPAIRING: 'unknown',
};

/** The portable state of a GCE status (`unknown` for a status this table does not know). */
export function vmStateOf(status: string | null | undefined): VMState {
  return (status && STATES[status]) || 'unknown';
}

/** What turning an instance into a VM needs besides the instance. */
export interface VmMappingContext {
  /** Provider name. */
  readonly provider: string;
  /** Project the instance is in. */
  readonly project: string;
  /** vCPUs and memory of its machine type, when known. */
  readonly shape?: { readonly vcpus: number; readonly memoryGiB: number } | undefined;
  /** Its hourly price, when known. */
  readonly hourlyPrice?: HourlyPrice | undefined;
}

/** The shape of a custom machine type from its name (`n2-custom-4-8192` → 4 vCPU / 8 GiB). */
export function customShapeOf(machineType: string): { vcpus: number; memoryGiB: number } | undefined {
  const m = /^(?:[a-z0-9]+-)?custom-(\d+)-(\d+)(?:-ext)?$/.exec(machineType);
  return m ? { vcpus: Number(m[1]), memoryGiB: Number(m[2]) / 1024 } : undefined;
}

/** A GCE instance as a portable VM. */
export function gceInstanceToVM(instance: GceInstance, ctx: VmMappingContext): VM {
  const zone = lastSegment(instance.zone);
  const name = instance.name ?? '';
  const status = instance.status ?? 'UNKNOWN';
  const machineType = lastSegment(instance.machineType);
  const shape = ctx.shape ?? customShapeOf(machineType);
  const nics = instance.networkInterfaces ?? [];
  const spot = instance.scheduling?.provisioningModel === 'SPOT' || instance.scheduling?.preemptible === true;
  const state = vmStateOf(status);
  return {
    id: instanceId({ project: ctx.project, zone, name }),
    name: instance.labels?.[NOVACRON_LABEL.name] ?? name,
    provider: ctx.provider,
    providerKind: 'gcp',
    region: regionOfZone(zone),
    zone,
    state,
    rawState: status,
    instanceType: machineType,
    cpu: shape?.vcpus,
    memoryGiB: shape?.memoryGiB,
    spot,
    privateIps: nics.map((n) => n.networkIP).filter((ip): ip is string => typeof ip === 'string' && ip !== ''),
    publicIps: nics.flatMap((n) => (n.accessConfigs ?? []).map((a) => a.natIP)).filter((ip): ip is string => typeof ip === 'string' && ip !== ''),
    labels: labelsOf(instance.labels as Record<string, string> | null | undefined),
    image: ownLabel(instance.labels as Record<string, string> | null | undefined, NOVACRON_LABEL.image),
    createdAt: instance.creationTimestamp ?? new Date(0).toISOString(),
    hourlyPrice: ctx.hourlyPrice,
    stateReason: stateReasonOf(instance, state),
  };
}

function stateReasonOf(instance: GceInstance, state: VMState): string | undefined {
  if (instance.statusMessage) return instance.statusMessage;
  if (instance.status === 'TERMINATED' && instance.scheduling?.provisioningModel === 'SPOT') return 'stopped (a spot VM is stopped when GCE preempts it)';
  return state === 'unknown' && instance.status ? `GCE status ${instance.status}` : undefined;
}

/** The same VM, terminated: what the adapter reports after deleting it. */
export function terminatedCopy(vm: VM): VM {
  return { ...vm, state: 'terminated', rawState: 'DELETED', privateIps: [], publicIps: [], stateReason: 'deleted' };
}
