/**
 * Writes to a gateway's Cloud Router, the one place the companion changes a resource in place
 * (a connection's BGP sessions, routes installed as custom learned ranges, the router's note).
 *
 * Additions go by `routers.patch` (each list sent replaces the router's list). Removals go by
 * `routers.update` (PUT, the router written whole): over the REST transport an empty list is
 * omitted from the JSON body (proto3 JSON), so a PATCH cannot remove a router's last interface
 * or BGP peer — the body would leave the list out and change nothing. Either way the router is
 * read first and the items written back without their output-only fields.
 */
import type { protos } from '@google-cloud/compute';
import type { GcpNetworkContext } from './network-context.js';
import { operationOf } from './network-operations.js';
import type { GceRouter } from './network-vpn-gateways.js';

/** A router interface as the library takes it. */
export type GceRouterInterface = protos.google.cloud.compute.v1.IRouterInterface;
/** A BGP peer as the library takes it. */
export type GceBgpPeer = protos.google.cloud.compute.v1.IRouterBgpPeer;

/** What a write changes; what it leaves out stays as it is. */
export interface RouterChanges {
  /** The router's interfaces, all of them. */
  readonly interfaces?: readonly GceRouterInterface[] | undefined;
  /** Its BGP peers, all of them. */
  readonly bgpPeers?: readonly GceBgpPeer[] | undefined;
  /** Its description. */
  readonly description?: string | undefined;
}

/** What one write is about, for errors and its wait. */
export interface RouterWrite {
  /** The calling operation (`createVpnConnection`, `delete`, ...). */
  readonly operation: string;
  /** The companion resource it is for. */
  readonly resourceType: string;
  /** Its id. */
  readonly resourceId: string;
  /** The write's `requestId`. */
  readonly requestId: string;
  /** Longest wait for the write's operation, ms. */
  readonly waitMs: number;
}

/** A router interface as a write item (output-only fields dropped). */
export function cleanInterface(i: GceRouterInterface): GceRouterInterface {
  return { name: i.name, ...(i.linkedVpnTunnel ? { linkedVpnTunnel: i.linkedVpnTunnel } : {}), ...(i.ipRange ? { ipRange: i.ipRange } : {}) };
}

/** A BGP peer as a write item (output-only fields dropped). */
export function cleanPeer(p: GceBgpPeer): GceBgpPeer {
  return {
    name: p.name,
    interfaceName: p.interfaceName,
    ipAddress: p.ipAddress,
    peerIpAddress: p.peerIpAddress,
    peerAsn: p.peerAsn,
    ...(p.customLearnedIpRanges && p.customLearnedIpRanges.length > 0 ? { customLearnedIpRanges: p.customLearnedIpRanges.map((r) => ({ range: r.range })) } : {}),
    ...(p.customLearnedRoutePriority !== undefined && p.customLearnedRoutePriority !== null ? { customLearnedRoutePriority: p.customLearnedRoutePriority } : {}),
    ...(p.advertisedRoutePriority !== undefined && p.advertisedRoutePriority !== null ? { advertisedRoutePriority: p.advertisedRoutePriority } : {}),
  };
}

/** Writes to Cloud Routers of one project. */
export class RouterWrites {
  /** Works in `ctx`. */
  constructor(private readonly ctx: GcpNetworkContext) {}

  /** Adds by `routers.patch`; true once the write's operation is DONE within `waitMs`. */
  async patch(region: string, router: GceRouter, changes: RouterChanges, write: RouterWrite, signal: AbortSignal | undefined): Promise<boolean> {
    const body: GceRouter = {
      ...(changes.interfaces !== undefined ? { interfaces: changes.interfaces.map(cleanInterface) } : {}),
      ...(changes.bgpPeers !== undefined ? { bgpPeers: changes.bgpPeers.map(cleanPeer) } : {}),
      ...(changes.description !== undefined ? { description: changes.description } : {}),
    };
    const ctx = { operation: write.operation, region, resourceType: write.resourceType, resourceId: write.resourceId, mutating: true };
    const [answer] = await this.ctx.api.run(ctx, signal, ({ routers }, call) => routers.patch({ project: this.ctx.project, region, router: router.name ?? '', requestId: write.requestId, routerResource: body }, call));
    return this.ctx.ops.settle(operationOf(answer), { region }, ctx, write.waitMs, signal);
  }

  /** Removes by `routers.update`, the router written whole; true once DONE within `waitMs`. */
  async replace(region: string, router: GceRouter, changes: RouterChanges, write: RouterWrite, signal: AbortSignal | undefined): Promise<boolean> {
    const body: GceRouter = {
      name: router.name,
      network: router.network,
      ...(router.bgp ? { bgp: { asn: router.bgp.asn, ...(router.bgp.advertiseMode ? { advertiseMode: router.bgp.advertiseMode } : {}), ...(router.bgp.keepaliveInterval ? { keepaliveInterval: router.bgp.keepaliveInterval } : {}) } } : {}),
      interfaces: (changes.interfaces ?? router.interfaces ?? []).map(cleanInterface),
      bgpPeers: (changes.bgpPeers ?? router.bgpPeers ?? []).map(cleanPeer),
      ...((changes.description ?? router.description) ? { description: changes.description ?? router.description ?? '' } : {}),
    };
    const ctx = { operation: write.operation, region, resourceType: write.resourceType, resourceId: write.resourceId, mutating: true };
    const [answer] = await this.ctx.api.run(ctx, signal, ({ routers }, call) => routers.update({ project: this.ctx.project, region, router: router.name ?? '', requestId: write.requestId, routerResource: body }, call));
    return this.ctx.ops.settle(operationOf(answer), { region }, ctx, write.waitMs, signal);
  }
}
