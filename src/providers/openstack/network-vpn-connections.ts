/**
 * VPN connections of the OpenStack network companion: Neutron VPNaaS IPsec site connections
 * (`/v2.0/vpn/ipsec-site-connections`, with `/ikepolicies`, `/ipsecpolicies` and
 * `/endpoint-groups`; neutron-lib api-ref `vpnaas.inc`, neutron-vpnaas `vpn_validator.py`, read
 * 2026-12).
 *
 * One connection is one tunnel to one peer address (`maxTunnels: 1`), routed statically to the
 * peer gateway's ranges (its endpoint group; VPNaaS has no BGP). Each connection gets parts of
 * its own, marked as its parts (`vpn-part`, with the connection's key digest), so that a retried
 * create finds them and a delete removes them:
 * - an IKE policy and an IPsec policy that the three big clouds accept (IKEv2, AES-256, SHA-256,
 *   DH group 14; SA lifetimes of 8 hours and 1 hour, AWS's, Azure's and GCP's defaults);
 * - a local endpoint group of the network's subnets on its router. Neutron VPNaaS joins subnets,
 *   not networks (a local endpoint group must list subnets: `WrongEndpointGroupType`), so a
 *   network without a subnet gets one for the connection — the last /28 of its first range, like
 *   Azure's GatewaySubnet — removed with it. Subnets created after the connection are not in it.
 *
 * The pre-shared key is read through `options.secrets` only for the create call, sent as
 * Neutron's `psk`, and kept nowhere here: the connection's mark records the secret's *name*
 * (`psk=`), which is what the tunnel's `preSharedKey` shows on every read. Neutron's own answers
 * carry `psk` (it is a visible attribute); the mapping never reads it.
 */
import { ConflictError, NovacronError, UnsupportedError } from '../../provider/errors.js';
import type { VpnConnectionCreateOptions } from '../../provider/network-provider-v1.js';
import type { NetworkListFilter, VpnConnection, VpnConnectionInput } from '../../provider/network-types.js';
import { changed, checkName, invalid, notFound, projectFilter, type NetworkCompanionContext } from './network-context.js';
import { toVpnConnection } from './network-mapping.js';
import { mayHaveActed } from './network-keyed-create.js';
import { formatMark, labelsField, labelsOfField, parseMark } from './network-marks.js';
import type { NetworkRouters } from './network-routers.js';
import { cidrs, hasLabels, type NetworkTopology } from './network-topology.js';
import type { NetworkVpn } from './network-vpn.js';
import type { NeutronEndpointGroupView, NeutronPolicyView, NeutronSiteConnectionView, NeutronSubnetView, NeutronVpnServiceView } from './network-wire-types.js';

/** The parts a connection makes, by role. */
type PartRole = 'ike' | 'ipsec' | 'local' | 'subnet';

/** Where each role's parts live. */
const PART_PATHS: Readonly<Record<PartRole, { readonly path: string; readonly collection: string; readonly key: string }>> = {
  ike: { path: '/vpn/ikepolicies', collection: 'ikepolicies', key: 'ikepolicy' },
  ipsec: { path: '/vpn/ipsecpolicies', collection: 'ipsecpolicies', key: 'ipsecpolicy' },
  local: { path: '/vpn/endpoint-groups', collection: 'endpoint_groups', key: 'endpoint_group' },
  subnet: { path: '/subnets', collection: 'subnets', key: 'subnet' },
};

/** IKE and IPsec settings every one of AWS, Azure and GCP accepts. */
const IKE_POLICY = { ike_version: 'v2', auth_algorithm: 'sha256', encryption_algorithm: 'aes-256', pfs: 'group14', phase1_negotiation_mode: 'main', lifetime: { units: 'seconds', value: 28800 } };
const IPSEC_POLICY = { transform_protocol: 'esp', auth_algorithm: 'sha256', encryption_algorithm: 'aes-256', encapsulation_mode: 'tunnel', pfs: 'group14', lifetime: { units: 'seconds', value: 3600 } };

/** IPsec site connections. */
export class NetworkVpnConnections {
  /** Works through the companion's parts. */
  constructor(
    private readonly ctx: NetworkCompanionContext,
    private readonly topology: NetworkTopology,
    private readonly routers: NetworkRouters,
    private readonly vpn: NetworkVpn,
  ) {}

  /** Creates a VPN connection of one tunnel (see the file comment). */
  async create(input: VpnConnectionInput, options: VpnConnectionCreateOptions): Promise<VpnConnection> {
    const signal = options?.signal;
    await this.vpn.require(signal);
    checkName(input?.name);
    if ((input.routing ?? 'static') === 'bgp') throw new UnsupportedError({ provider: this.ctx.provider, message: 'Neutron VPNaaS routes statically: it has no BGP (capabilities.bgp is false)', capability: 'bgp' });
    if (!Array.isArray(input.tunnels) || input.tunnels.length !== 1) throw invalid('tunnels', 'Neutron VPNaaS has one peer address per IPsec site connection: give exactly one tunnel (capabilities.maxTunnels is 1)');
    const tunnel = input.tunnels[0]!;
    const { isIpAddress, parseCidr } = await cidrs();
    if (typeof tunnel.peerIp !== 'string' || !isIpAddress(tunnel.peerIp) || tunnel.peerIp.includes(':')) throw invalid('tunnels[0].peerIp', `"${String(tunnel.peerIp)}" is not an IPv4 address`);
    if (typeof tunnel.preSharedKey?.secret !== 'string' || tunnel.preSharedKey.secret === '') throw invalid('tunnels[0].preSharedKey', 'must name the secret holding the pre-shared key');
    if (typeof options?.secrets?.read !== 'function') throw invalid('secrets', 'a VPN connection needs a SecretReader to read its pre-shared key');
    const gateway = await this.vpn.getGateway(input.vpnGatewayId, signal, 'vpnGatewayId');
    if (gateway.state !== 'available') throw new ConflictError({ provider: this.ctx.provider, message: `vpnGatewayId: vpn-gateway ${gateway.id} is ${gateway.state}, not available yet` });
    if (tunnel.outsideIp !== undefined && tunnel.outsideIp !== gateway.publicIps[0]) throw invalid('tunnels[0].outsideIp', `vpn-gateway ${gateway.id}'s address is ${gateway.publicIps[0]}, not ${tunnel.outsideIp}`);
    const peer = await this.vpn.getPeerGateway(input.peerGatewayId, signal, 'peerGatewayId');
    if (peer.ips.length > 0 && !peer.ips.includes(tunnel.peerIp)) throw invalid('tunnels[0].peerIp', `${tunnel.peerIp} is not one of peer-gateway ${peer.id}'s IPs (${peer.ips.join(', ')})`);
    if (input.staticRoutes !== undefined && input.staticRoutes.length > 0) {
      const asked = new Set(input.staticRoutes.map((r, i) => parseCidr(r, { field: `staticRoutes[${i}]` }).text));
      if (asked.size !== peer.cidrs.length || !peer.cidrs.every((c) => asked.has(c))) {
        throw invalid('staticRoutes', `Neutron VPNaaS routes the peer gateway's ranges (${peer.cidrs.join(', ')}): staticRoutes must be those, or be left out`);
      }
    }
    const labels = labelsField(input.labels);
    const { resource, created } = await this.ctx.keyed.run<NeutronSiteConnectionView>({
      kind: 'vpn-connection',
      idempotencyKey: options.idempotencyKey,
      input,
      provider: this.ctx.provider,
      find: (k) => this.findMarked(k, signal),
      inputOf: (c) => parseMark(c.description)?.fields.i,
      create: async ({ k, i }) => {
        const description = formatMark('vpn-connection', { k, i, psk: tunnel.preSharedKey.secret, t: this.ctx.now().toString(36), l: labels }, 'tunnels[0].preSharedKey');
        const parts = await this.ensureParts(k, input.name, gateway.networkId, signal);
        const psk = await options.secrets.read(tunnel.preSharedKey, { signal });
        try {
          return await this.ctx.calls.create<NeutronSiteConnectionView>(
            '/vpn/ipsec-site-connections',
            'ipsec_site_connection',
            {
              name: input.name,
              description,
              vpnservice_id: gateway.id,
              ikepolicy_id: parts.ike,
              ipsecpolicy_id: parts.ipsec,
              local_ep_group_id: parts.local,
              peer_ep_group_id: peer.id,
              peer_address: tunnel.peerIp,
              peer_id: tunnel.peerIp,
              psk,
              initiator: 'bi-directional',
              admin_state_up: true,
            },
            { operation: 'createVpnConnection', resourceType: 'ipsec_site_connection' },
            signal,
          );
        } catch (error) {
          // A refusal made nothing: its parts go too (a lost answer keeps them for the retry).
          if (NovacronError.isInstance(error) && !error.retryable && error.code !== 'TIMEOUT' && error.code !== 'PROVIDER_UNAVAILABLE') await this.removeParts(k, gateway.networkId);
          throw error;
        }
      },
    });
    const connection = await this.map(resource, signal);
    if (created) changed(this.ctx, 'created', 'vpn-connection', connection.id, connection.state);
    return connection;
  }

  /** A VPN connection by id; `NotFoundError` when there is none. */
  async get(id: string, signal?: AbortSignal): Promise<VpnConnection> {
    const found = (await this.vpn.available(signal)) ? await this.view(id, 'get', signal) : undefined;
    if (!found) throw notFound(this.ctx, 'vpn-connection', id);
    return this.map(found, signal);
  }

  /** The companion's VPN connections, filtered (by network: their gateway's). */
  async *list(filter: NetworkListFilter, signal?: AbortSignal): AsyncIterable<VpnConnection> {
    if (!(await this.vpn.available(signal)) || (filter.region !== undefined && filter.region !== this.ctx.region)) return;
    const services = new Map<string, NeutronVpnServiceView>();
    const groups = new Map<string, NeutronEndpointGroupView>();
    for (const s of await this.ctx.calls.all<NeutronVpnServiceView>('/vpn/vpnservices', 'vpnservices', await projectFilter(this.ctx, signal), { operation: 'list', resourceType: 'vpnservice' }, signal)) services.set(s.id, s);
    for (const g of await this.ctx.calls.all<NeutronEndpointGroupView>('/vpn/endpoint-groups', 'endpoint_groups', await projectFilter(this.ctx, signal), { operation: 'list', resourceType: 'endpoint_group' }, signal)) groups.set(g.id, g);
    for await (const c of this.ctx.calls.list<NeutronSiteConnectionView>('/vpn/ipsec-site-connections', 'ipsec_site_connections', await projectFilter(this.ctx, signal), { operation: 'list', resourceType: 'ipsec_site_connection' }, signal)) {
      const mark = parseMark(c.description);
      if (mark?.kind !== 'vpn-connection' || !hasLabels(labelsOfField(mark.fields.l), filter.labels)) continue;
      const service = c.vpnservice_id === undefined ? undefined : services.get(c.vpnservice_id);
      if (filter.networkId !== undefined && parseMark(service?.description)?.fields.n !== filter.networkId) continue;
      yield toVpnConnection(this.ctx, c, { service, peerGroup: c.peer_ep_group_id ? groups.get(c.peer_ep_group_id) : undefined });
    }
  }

  /** The VPN connection a create with this key made, `undefined` when there is none. */
  async find(k: string, signal?: AbortSignal): Promise<VpnConnection | undefined> {
    if (!(await this.vpn.available(signal))) return undefined;
    const found = await this.findMarked(k, signal);
    return found && this.map(found, signal);
  }

  /**
   * Deletes a connection, then its parts. A part that cannot be removed once the connection is
   * gone is reported as an `operation.failed` event naming it (delete it by hand), not thrown:
   * the connection is gone either way.
   */
  async delete(id: string, signal?: AbortSignal): Promise<void> {
    if (!(await this.vpn.available(signal))) return;
    const found = await this.view(id, 'delete', signal);
    if (!found) return;
    const removed = await this.ctx.calls.remove(`/vpn/ipsec-site-connections/${encodeURIComponent(id)}`, { operation: 'delete', resourceType: 'ipsec_site_connection', resourceId: id }, signal);
    const mark = parseMark(found.description);
    if (mark?.kind === 'vpn-connection' && mark.fields.k !== undefined) {
      const service = found.vpnservice_id === undefined ? undefined : await this.vpn.serviceView(found.vpnservice_id, 'delete', signal);
      await this.removeParts(mark.fields.k, service === undefined ? undefined : await this.vpn.networkOfService(service, signal));
    }
    if (removed) changed(this.ctx, 'deleted', 'vpn-connection', id, 'deleting');
  }

  private view(id: string, operation: string, signal?: AbortSignal): Promise<NeutronSiteConnectionView | undefined> {
    return this.ctx.calls.get<NeutronSiteConnectionView>(`/vpn/ipsec-site-connections/${encodeURIComponent(id)}`, 'ipsec_site_connection', { operation, resourceType: 'ipsec_site_connection', resourceId: id }, signal);
  }

  private async map(c: NeutronSiteConnectionView, signal?: AbortSignal): Promise<VpnConnection> {
    const service = c.vpnservice_id === undefined ? undefined : await this.vpn.serviceView(c.vpnservice_id, 'get', signal);
    const peerGroup = c.peer_ep_group_id ? await this.vpn.endpointGroupView(c.peer_ep_group_id, 'get', signal) : undefined;
    return toVpnConnection(this.ctx, c, { service, peerGroup });
  }

  private async findMarked(k: string, signal?: AbortSignal): Promise<NeutronSiteConnectionView | undefined> {
    for await (const c of this.ctx.calls.list<NeutronSiteConnectionView>('/vpn/ipsec-site-connections', 'ipsec_site_connections', await projectFilter(this.ctx, signal), { operation: 'findByIdempotencyKey', resourceType: 'ipsec_site_connection' }, signal)) {
      const mark = parseMark(c.description);
      if (mark?.kind === 'vpn-connection' && mark.fields.k === k) return c;
    }
    return undefined;
  }

  /** The part of role `role` of the connection with key digest `k`, if it exists. */
  private async part<T extends { readonly id: string; readonly description?: string }>(role: PartRole, k: string, networkId: string | undefined, signal?: AbortSignal): Promise<T | undefined> {
    const where = PART_PATHS[role];
    const query = role === 'subnet' && networkId !== undefined ? { network_id: networkId } : await projectFilter(this.ctx, signal);
    for await (const item of this.ctx.calls.list<T>(where.path, where.collection, query, { operation: 'createVpnConnection', resourceType: where.key }, signal)) {
      const mark = parseMark(item.description);
      if (mark?.kind === 'vpn-part' && mark.fields.of === k && mark.fields.r === role) return item;
    }
    return undefined;
  }

  /** A part: the one there, else a new one. */
  private async ensurePart(role: PartRole, k: string, networkId: string, body: Readonly<Record<string, unknown>>, signal?: AbortSignal): Promise<string> {
    const existing = await this.part<NeutronPolicyView>(role, k, networkId, signal);
    if (existing) return existing.id;
    const where = PART_PATHS[role];
    try {
      return (await this.ctx.calls.create<NeutronPolicyView>(where.path, where.key, { ...body, description: formatMark('vpn-part', { of: k, r: role }) }, { operation: 'createVpnConnection', resourceType: where.key }, signal)).id;
    } catch (error) {
      // A lost answer: the part has its mark.
      const found = mayHaveActed(error) ? await this.part<NeutronPolicyView>(role, k, networkId, signal) : undefined;
      if (found === undefined) throw error;
      return found.id;
    }
  }

  /** The policies and local endpoint group of a connection (made as needed, found by their marks on a retry). */
  private async ensureParts(k: string, name: string, networkId: string, signal?: AbortSignal): Promise<{ readonly ike: string; readonly ipsec: string; readonly local: string }> {
    const ike = await this.ensurePart('ike', k, networkId, { name: `${name}-ike`, ...IKE_POLICY }, signal);
    const ipsec = await this.ensurePart('ipsec', k, networkId, { name: `${name}-ipsec`, ...IPSEC_POLICY }, signal);
    const existing = await this.part<NeutronEndpointGroupView>('local', k, networkId, signal);
    if (existing) return { ike, ipsec, local: existing.id };
    const subnets = await this.localSubnets(k, name, networkId, signal);
    const local = await this.ensurePart('local', k, networkId, { name: `${name}-local`, type: 'subnet', endpoints: subnets }, signal);
    return { ike, ipsec, local };
  }

  /** The network's subnets on its router; a subnet of its own for the connection when there is none (see the file comment). */
  private async localSubnets(k: string, name: string, networkId: string, signal?: AbortSignal): Promise<string[]> {
    const network = await this.topology.getNetwork(networkId, 'createVpnConnection', signal, 'vpnGatewayId');
    const router = await this.routers.ensure({ id: network.id, name: network.name }, 'createVpnConnection', signal);
    const attached = await this.routers.interfaceSubnets(router, 'createVpnConnection', signal);
    const subnets = (await this.topology.subnetsOf(network.id, 'createVpnConnection', signal)).filter((s) => attached.has(s.id) && s.ip_version !== 6);
    if (subnets.length > 0) return subnets.map((s) => s.id);
    const { parseCidr, formatCidr } = await cidrs();
    const first = network.cidrs.map((c) => parseCidr(c)).find((r) => r.version === 4);
    if (!first) throw new ConflictError({ provider: this.ctx.provider, message: `createVpnConnection: network ${network.id} has no IPv4 subnet and no IPv4 range to make one in` });
    const prefix = Math.max(first.prefix, 28);
    const range = formatCidr(4, first.last - (1n << BigInt(32 - prefix)) + 1n, prefix);
    const subnet = await this.ensurePart('subnet', k, network.id, { network_id: network.id, ip_version: 4, cidr: range, name: `${name}-local` }, signal);
    await this.routers.ensureInterface(router, subnet, 'createVpnConnection', signal);
    return [subnet];
  }

  /** Removes a connection's parts, each on its own; failures are `operation.failed` events. */
  private async removeParts(k: string, networkId: string | undefined): Promise<void> {
    for (const role of ['ike', 'ipsec', 'local'] as const) {
      await this.step(`${role} part of connection ${k}`, async () => {
        const part = await this.part<NeutronPolicyView>(role, k, networkId);
        if (part) await this.ctx.calls.remove(`${PART_PATHS[role].path}/${part.id}`, { operation: 'delete', resourceType: PART_PATHS[role].key, resourceId: part.id });
      });
    }
    if (networkId === undefined) return;
    await this.step(`local subnet of connection ${k}`, async () => {
      const subnet = await this.part<NeutronSubnetView>('subnet', k, networkId);
      if (!subnet) return;
      const router = await this.routers.find(networkId, 'delete');
      if (router) await this.routers.removeInterface(router, subnet.id, 'delete');
      await this.ctx.calls.remove(`/subnets/${subnet.id}`, { operation: 'delete', resourceType: 'subnet', resourceId: subnet.id });
    });
  }

  private async step(what: string, fn: () => Promise<void>): Promise<void> {
    try {
      await fn();
    } catch (error) {
      this.ctx.events.publish('operation.failed', {
        provider: this.ctx.provider,
        operation: 'network.delete.cleanup',
        errorCode: NovacronError.isInstance(error) ? error.code : 'Unknown',
        message: `could not remove the ${what}; delete it by hand: ${error instanceof Error ? error.message : String(error)}`,
      });
    }
  }
}
