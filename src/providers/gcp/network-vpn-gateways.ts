/**
 * VPN gateways of the GCE network companion: an HA VPN gateway (`vpnGateways.insert`: two
 * interfaces, each with an external address GCE assigns) and the Cloud Router its BGP sessions
 * need (`routers.insert` with `bgp.asn`, named `{gateway}-router`), created together, read
 * together and deleted together. HA VPN has no static routing ("HA VPN does not support static
 * routing", Cloud VPN docs, creating-static-vpns, read 2026-12): every tunnel has a BGP session
 * on this router.
 *
 * `VpnGateway.publicIps` are the two interface addresses (known once the gateway exists, before
 * any tunnel: `gatewayIpsFrom: 'gateway'`), `asn` the router's. The create waits only briefly
 * for its two operations and comes back `provisioning` while they run. A gateway without its
 * router (an insert lost half-way) reads `failed`. The router's description holds the routes
 * installed on it (`network-routes.ts`), so a gateway with routes is in use, and so is one with
 * tunnels (GCE's own refusal, `resourceInUseByAnotherResource`).
 */
import type { protos } from '@google-cloud/compute';
import { ConflictError, NotFoundError } from '../../provider/errors.js';
import type { NetworkCreateOptions } from '../../provider/network-provider-v1.js';
import type { NetworkResourceState, VpnGateway, VpnGatewayInput } from '../../provider/network-types.js';
import { oneOffKey, requestIdFor } from './naming.js';
import { invalid, published, type GcpNetworkContext } from './network-context.js';
import { MAX_GATEWAY_NAME, nameOf, parseNetworkId, routerNameOf } from './network-ids.js';
import { callerLabels, inputHash, keyDigest, labelledIdentity, ownLabels, readNote, writeNote } from './network-metadata.js';
import { operationOf, type NetworkOperation } from './network-operations.js';
import { checkLabels, checkName, checkRouterAsn } from './network-validation.js';
import { sameInput, type GcpVpcs, type Keyed } from './network-vpcs.js';
import { NOVACRON_LABEL } from './labels.js';

/** An HA VPN gateway as the library returns it. */
export type GceVpnGateway = protos.google.cloud.compute.v1.IVpnGateway;
/** A Cloud Router as the library returns it. */
export type GceRouter = protos.google.cloud.compute.v1.IRouter;

/** The ASN a gateway's router gets when the input names none (the lowest private ASN; GCE has no default). */
export const DEFAULT_ROUTER_ASN = 64512;

/** VPN gateways of one project. */
export class GcpVpnGateways {
  /** Works in `ctx`, on the networks of `vpcs`. */
  constructor(
    private readonly ctx: GcpNetworkContext,
    private readonly vpcs: GcpVpcs,
  ) {}

  /** Creates the HA VPN gateway and its Cloud Router; `provisioning` while their inserts run. */
  async create(input: VpnGatewayInput, options: NetworkCreateOptions): Promise<VpnGateway> {
    const { signal } = options;
    const name = checkName(input?.name, MAX_GATEWAY_NAME);
    const parsed = parseNetworkId(input.networkId);
    if (parsed?.kind !== 'network' || parsed.project !== this.ctx.project) throw invalid('networkId', `must be a network id of project ${this.ctx.project}`);
    const asn = checkRouterAsn(input.asn ?? DEFAULT_ROUTER_ASN);
    const labels = checkLabels(input.labels);
    const region = this.ctx.region;
    const network = await this.vpcs.available(parsed.name, signal);
    const hash = inputHash({ type: 'vpn-gateway', name, networkId: network.id, asn, labels, region });
    const key = options.idempotencyKey;
    if (key !== undefined) {
      const found = await this.keyed(key, signal);
      if (found) {
        const gateway = await this.get(found.resource.region, found.resource.name, signal);
        // A create cut short (its router missing) is finished below: both inserts adopt what exists.
        if (sameInput(this.ctx.providerName, { resource: gateway, hash: found.hash }, hash, key, 'vpn-gateway').state !== 'failed') return gateway;
      }
    }
    const id = this.ctx.ids.vpnGateway(region, name);
    const router = routerNameOf(name);
    const ctx = { operation: 'createVpnGateway', region, resourceType: 'vpn-gateway', resourceId: id, mutating: true };
    const base = key ?? oneOffKey();
    const gatewayOp = await this.insertGateway(region, name, network.id, ownLabels(labels, key, hash), requestIdFor(base, 'vpn-gateway'), hash, key, ctx, signal);
    const routerOp = await this.insertRouter(region, router, name, network.id, asn, requestIdFor(base, 'router'), ctx, signal);
    const [gatewayDone, routerDone] = await Promise.all([this.ctx.ops.settle(gatewayOp, { region }, ctx, this.ctx.createWaitMs, signal), this.ctx.ops.settle(routerOp, { region }, ctx, this.ctx.createWaitMs, signal)]);
    const gateway = gatewayDone && routerDone ? await this.get(region, name, signal) : this.pending(region, name, network.id, labels, gatewayOp ?? routerOp);
    published(this.ctx, 'created', 'vpn-gateway', gateway.id, gateway.state);
    return gateway;
  }

  private async insertGateway(region: string, name: string, networkId: string, labels: Record<string, string>, requestId: string, hash: string, key: string | undefined, ctx: CallCtx, signal: AbortSignal | undefined): Promise<NetworkOperation | undefined> {
    try {
      const [answer] = await this.ctx.api.run(ctx, signal, ({ vpnGateways }, call) =>
        vpnGateways.insert({ project: this.ctx.project, region, requestId, vpnGatewayResource: { name, network: networkId, stackType: 'IPV4_ONLY', labels } }, call),
      );
      return operationOf(answer);
    } catch (error) {
      if (!ConflictError.isInstance(error)) throw error;
      // The name is taken: this create's own gateway (an earlier attempt) is adopted, anything else is a conflict.
      const raw = await this.rawGateway(region, name, signal);
      const identity = labelledIdentity(raw?.labels);
      if (raw && key !== undefined && identity.key === keyDigest(key) && identity.hash === hash) return undefined;
      throw new ConflictError({ provider: this.ctx.providerName, message: `VPN gateway ${this.ctx.ids.vpnGateway(region, name)} already exists (another create made it)`, cause: error });
    }
  }

  private async insertRouter(region: string, router: string, gateway: string, networkId: string, asn: number, requestId: string, ctx: CallCtx, signal: AbortSignal | undefined): Promise<NetworkOperation | undefined> {
    try {
      const [answer] = await this.ctx.api.run(ctx, signal, ({ routers }, call) =>
        routers.insert({ project: this.ctx.project, region, requestId, routerResource: { name: router, network: networkId, bgp: { asn }, description: writeNote({ gateway, routes: {} }) } }, call),
      );
      return operationOf(answer);
    } catch (error) {
      if (!ConflictError.isInstance(error)) throw error;
      const raw = await this.rawRouter(region, router, signal);
      if (raw && readNote(raw.description).gateway === gateway) return undefined;
      throw new ConflictError({ provider: this.ctx.providerName, message: `Cloud Router ${this.ctx.ids.router(region, router)} already exists and serves another gateway`, cause: error });
    }
  }

  /** A gateway; `NotFoundError` when GCE has none (a running insert reads `provisioning`). */
  async get(region: string, name: string, signal: AbortSignal | undefined): Promise<VpnGateway> {
    const id = this.ctx.ids.vpnGateway(region, name);
    const router = routerNameOf(name);
    const [raw, rawRouter] = await Promise.all([this.rawGateway(region, name, signal), this.rawRouter(region, router, signal)]);
    const ctx = { operation: 'get', region, resourceType: 'vpn-gateway', resourceId: id };
    if (!raw) {
      if (await this.ctx.ops.insertRunning({ region }, id, ctx, signal)) return this.pending(region, name, '', {}, undefined);
      // Deleted, its router still going: the gateway is not gone until both are (its network waits for both).
      if (rawRouter && readNote(rawRouter.description).gateway === name) return { ...this.pending(region, name, this.ctx.ids.network(nameOf(rawRouter.network)), {}, undefined), state: 'deleting', rawState: 'DELETING' };
      throw new NotFoundError({ provider: this.ctx.providerName, message: `vpn-gateway ${id} not found`, resourceType: 'vpn-gateway', resourceId: id });
    }
    if (!rawRouter) {
      if (await this.ctx.ops.insertRunning({ region }, this.ctx.ids.router(region, router), ctx, signal)) return { ...this.toGateway(raw, undefined), state: 'provisioning', rawState: 'RUNNING' };
      return this.toGateway(raw, undefined);
    }
    return this.toGateway(raw, rawRouter);
  }

  /** Every HA VPN gateway of the project, with its router's ASN. */
  async list(signal: AbortSignal | undefined): Promise<VpnGateway[]> {
    const [gateways, routers] = await Promise.all([this.rawGateways(signal), this.rawRouters(signal)]);
    return gateways.map((g) => this.toGateway(g.item, routers.find((r) => r.region === g.region && r.item.name === routerNameOf(g.item.name ?? ''))?.item));
  }

  /** The gateway a create with this key made. */
  async find(key: string, signal: AbortSignal | undefined): Promise<VpnGateway | undefined> {
    const found = await this.keyed(key, signal);
    return found ? await this.get(found.resource.region, found.resource.name, signal) : undefined;
  }

  private async keyed(key: string, signal: AbortSignal | undefined): Promise<Keyed<VpnGateway> | undefined> {
    const digest = keyDigest(key);
    const found = (await this.rawGateways(signal, `labels.${NOVACRON_LABEL.idempotencyKey} = "${digest}"`)).find((g) => labelledIdentity(g.item.labels).key === digest);
    return found ? { resource: this.toGateway(found.item, undefined), hash: labelledIdentity(found.item.labels).hash } : undefined;
  }

  /**
   * Starts deleting the gateway and its router. A gateway whose router carries routes is in use
   * (`ConflictError` naming them); GCE refuses one with tunnels (`ConflictError`). What is gone succeeds.
   */
  async delete(region: string, name: string, signal: AbortSignal | undefined): Promise<void> {
    const id = this.ctx.ids.vpnGateway(region, name);
    const router = routerNameOf(name);
    const rawRouter = await this.rawRouter(region, router, signal);
    const routes = Object.keys(readNote(rawRouter?.description).routes ?? {});
    if (routes.length > 0) {
      throw new ConflictError({ provider: this.ctx.providerName, message: `vpn-gateway ${id} is still used by route ${routes.map((r) => this.ctx.ids.learnedRoute(region, router, r)).join(', route ')}` });
    }
    const ctx = { operation: 'delete', region, resourceType: 'vpn-gateway', resourceId: id, mutating: true };
    try {
      await this.ctx.api.run(ctx, signal, ({ vpnGateways }, call) => vpnGateways.delete({ project: this.ctx.project, region, vpnGateway: name, requestId: requestIdFor(oneOffKey(), 'delete') }, call));
    } catch (error) {
      if (!NotFoundError.isInstance(error)) throw error;
    }
    if (rawRouter) {
      try {
        await this.ctx.api.run(ctx, signal, ({ routers }, call) => routers.delete({ project: this.ctx.project, region, router, requestId: requestIdFor(oneOffKey(), 'delete') }, call));
      } catch (error) {
        if (!NotFoundError.isInstance(error)) throw error;
      }
    }
    published(this.ctx, 'deleted', 'vpn-gateway', id, 'deleting');
  }

  /** The raw HA VPN gateway, `undefined` when GCE has none. */
  rawGateway(region: string, name: string, signal: AbortSignal | undefined): Promise<GceVpnGateway | undefined> {
    return this.ctx.reads.one({ operation: 'get', region, resourceType: 'vpn-gateway', resourceId: name }, signal, ({ vpnGateways }, call) => vpnGateways.get({ project: this.ctx.project, region, vpnGateway: name }, call));
  }

  /** The raw Cloud Router, `undefined` when GCE has none. */
  rawRouter(region: string, name: string, signal: AbortSignal | undefined): Promise<GceRouter | undefined> {
    return this.ctx.reads.one({ operation: 'get', region, resourceType: 'router', resourceId: name }, signal, ({ routers }, call) => routers.get({ project: this.ctx.project, region, router: name }, call));
  }

  /** Every HA VPN gateway (matching `filter`), with its region. */
  rawGateways(signal: AbortSignal | undefined, filter?: string): Promise<{ readonly region: string; readonly item: GceVpnGateway }[]> {
    return this.ctx.reads.aggregated<GceVpnGateway>({ operation: 'list', resourceType: 'vpn-gateway' }, signal, 'vpnGateways', ({ vpnGateways }, call) =>
      vpnGateways.aggregatedListAsync({ project: this.ctx.project, maxResults: 500, ...(filter === undefined ? {} : { filter }) }, call),
    );
  }

  /** Every Cloud Router, with its region. */
  rawRouters(signal: AbortSignal | undefined): Promise<{ readonly region: string; readonly item: GceRouter }[]> {
    return this.ctx.reads.aggregated<GceRouter>({ operation: 'list', resourceType: 'router' }, signal, 'routers', ({ routers }, call) => routers.aggregatedListAsync({ project: this.ctx.project, maxResults: 500 }, call));
  }

  /** A gateway as the companion shows it; one of the companion's without its router is `failed`. */
  toGateway(raw: GceVpnGateway, router: GceRouter | undefined): VpnGateway {
    const region = nameOf(raw.region);
    const name = raw.name ?? '';
    const ours = raw.labels?.[NOVACRON_LABEL.managed] === 'true';
    const missingRouter = ours && router === undefined;
    const publicIps = [...(raw.vpnInterfaces ?? [])].sort((a, b) => Number(a.id ?? 0) - Number(b.id ?? 0)).map((i) => i.ipAddress ?? '').filter((ip) => ip !== '');
    return {
      type: 'vpn-gateway',
      id: this.ctx.ids.vpnGateway(region, name),
      name,
      provider: this.ctx.providerName,
      providerKind: 'gcp',
      region,
      state: missingRouter ? 'failed' : 'available',
      rawState: missingRouter ? 'ROUTER_MISSING' : 'READY',
      stateReason: missingRouter ? `its Cloud Router ${routerNameOf(name)} does not exist` : undefined,
      labels: callerLabels(raw.labels),
      createdAt: raw.creationTimestamp ?? new Date(0).toISOString(),
      networkId: this.ctx.ids.network(nameOf(raw.network)),
      publicIps,
      asn: router?.bgp?.asn === undefined || router.bgp.asn === null ? undefined : Number(router.bgp.asn),
    };
  }

  private pending(region: string, name: string, networkId: string, labels: Readonly<Record<string, string>>, op: NetworkOperation | undefined): VpnGateway {
    const state: NetworkResourceState = 'provisioning';
    return {
      type: 'vpn-gateway',
      id: this.ctx.ids.vpnGateway(region, name),
      name,
      provider: this.ctx.providerName,
      providerKind: 'gcp',
      region,
      state,
      rawState: String(op?.status ?? 'PENDING'),
      stateReason: undefined,
      labels: { ...labels },
      createdAt: new Date().toISOString(),
      networkId,
      publicIps: [],
      asn: undefined,
    };
  }
}

type CallCtx = { operation: string; region: string; resourceType: string; resourceId: string; mutating: boolean };
