/**
 * What the network handlers share: their state and renderer, the `requestId` rule of Compute
 * Engine's writes (the same id answers the first call's operation and does nothing else; REST
 * reference, `requestId` query parameter, read 2026-12), the start of a global or regional
 * operation whose effect runs when it is DONE, the reading of references to networks and other
 * resources in bodies (a full URL, `projects/p/...`, or a partial `global/...` /
 * `regions/...` path), list answers with GCE's paging and filters, and the 400
 * `resourceInUseByAnotherResource` of a delete that something still depends on.
 */
import { GceError, invalidField } from './gce-error.js';
import { parseReference, type GceCall } from './gce-call.js';
import type { GceJsonObject, GceOperation } from './gce-shapes.js';
import { ordered, pageOf, readListQuery } from './list-query.js';
import { COMPUTE_BASE } from './machine-catalog.js';
import { NetworkRenderer, NetworkUrls } from './network-render.js';
import type { GceNetworkState, NetworkRecord } from './network-state.js';
import type { GceOperationFailure } from './operation-store.js';

/** The network state of the call's project. */
export function networkState(call: GceCall): GceNetworkState {
  return call.world.network;
}

/** A renderer of the call's project. */
export function renderer(call: GceCall): NetworkRenderer {
  return new NetworkRenderer(call.world.network);
}

/** URLs of the call's project. */
export function urls(call: GceCall): NetworkUrls {
  return new NetworkUrls(call.state.project);
}

/** The operation an earlier call with this `requestId` started, rendered as it is now. */
export function repeatedWrite(call: GceCall): GceOperation | undefined {
  const id = call.requestId();
  const seen = id === undefined ? undefined : networkState(call).requestIdOperation(id);
  return seen ? call.state.operations.get(seen.operation, call.state.project, undefined, seen.region) : undefined;
}

/** What {@link startWrite} starts. */
export interface WriteStart {
  /** Region of a regional resource; global when absent. */
  readonly region?: string | undefined;
  /** `insert`, `delete`, `patch`, `addPeering`, ... */
  readonly type: string;
  /** URL of the resource acted on. */
  readonly targetLink: string;
  /** Its numeric id. */
  readonly targetId: string;
  /** Runs once when the operation is DONE without failure. */
  readonly onDone: () => void;
  /** Runs once when it is DONE with `failure`. */
  readonly onFailed?: (() => void) | undefined;
  /** End with this failure. */
  readonly failure?: GceOperationFailure | undefined;
}

/** Starts the operation of a write (remembering its `requestId`) and returns it rendered. */
export function startWrite(call: GceCall, write: WriteStart): GceOperation {
  const { state } = call;
  const name = state.operations.start({
    project: state.project,
    region: write.region,
    type: write.type,
    operation: call.operation,
    targetLink: write.targetLink,
    targetId: write.targetId,
    pendingMs: call.world.timings.pendingMs,
    runningMs: call.world.timings.runningMs,
    failure: write.failure,
    onDone: write.onDone,
    onFailed: write.onFailed,
  });
  const requestId = call.requestId();
  if (requestId !== undefined) networkState(call).rememberRequestId(requestId, name, write.region);
  return state.operations.get(name, state.project, undefined, write.region)!;
}

/** A reference to a resource: its project and name, when `value` names a `kind` (`global/networks`, `regions/r/vpnGateways`). */
export function referenced(value: string, kind: 'networks' | 'externalVpnGateways' | 'routes', call: GceCall): { readonly project: string; readonly name: string } | undefined;
export function referenced(value: string, kind: 'subnetworks' | 'vpnGateways' | 'vpnTunnels' | 'routers', call: GceCall): { readonly project: string; readonly region: string; readonly name: string } | undefined;
export function referenced(value: string, kind: string, call: GceCall): { readonly project: string; readonly region?: string; readonly name: string } | undefined {
  const ref = parseReference(value);
  if (!ref) return undefined;
  const project = ref.project ?? call.state.project;
  const global = new RegExp(`^global/${kind}/([^/]+)$`).exec(ref.path);
  if (global) return { project, name: global[1]! };
  const regional = new RegExp(`^regions/([^/]+)/${kind}/([^/]+)$`).exec(ref.path);
  return regional ? { project, region: regional[1]!, name: regional[2]! } : undefined;
}

/** The network a body field names (this project's, or another project's of the fabric); 400 when it cannot be found. */
export function networkOfField(call: GceCall, value: string | undefined, field: string): { readonly state: GceNetworkState; readonly network: NetworkRecord } {
  if (value === undefined || value === '') throw new GceError(400, 'required', `Required field '${field}' not specified`);
  const ref = referenced(value, 'networks', call);
  if (!ref) throw invalidField(field, value, 'The URL is malformed.');
  const state = ref.project === call.state.project ? networkState(call) : networkState(call).fabric.project(ref.project);
  const network = state?.networks.get(ref.name);
  if (!state || !network) throw invalidField(field, value, 'The referenced network resource cannot be found.');
  return { state, network };
}

/** `projects/p/...` of a URL (GCE's in-use messages name resources this way). */
export function shortPath(url: string): string {
  return url.startsWith(`${COMPUTE_BASE}/`) ? url.slice(COMPUTE_BASE.length + 1) : url;
}

/** GCE's 400 for deleting what another resource still uses. */
export function inUse(kind: string, url: string, user: string): GceError {
  return new GceError(400, 'resourceInUseByAnotherResource', `The ${kind} resource '${shortPath(url)}' is already being used by '${shortPath(user)}'`);
}

/** A list answer: the items filtered, ordered and paged as the query says. */
export function listAnswer(call: GceCall, kind: string, id: string, items: GceJsonObject[]): object {
  const list = readListQuery(call.request.query);
  const page = pageOf(ordered(items.filter(list.matches) as (GceJsonObject & { name: string; creationTimestamp: string })[], list.orderBy), list);
  return { kind, id, items: page.items, ...(page.nextToken ? { nextPageToken: page.nextToken } : {}), selfLink: `${COMPUTE_BASE}/${id}` };
}

/** An aggregated list answer (`items` keyed by `regions/<r>`, a `NO_RESULTS_ON_PAGE` warning for a region without any), paged across regions. */
export function aggregatedAnswer(call: GceCall, kind: string, field: string, items: readonly { readonly region: string; readonly item: GceJsonObject }[]): object {
  const list = readListQuery(call.request.query);
  const regions = call.state.catalog.regions();
  const order = new Map(regions.map((r, i) => [r, i]));
  const matching = ordered(items.filter((i) => list.matches(i.item)).map((i) => ({ ...i, name: String(i.item.name), creationTimestamp: String(i.item.creationTimestamp) })), list.orderBy).sort(
    (a, b) => (order.get(a.region) ?? 0) - (order.get(b.region) ?? 0),
  );
  const page = pageOf(matching, list);
  const grouped: Record<string, object> = {};
  for (const region of regions) {
    const scope = `regions/${region}`;
    const found = page.items.filter((i) => i.region === region).map((i) => i.item);
    grouped[scope] = found.length > 0 ? { [field]: found } : { warning: { code: 'NO_RESULTS_ON_PAGE', message: `There are no results for scope '${scope}' on this page.`, data: [{ key: 'scope', value: scope }] } };
  }
  return { kind, id: `projects/${call.state.project}/aggregated/${field}`, items: grouped, ...(page.nextToken ? { nextPageToken: page.nextToken } : {}), selfLink: `${COMPUTE_BASE}/projects/${call.state.project}/aggregated/${field}` };
}
