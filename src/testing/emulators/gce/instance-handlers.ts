/**
 * Instance reads and actions: `get`, `list`, `aggregatedList` (one paged call across every zone,
 * each zone a scope `zones/{zone}` in `items`, the empty ones with GCE's `NO_RESULTS_ON_PAGE`
 * warning), `delete`, `start`, `stop`, `suspend`, `resume`, `reset` and `setLabels`. Each action
 * returns a zone operation, deduplicated by `requestId` like an insert; the instance moves
 * through GCE's states as the operation runs (stop: STOPPING → TERMINATED; suspend: SUSPENDING →
 * SUSPENDED; start and resume: PROVISIONING / STAGING → RUNNING; delete: STOPPING → gone). An action
 * on an instance in a transition it cannot interrupt is 400 `resourceNotReady`; an action that
 * changes nothing (stop on TERMINATED, start on RUNNING) is a DONE operation, as GCE answers.
 * `setLabels` needs the current `labelFingerprint` (412 `conditionNotMet` on a stale one).
 */
import { GceError, notReady } from './gce-error.js';
import { stringField, type GceCall } from './gce-call.js';
import type { GceInstance, GceInstanceStatus, GceOperation } from './gce-shapes.js';
import { fingerprint, type InstanceRecord } from './gce-state.js';
import { checkLabels } from './label-rules.js';
import { ordered, pageOf, readListQuery } from './list-query.js';
import { capacityFailure, quotaFailure } from './instance-insert.js';
import type { GceOperationFailure } from './operation-store.js';

function instanceOf(call: GceCall): InstanceRecord {
  const zone = call.zone();
  const name = call.param('instance');
  const instance = call.state.instances.get(`${zone}/${name}`);
  if (!instance) throw call.notFound(call.instancePath(zone, name));
  return instance;
}

/** `instances.get`. */
export function getInstance(call: GceCall): GceInstance {
  return call.state.renderInstance(instanceOf(call));
}

/** `instances.list`. */
export function listInstances(call: GceCall): object {
  const zone = call.zone();
  const list = readListQuery(call.request.query);
  const items = ordered(
    [...call.state.instances.values()].filter((i) => i.zone === zone).map((i) => call.state.renderInstance(i)).filter(list.matches),
    list.orderBy,
  );
  const page = pageOf(items, list);
  const base = `https://www.googleapis.com/compute/v1/projects/${call.state.project}/zones/${zone}/instances`;
  return { kind: 'compute#instanceList', id: `projects/${call.state.project}/zones/${zone}/instances`, items: page.items, ...(page.nextToken ? { nextPageToken: page.nextToken } : {}), selfLink: base };
}

/** `instances.aggregatedList`. */
export function aggregatedListInstances(call: GceCall): object {
  const list = readListQuery(call.request.query);
  const zones = call.state.catalog.zones().map((z) => z.name);
  const byZone = new Map(zones.map((z, i) => [z, i]));
  const rendered = [...call.state.instances.values()].map((i) => call.state.renderInstance(i)).filter(list.matches);
  const sorted = ordered(rendered, list.orderBy).sort((a, b) => (byZone.get(zoneName(a.zone)) ?? 0) - (byZone.get(zoneName(b.zone)) ?? 0));
  const page = pageOf(sorted, list);
  const items: Record<string, object> = {};
  for (const zone of zones) {
    const instances = page.items.filter((i) => zoneName(i.zone) === zone);
    const scope = `zones/${zone}`;
    items[scope] = instances.length > 0 ? { instances } : { warning: { code: 'NO_RESULTS_ON_PAGE', message: `There are no results for scope '${scope}' on this page.`, data: [{ key: 'scope', value: scope }] } };
  }
  return {
    kind: 'compute#instanceAggregatedList',
    id: `projects/${call.state.project}/aggregated/instances`,
    items,
    ...(page.nextToken ? { nextPageToken: page.nextToken } : {}),
    selfLink: `https://www.googleapis.com/compute/v1/projects/${call.state.project}/aggregated/instances`,
    ...(list.returnPartialSuccess ? { unreachables: [] } : {}),
  };
}

function zoneName(url: string): string {
  return url.slice(url.lastIndexOf('/') + 1);
}

/** What an action does to an instance in the state it is in. */
type ActionPlan =
  | { readonly kind: 'noop' }
  | { readonly kind: 'move'; readonly now: GceInstanceStatus; readonly atStart?: GceInstanceStatus | undefined; readonly atDone: GceInstanceStatus | 'gone'; readonly failure?: GceOperationFailure | undefined };

function runAction(call: GceCall, type: string, plan: (instance: InstanceRecord) => ActionPlan): GceOperation {
  const { state } = call;
  const zone = call.zone();
  const requestId = call.requestId();
  if (requestId !== undefined) {
    const seen = state.requestIdOperation(requestId);
    if (seen) return state.operations.get(seen.operation, state.project, seen.zone)!;
  }
  const instance = instanceOf(call);
  const decided = plan(instance);
  const url = state.instanceUrl(zone, instance.name);
  const base = { project: state.project, zone, type, operation: call.operation, targetLink: url, targetId: instance.id };
  let operation: string;
  if (decided.kind === 'noop') {
    operation = state.operations.start({ ...base, pendingMs: 0, runningMs: 0 });
  } else {
    if (decided.atDone === 'gone') instance.leaving = true;
    operation = state.operations.start({
      ...base,
      pendingMs: call.world.timings.pendingMs,
      runningMs: call.world.timings.runningMs,
      failure: decided.failure,
      onDone: decided.atDone === 'gone' ? () => state.removeInstance(instance) : undefined,
    });
    const view = state.operations.view(operation)!;
    const steps: [GceInstanceStatus, number][] = [];
    if (decided.atStart) steps.push([decided.atStart, view.startsAt]);
    if (decided.failure) steps.push(['TERMINATED', view.doneAt]);
    else if (decided.atDone !== 'gone') steps.push([decided.atDone, view.doneAt]);
    state.schedule(instance, decided.now, steps);
  }
  if (requestId !== undefined) state.rememberRequestId(requestId, operation, zone);
  return state.operations.get(operation, state.project, zone)!;
}

/** `instances.delete`. */
export function deleteInstance(call: GceCall): GceOperation {
  return runAction(call, 'delete', (instance) => {
    if (instance.deletionProtection) throw new GceError(400, 'resourceInUseByAnotherResource', "Invalid resource usage: 'Resource cannot be deleted if it's protected against deletion.'.");
    if (instance.leaving) throw notReady(call.instancePath(instance.zone, instance.name));
    return { kind: 'move', now: instance.state === 'TERMINATED' ? 'TERMINATED' : 'STOPPING', atDone: 'gone' };
  });
}

/** `instances.stop`. */
export function stopInstance(call: GceCall): GceOperation {
  return runAction(call, 'stop', (instance) => {
    if (instance.state === 'TERMINATED' || instance.state === 'STOPPING') return { kind: 'noop' };
    if (instance.state === 'SUSPENDING' || instance.leaving) throw notReady(call.instancePath(instance.zone, instance.name));
    return { kind: 'move', now: 'STOPPING', atDone: 'TERMINATED' };
  });
}

/** `instances.start`: a TERMINATED instance starts again, checked against capacity and quotas. */
export function startInstance(call: GceCall): GceOperation {
  return runAction(call, 'start', (instance) => {
    if (instance.state === 'RUNNING' || instance.state === 'PROVISIONING' || instance.state === 'STAGING') return { kind: 'noop' };
    if (instance.state !== 'TERMINATED' || instance.leaving) throw notReady(call.instancePath(instance.zone, instance.name));
    const { state, faults } = call.world;
    const gpus = instance.guestAccelerators.map((g) => ({ type: g.acceleratorType.slice(g.acceleratorType.lastIndexOf('/') + 1), count: g.acceleratorCount }));
    if (instance.machineType.accelerators) gpus.push({ ...instance.machineType.accelerators });
    const demand = { region: state.catalog.zone(instance.zone)!.region, type: instance.machineType, spot: instance.scheduling.provisioningModel === 'SPOT', gpus };
    const failure = quotaFailure(state, faults, demand) ?? faults.takeOperationFailure() ?? capacityFailure(state, faults, instance.zone, demand);
    return { kind: 'move', now: 'PROVISIONING', atStart: 'STAGING', atDone: 'RUNNING', failure };
  });
}

/** `instances.suspend`. */
export function suspendInstance(call: GceCall): GceOperation {
  return runAction(call, 'suspend', (instance) => {
    if (instance.state === 'SUSPENDED' || instance.state === 'SUSPENDING') return { kind: 'noop' };
    if (instance.state !== 'RUNNING' || instance.leaving) throw notReady(call.instancePath(instance.zone, instance.name));
    if (instance.guestAccelerators.length > 0 || instance.machineType.accelerators) throw new GceError(400, 'badRequest', 'Instances with guest accelerators do not support suspend.');
    return { kind: 'move', now: 'SUSPENDING', atDone: 'SUSPENDED' };
  });
}

/** `instances.resume`. */
export function resumeInstance(call: GceCall): GceOperation {
  return runAction(call, 'resume', (instance) => {
    if (instance.state === 'RUNNING') return { kind: 'noop' };
    if (instance.state !== 'SUSPENDED' || instance.leaving) throw notReady(call.instancePath(instance.zone, instance.name));
    return { kind: 'move', now: 'PROVISIONING', atStart: 'STAGING', atDone: 'RUNNING' };
  });
}

/** `instances.reset`: a hard reset of a RUNNING instance (it stays RUNNING). */
export function resetInstance(call: GceCall): GceOperation {
  return runAction(call, 'reset', (instance) => {
    if (instance.state !== 'RUNNING' || instance.leaving) throw notReady(call.instancePath(instance.zone, instance.name));
    return { kind: 'move', now: 'RUNNING', atDone: 'RUNNING' };
  });
}

/** `instances.setLabels`: replaces the labels when `labelFingerprint` is the current one. */
export function setInstanceLabels(call: GceCall): GceOperation {
  const body = call.body();
  return runAction(call, 'setLabels', (instance) => {
    const sent = stringField(body.labelFingerprint, 'labelFingerprint');
    if (sent === undefined) throw new GceError(400, 'required', "Required field 'labelFingerprint' not specified");
    if (sent !== fingerprint(instance.labels)) throw new GceError(412, 'conditionNotMet', 'Labels fingerprint either invalid or resource labels have changed');
    instance.labels = checkLabels(body.labels, 'labels');
    return { kind: 'noop' };
  });
}
