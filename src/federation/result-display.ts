/**
 * How the manager's results read to a person (see provider/display.ts for the mechanism): a
 * create names the VM and each attempt by provider, region and instance type — never by the
 * idempotency token it sent — and a group lists its VMs.
 */
import { alignRows, Display, formatCapacity, formatPlace, formatRegion, plural, VM_DISPLAY } from '../provider/display.js';
import type { VM } from '../provider/types.js';
import type { AttemptRecord, CreateVMResult } from './create-vm.js';
import type { GroupResult } from './groups.js';

function attemptOutcome(a: AttemptRecord): string {
  if (a.outcome === 'created') return a.vmId ? `created ${a.vmId}` : 'created';
  return a.code ? `${a.outcome} (${a.code})` : a.outcome;
}

/** How an attempt reads: `aws-east us-east-1/us-east-1a t3.large (spot): failed (CAPACITY)`. */
export const ATTEMPT_DISPLAY: Display<AttemptRecord> = new Display((a) => `${formatPlace(a)} ${formatCapacity(a)}: ${attemptOutcome(a)}`);

function createSummary(r: CreateVMResult): string {
  const how = r.reused ? 'reused (an earlier run of this request created it)' : plural(r.attempts.length, 'attempt');
  return `CreateVMResult: ${VM_DISPLAY.summary(r.vm)}; ${how}`;
}

function createDetail(r: CreateVMResult): string {
  const rows = r.attempts.map((a, i) => [String(i + 1), a.provider, formatRegion(a), formatCapacity(a), attemptOutcome(a)]);
  return [createSummary(r), ...alignRows(rows)].join('\n');
}

const CREATE_DISPLAY = new Display<CreateVMResult>(createSummary, createDetail);

/** The result of a create, its VM and attempts with their displays. */
export function displayCreateResult(result: CreateVMResult): CreateVMResult {
  return CREATE_DISPLAY.attach({ ...result, vm: VM_DISPLAY.attach(result.vm), attempts: result.attempts.map((a) => ATTEMPT_DISPLAY.attach(a)) });
}

function groupSummary(g: GroupResult): string {
  return `GroupResult: ${plural(g.vms.length, 'VM')} on ${plural(g.providers.length, 'provider')} (${g.providers.join(', ')})`;
}

const GROUP_DISPLAY = new Display<GroupResult>(groupSummary, (g) => [groupSummary(g), ...g.vms.map((vm) => `  ${VM_DISPLAY.summary(vm)}`)].join('\n'));

/** A group's result, and its VMs, with their displays. */
export function displayGroupResult(group: GroupResult): GroupResult {
  return GROUP_DISPLAY.attach({ ...group, vms: group.vms.map((vm: VM) => VM_DISPLAY.attach(vm)) });
}
