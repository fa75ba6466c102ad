/**
 * Zone and global operations: `get`, `list`, `delete` and `wait`. `wait` holds the request until
 * the operation is DONE or a bounded time has passed, then returns it as it is — possibly not yet
 * DONE — as GCE's `operations.wait` does ("waits for no more than the default deadline (2 minutes)
 * and then returns the current state of the operation, which might be DONE or still in progress";
 * Compute Engine REST reference, zoneOperations.wait, read 2026-12). The bound is the emulator's
 * `waitTimeoutMs` option. The wait ends early when the client goes away.
 */
import type { GceCall } from './gce-call.js';
import type { GceOperation } from './gce-shapes.js';
import { ordered, pageOf, readListQuery } from './list-query.js';

function scope(call: GceCall): string | undefined {
  return call.request.params.zone === undefined ? undefined : call.zone();
}

function path(call: GceCall, zone: string | undefined): string {
  return `projects/${call.state.project}/${zone === undefined ? 'global' : `zones/${zone}`}/operations/${call.param('operation')}`;
}

/** `zoneOperations.get` / `globalOperations.get`. */
export function getOperation(call: GceCall): GceOperation {
  const zone = scope(call);
  const op = call.state.operations.get(call.param('operation'), call.state.project, zone);
  if (!op) throw call.notFound(path(call, zone));
  return op;
}

/** `zoneOperations.wait` / `globalOperations.wait`. */
export async function waitOperation(call: GceCall): Promise<GceOperation> {
  const zone = scope(call);
  const op = await call.state.operations.wait(call.param('operation'), call.state.project, zone, { timeoutMs: call.world.waitTimeoutMs, signal: call.request.signal });
  if (!op) throw call.notFound(path(call, zone));
  call.state.advance();
  return op;
}

/** `zoneOperations.list` / `globalOperations.list`. */
export function listOperations(call: GceCall): object {
  const zone = scope(call);
  const list = readListQuery(call.request.query);
  const items = call.state.operations.list(call.state.project, zone).filter(list.matches);
  const sorted = list.orderBy === 'name' ? items : ordered(items.map((o) => ({ ...o, creationTimestamp: o.insertTime })), list.orderBy);
  const page = pageOf(sorted, list);
  const where = zone === undefined ? 'global' : `zones/${zone}`;
  return {
    kind: 'compute#operationList',
    id: `projects/${call.state.project}/${where}/operations`,
    items: page.items,
    ...(page.nextToken ? { nextPageToken: page.nextToken } : {}),
    selfLink: `https://www.googleapis.com/compute/v1/projects/${call.state.project}/${where}/operations`,
  };
}

/** `zoneOperations.delete` / `globalOperations.delete`: answers an empty body. */
export function deleteOperation(call: GceCall): object {
  const zone = scope(call);
  if (!call.state.operations.has(call.param('operation'), call.state.project, zone)) throw call.notFound(path(call, zone));
  call.state.operations.delete(call.param('operation'));
  return {};
}
