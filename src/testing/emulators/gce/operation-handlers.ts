/**
 * Zone, region and global operations: `get`, `list`, `delete` and `wait`. `wait` holds the request until
 * the operation is DONE or a bounded time has passed, then returns it as it is — possibly not yet
 * DONE — as GCE's `operations.wait` does ("waits for no more than the default deadline (2 minutes)
 * and then returns the current state of the operation, which might be DONE or still in progress";
 * Compute Engine REST reference, zoneOperations.wait, read 2026-12). The bound is the emulator's
 * `waitTimeoutMs` option. The wait ends early when the client goes away.
 */
import type { GceCall } from './gce-call.js';
import type { GceOperation } from './gce-shapes.js';
import { ordered, pageOf, readListQuery } from './list-query.js';

/** Where an operation lives: a zone, a region, or (both absent) global. */
interface Scope {
  readonly zone: string | undefined;
  readonly region: string | undefined;
}

function scope(call: GceCall): Scope {
  if (call.request.params.zone !== undefined) return { zone: call.zone(), region: undefined };
  if (call.request.params.region !== undefined) return { zone: undefined, region: call.region() };
  return { zone: undefined, region: undefined };
}

function where(s: Scope): string {
  return s.zone !== undefined ? `zones/${s.zone}` : s.region !== undefined ? `regions/${s.region}` : 'global';
}

function path(call: GceCall, s: Scope): string {
  return `projects/${call.state.project}/${where(s)}/operations/${call.param('operation')}`;
}

/** `zoneOperations.get` / `regionOperations.get` / `globalOperations.get`. */
export function getOperation(call: GceCall): GceOperation {
  const s = scope(call);
  const op = call.state.operations.get(call.param('operation'), call.state.project, s.zone, s.region);
  if (!op) throw call.notFound(path(call, s));
  return op;
}

/** `zoneOperations.wait` / `regionOperations.wait` / `globalOperations.wait`. */
export async function waitOperation(call: GceCall): Promise<GceOperation> {
  const s = scope(call);
  const op = await call.state.operations.wait(call.param('operation'), call.state.project, s.zone, { timeoutMs: call.world.waitTimeoutMs, signal: call.request.signal, region: s.region });
  if (!op) throw call.notFound(path(call, s));
  call.state.advance();
  return op;
}

/** `zoneOperations.list` / `regionOperations.list` / `globalOperations.list`. */
export function listOperations(call: GceCall): object {
  const s = scope(call);
  const list = readListQuery(call.request.query);
  const items = call.state.operations.list(call.state.project, s.zone, s.region).filter(list.matches);
  const sorted = list.orderBy === 'name' ? items : ordered(items.map((o) => ({ ...o, creationTimestamp: o.insertTime })), list.orderBy);
  const page = pageOf(sorted, list);
  const scopePath = where(s);
  return {
    kind: 'compute#operationList',
    id: `projects/${call.state.project}/${scopePath}/operations`,
    items: page.items,
    ...(page.nextToken ? { nextPageToken: page.nextToken } : {}),
    selfLink: `https://www.googleapis.com/compute/v1/projects/${call.state.project}/${scopePath}/operations`,
  };
}

/** `zoneOperations.delete` / `regionOperations.delete` / `globalOperations.delete`: answers an empty body. */
export function deleteOperation(call: GceCall): object {
  const s = scope(call);
  if (!call.state.operations.has(call.param('operation'), call.state.project, s.zone, s.region)) throw call.notFound(path(call, s));
  call.state.operations.delete(call.param('operation'));
  return {};
}
