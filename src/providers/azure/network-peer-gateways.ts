/**
 * Peer gateways of the companion: Azure local network gateways. A local network gateway names
 * one far-side IP (`gatewayIpAddress`), so a peer gateway of several IPs (the two tunnel IPs of
 * an AWS VPN connection, the two interfaces of a GCP HA VPN gateway) is one local network
 * gateway per IP: the first named from the key carries the novacron id, the others are
 * `<first>-2`, ... (at most {@link MAX_PEER_IPS}). They are made last to first, so that the first
 * existing means all were sent.
 *
 * `localNetworkAddressSpace` holds the ranges behind the far side (static routing). The far
 * side's ASN is kept in a tag: ARM takes `bgpSettings` only with the far side's BGP address,
 * which is known once a BGP connection names its tunnel's inside addresses; the connection then
 * writes both (`network-connections.ts`).
 */
import type { LocalNetworkGateway } from '@azure/arm-network';
import { isIpAddress, parseCidr } from '../../provider/cidr.js';
import { ConflictError, NotFoundError } from '../../provider/errors.js';
import type { NetworkCreateOptions } from '../../provider/network-provider-v1.js';
import type { PeerGateway, PeerGatewayInput } from '../../provider/network-types.js';
import type { AzureNetworkContext, NetworkCalls } from './network-calls.js';
import { checkAsn, checkName, invalid, locationOf, rangeOf } from './network-input.js';
import { headOf, topLevelOf, armId } from './network-mapping.js';
import { inputFingerprint, NETWORK_TAG, networkResourceName, networkTags, partName, sameInput } from './network-names.js';
import { NOVACRON_TAG } from './tags.js';

/** Most far-side IPs one peer gateway takes (two clouds' two tunnels each). */
export const MAX_PEER_IPS = 4;
const TYPE = 'Microsoft.Network/localNetworkGateways';

/** A peer gateway as ARM holds it: its local network gateways, first one first. */
export interface PeerGatewayParts {
  /** The local network gateways, by index. */
  readonly parts: readonly LocalNetworkGateway[];
}

/** Peer gateways. */
export class PeerGateways {
  /** Works through `calls` on behalf of `ctx`. */
  constructor(
    private readonly ctx: AzureNetworkContext,
    private readonly calls: NetworkCalls,
  ) {}

  /** Creates (or finds again, by key) a peer gateway. */
  async create(input: PeerGatewayInput, options: NetworkCreateOptions, key: string): Promise<PeerGateway> {
    checkName(input?.name);
    const location = locationOf(input.region, this.ctx.locations, this.ctx.location);
    if (!Array.isArray(input.ips) || input.ips.length === 0) throw invalid('ips', 'must list the far side’s public IPs');
    if (input.ips.length > MAX_PEER_IPS) throw invalid('ips', `at most ${MAX_PEER_IPS} IPs per peer gateway`);
    input.ips.forEach((ip, i) => {
      if (typeof ip !== 'string' || !isIpAddress(ip) || ip.includes(':')) throw invalid(`ips[${i}]`, `"${String(ip)}" is not an IPv4 address (an Azure local network gateway takes one)`);
    });
    if (new Set(input.ips).size !== input.ips.length) throw invalid('ips', 'lists an IP twice');
    const asn = checkAsn(input.asn, 'asn', false);
    const cidrs = (input.cidrs ?? []).map((c, i) => rangeOf(c, `cidrs[${i}]`).text);
    const first = networkResourceName('peer-gateway', key);
    const specHash = inputFingerprint(input);
    const existing = await this.read(first, 'createPeerGateway', options.signal);
    if (existing) {
      if (!sameInput(existing.tags, specHash)) throw new ConflictError({ provider: this.ctx.providerName, message: `idempotency key "${options.idempotencyKey ?? ''}" was already used for a different peer-gateway (${existing.id})` });
      return this.toPeerGateway(await this.parts(existing, 'createPeerGateway', options.signal));
    }
    const now = this.ctx.now();
    for (let i = input.ips.length - 1; i >= 0; i--) {
      const name = partName(first, i);
      const tags = networkTags(input.name, input.labels, specHash, { ...this.ctx, idempotencyKey: options.idempotencyKey, now }, {
        [NETWORK_TAG.parts]: String(input.ips.length),
        [NETWORK_TAG.part]: String(i),
        ...(asn !== undefined ? { [NETWORK_TAG.asn]: String(asn) } : {}),
      });
      const body: LocalNetworkGateway = { location, tags, gatewayIpAddress: input.ips[i], localNetworkAddressSpace: { addressPrefixes: cidrs } };
      await this.calls.write({ operation: 'createPeerGateway', resourceType: 'peer-gateway', resourceId: armId(this.ctx.scope, TYPE, name), region: location }, options.signal, (network, o) =>
        network.localNetworkGateways.createOrUpdate(this.ctx.scope.resourceGroup, name, body, o),
      );
    }
    const created = await this.read(first, 'createPeerGateway', options.signal);
    if (!created) throw new ConflictError({ provider: this.ctx.providerName, message: `createPeerGateway: ARM accepted ${first} but does not show it; look it up with findByIdempotencyKey` });
    return this.toPeerGateway(await this.parts(created, 'createPeerGateway', options.signal));
  }

  /** Reads a peer gateway (all its parts); `NotFoundError` once its first part is gone and no other remains. */
  async get(id: string, signal: AbortSignal | undefined): Promise<PeerGateway> {
    return this.toPeerGateway(await this.readParts(id, 'get', signal));
  }

  /** The local network gateways of a peer gateway, by its id; `NotFoundError` when none is left. */
  async readParts(id: string, operation: string, signal: AbortSignal | undefined): Promise<PeerGatewayParts> {
    const name = this.nameOf(id);
    const first = name !== undefined ? await this.read(name, operation, signal) : undefined;
    if (first) return this.parts(first, operation, signal);
    // The first part gone while others are still being deleted: the peer gateway is `deleting`.
    for (let i = 1; name !== undefined && i < MAX_PEER_IPS; i++) {
      const part = await this.read(partName(name, i), operation, signal);
      if (part) return { parts: [{ ...part, id, name, provisioningState: 'Deleting' }] };
    }
    throw new NotFoundError({ provider: this.ctx.providerName, message: `peer-gateway ${id} not found`, resourceType: 'peer-gateway', resourceId: id });
  }

  /** The resource group's peer gateways (those novacron made, first parts only). */
  async *list(signal: AbortSignal | undefined): AsyncIterable<PeerGateway> {
    const all = await this.calls.all({ operation: 'list', resourceType: 'peer-gateway' }, signal, (network) => network.localNetworkGateways.list(this.ctx.scope.resourceGroup, { abortSignal: signal }).byPage());
    for (const lng of all) {
      if (lng.tags?.[NOVACRON_TAG.managed] !== 'true' || (lng.tags[NETWORK_TAG.part] ?? '0') !== '0') continue;
      const count = Number(lng.tags[NETWORK_TAG.parts] ?? '1');
      const parts = [lng, ...Array.from({ length: count - 1 }, (_, i) => all.find((o) => o.name?.toLowerCase() === partName(lng.name ?? '', i + 1).toLowerCase())).filter((p): p is LocalNetworkGateway => p !== undefined)];
      yield this.toPeerGateway({ parts });
    }
  }

  /** The peer gateway a create with this key made, `undefined` when ARM has no first part of its name. */
  async find(key: string, signal: AbortSignal | undefined): Promise<PeerGateway | undefined> {
    const first = await this.read(networkResourceName('peer-gateway', key), 'findByIdempotencyKey', signal);
    return first ? this.toPeerGateway(await this.parts(first, 'findByIdempotencyKey', signal)) : undefined;
  }

  /** Starts deleting every part (first part first: a refusal, the peer gateway in use, then leaves it whole). */
  async delete(id: string, signal: AbortSignal | undefined): Promise<void> {
    const name = this.nameOf(id);
    if (name === undefined) return;
    for (let i = 0; i < MAX_PEER_IPS; i++) {
      const part = partName(name, i);
      await this.calls.remove({ operation: 'delete', resourceType: 'peer-gateway', resourceId: armId(this.ctx.scope, TYPE, part) }, signal, (network, o) => network.localNetworkGateways.delete(this.ctx.scope.resourceGroup, part, o));
    }
  }

  /** Updates one local network gateway (BGP speaker, ranges) and waits for it. */
  update(gateway: LocalNetworkGateway, change: Pick<LocalNetworkGateway, 'bgpSettings' | 'localNetworkAddressSpace'>, signal: AbortSignal | undefined): Promise<LocalNetworkGateway> {
    const name = gateway.name ?? '';
    const body: LocalNetworkGateway = { location: gateway.location, tags: gateway.tags, gatewayIpAddress: gateway.gatewayIpAddress, fqdn: gateway.fqdn, localNetworkAddressSpace: gateway.localNetworkAddressSpace, bgpSettings: gateway.bgpSettings, ...change };
    return this.calls.write({ operation: 'createVpnConnection', resourceType: 'peer-gateway', resourceId: gateway.id, region: gateway.location }, signal, (network, o) => network.localNetworkGateways.createOrUpdate(this.ctx.scope.resourceGroup, name, body, o));
  }

  /** The companion's view of a peer gateway. */
  toPeerGateway({ parts }: PeerGatewayParts): PeerGateway {
    const first = parts[0]!;
    const states = parts.map((p) => p.provisioningState ?? 'Succeeded');
    const raw = states.find((s) => s !== 'Succeeded') ?? 'Succeeded';
    const head = headOf('peer-gateway', { id: first.id ?? '', name: first.name ?? '', location: first.location ?? '', tags: first.tags, provisioningState: raw }, this.ctx.providerName);
    const tagged = first.tags?.[NETWORK_TAG.asn];
    return {
      ...head,
      ips: parts.flatMap((p) => (p.gatewayIpAddress ? [p.gatewayIpAddress] : [])),
      asn: first.bgpSettings?.asn ?? (tagged !== undefined ? Number(tagged) : undefined),
      cidrs: (first.localNetworkAddressSpace?.addressPrefixes ?? []).map((c) => parseCidr(c, { lenient: true }).text),
    };
  }

  private async parts(first: LocalNetworkGateway, operation: string, signal: AbortSignal | undefined): Promise<PeerGatewayParts> {
    const count = Math.min(MAX_PEER_IPS, Number(first.tags?.[NETWORK_TAG.parts] ?? '1') || 1);
    const rest = await Promise.all(Array.from({ length: count - 1 }, (_, i) => this.read(partName(first.name ?? '', i + 1), operation, signal)));
    return { parts: [first, ...rest.filter((p): p is LocalNetworkGateway => p !== undefined)] };
  }

  private read(name: string, operation: string, signal: AbortSignal | undefined): Promise<LocalNetworkGateway | undefined> {
    return this.calls.read({ operation, resourceType: 'peer-gateway', resourceId: armId(this.ctx.scope, TYPE, name) }, signal, (network, s) => network.localNetworkGateways.get(this.ctx.scope.resourceGroup, name, { abortSignal: s }));
  }

  private nameOf(id: string): string | undefined {
    const parsed = topLevelOf(id, this.ctx.scope.subscriptionId, TYPE);
    return parsed && parsed.resourceGroup.toLowerCase() === this.ctx.scope.resourceGroup.toLowerCase() ? parsed.name : undefined;
  }
}
