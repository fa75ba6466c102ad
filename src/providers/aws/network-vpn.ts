/**
 * Site-to-site VPN on AWS: the companion's VPN gateway is a virtual private gateway attached to
 * its network, a peer gateway is a customer gateway (one IP each), a VPN connection is an
 * EC2 VPN connection with its two tunnels, whose outside IPs AWS assigns.
 *
 * Some of what a setup needs can only happen once EC2 is ready for it: a gateway attaches when
 * it is `available`, a detached gateway can be deleted, and a static route joins a connection
 * that is `available` (EC2 API Reference and "Error codes", read 2026-12). Creates do not wait
 * for that (the specification's creates never do): each read of the resource (`get`, which
 * callers poll until it is `available` or gone) makes the next call that is due, so polling
 * drives a setup and a teardown to their end, and a crash loses nothing (what is due is read
 * from EC2 and the companion's tags, never held in memory).
 *
 * Pre-shared keys are read through the caller's `SecretReader` for the create only, checked,
 * sent to EC2, and never kept, logged or quoted; the connection records which secret each
 * tunnel's key came from (a tag naming the secret), never the key.
 */
import type { CreateVpnConnectionCommandOutput, CreateVpnGatewayCommandOutput, CustomerGateway, VpnConnection as Ec2VpnConnection, VpnGateway as Ec2VpnGateway } from '@aws-sdk/client-ec2';
import { createHash } from 'node:crypto';
import { ConflictError, NotFoundError } from '../../provider/errors.js';
import type { VpnConnectionCreateOptions } from '../../provider/network-provider-v1.js';
import type { PeerGateway, PeerGatewayInput, VpnConnection, VpnConnectionInput, VpnGateway, VpnGatewayInput } from '../../provider/network-types.js';
import { loadCidr, type AwsNetworkContext, type CidrModule, type CreateStamp } from './network-context.js';
import { checkAmazonAsn, checkName, checkPeerAsn, checkPresharedKey, checkRegion, insideCidrOf, invalid, LINK_LOCAL, RESERVED_INSIDE_CIDRS } from './network-input-checks.js';
import { gatewayProgress, peerGatewayOf, vpnConnectionOf, vpnGatewayOf, wantedStaticRoutes } from './network-mapping.js';
import type { NetworkReader } from './network-reader.js';
import { checkLabels, createTags, keyDigest, NETWORK_TAG, tagMap } from './network-tags.js';
import type { AwsVpcs } from './network-vpcs.js';

/** Most characters of a tag value. */
const TAG_VALUE_MAX = 256;

/** VPN gateways, peer gateways and VPN connections. */
export class AwsVpn {
  /** Works through the companion's context, reader and VPC operations. */
  constructor(
    private readonly ctx: AwsNetworkContext,
    private readonly reader: NetworkReader,
    private readonly vpcs: AwsVpcs,
  ) {}

  /** A virtual private gateway by id. */
  locateGateway(id: string, signal: AbortSignal | undefined): Promise<{ value: Ec2VpnGateway; region: string }> {
    return this.ctx.calls.locate('vpn-gateway', id, (region) => this.reader.vpnGateway(region, id, signal));
  }

  /** A customer gateway by id. */
  locatePeerGateway(id: string, signal: AbortSignal | undefined): Promise<{ value: CustomerGateway; region: string }> {
    return this.ctx.calls.locate('peer-gateway', id, (region) => this.reader.customerGateway(region, id, signal));
  }

  /** A VPN connection by id. */
  locateConnection(id: string, signal: AbortSignal | undefined): Promise<{ value: Ec2VpnConnection; region: string }> {
    return this.ctx.calls.locate('vpn-connection', id, (region) => this.reader.vpnConnection(region, id, signal));
  }

  /** CreateVpnGateway for a network (one per network); attached once available. */
  async createVpnGateway(input: VpnGatewayInput, stamp: CreateStamp, signal: AbortSignal | undefined): Promise<VpnGateway> {
    const { provider } = this.ctx;
    checkName(input.name, provider);
    if (input.asn !== undefined) checkAmazonAsn(input.asn, provider);
    checkLabels(input.labels);
    const { value: vpc, region } = await this.vpcs.locate(input.networkId, signal);
    const vpcId = vpc.VpcId!;
    const serving = [
      ...(await this.reader.vpnGateways(region, [{ Name: 'attachment.vpc-id', Values: [vpcId] }], signal)).filter((g) => (g.VpcAttachments ?? []).some((a) => a.VpcId === vpcId && a.State !== 'detached')),
      ...(await this.reader.vpnGateways(region, [{ Name: `tag:${NETWORK_TAG.network}`, Values: [vpcId] }], signal)).filter((g) => !tagMap(g.Tags).has(NETWORK_TAG.deleting) && g.State !== 'deleting'),
    ];
    if (serving.length > 0) throw new ConflictError({ provider, message: `network ${vpcId} already has VPN gateway ${serving[0]!.VpnGatewayId}` });
    const tags = createTags({ ...stamp, name: input.name, labels: input.labels, provider, extra: { [NETWORK_TAG.network]: vpcId } });
    const out = await this.ctx.calls.create<CreateVpnGatewayCommandOutput>(region, { operation: 'createVpnGateway', resourceType: 'vpn-gateway' }, signal, (sdk) =>
      new sdk.CreateVpnGatewayCommand({ Type: 'ipsec.1', AmazonSideAsn: input.asn, TagSpecifications: [{ ResourceType: 'vpn-gateway', Tags: tags }] }),
    );
    const vgw = out.VpnGateway!;
    this.ctx.calls.remember(vgw.VpnGatewayId!, region);
    return gatewayProgress(vgw) === 'attach' ? this.readGateway(region, vgw, signal) : vpnGatewayOf(vgw, await this.ctx.mapping(region));
  }

  /** The VPN gateway as it reads now, after the call that is due (attach, detach, delete). */
  async readGateway(region: string, vgw: Ec2VpnGateway, signal: AbortSignal | undefined): Promise<VpnGateway> {
    const id = vgw.VpnGatewayId!;
    const tags = tagMap(vgw.Tags);
    const ctx = { operation: 'get', resourceType: 'vpn-gateway', resourceId: id, mutating: true };
    const mapping = await this.ctx.mapping(region);
    switch (gatewayProgress(vgw)) {
      case 'attach': {
        const vpcId = tags.get(NETWORK_TAG.network)!;
        try {
          await this.ctx.calls.send(region, ctx, signal, (c, s) => c.send(new s.AttachVpnGatewayCommand({ VpnGatewayId: id, VpcId: vpcId }), { abortSignal: signal }));
        } catch (error) {
          if (!ConflictError.isInstance(error) && !NotFoundError.isInstance(error)) throw error;
          // A retry after a lost answer finds the gateway attached (or attaching) already: that is this attach.
          const again = await this.reader.vpnGateway(region, id, signal);
          if (again !== undefined && ['attaching', 'attached'].includes(gatewayProgress(again))) return vpnGatewayOf(again, mapping);
          // The VPC took another gateway, or went away: this gateway cannot serve it.
          return { ...vpnGatewayOf(vgw, mapping), state: 'failed', stateReason: `cannot attach to ${vpcId}: ${(error as Error).message}` };
        }
        return vpnGatewayOf({ ...vgw, VpcAttachments: [{ VpcId: vpcId, State: 'attaching' }] }, mapping);
      }
      case 'detach': {
        for (const a of (vgw.VpcAttachments ?? []).filter((x) => x.State === 'attached' || x.State === 'attaching')) {
          try {
            await this.ctx.calls.send(region, ctx, signal, (c, s) => c.send(new s.DetachVpnGatewayCommand({ VpnGatewayId: id, VpcId: a.VpcId }), { abortSignal: signal }));
          } catch (error) {
            if (!NotFoundError.isInstance(error)) throw error;
          }
        }
        return vpnGatewayOf(vgw, mapping);
      }
      case 'delete': {
        try {
          await this.ctx.calls.send(region, ctx, signal, (c, s) => c.send(new s.DeleteVpnGatewayCommand({ VpnGatewayId: id }), { abortSignal: signal }));
        } catch (error) {
          if (NotFoundError.isInstance(error)) {
            this.ctx.calls.forget(id);
            throw new NotFoundError({ provider: this.ctx.provider, message: `vpn-gateway ${id} not found`, resourceType: 'vpn-gateway', resourceId: id, cause: error });
          }
          if (!ConflictError.isInstance(error)) throw error;
        }
        return vpnGatewayOf(vgw, mapping);
      }
      default:
        return vpnGatewayOf(vgw, mapping);
    }
  }

  /** Starts deleting a VPN gateway: refused while it has connections; detached, then deleted as it is read. */
  async deleteGateway(id: string, signal: AbortSignal | undefined): Promise<boolean> {
    let found;
    try {
      found = await this.locateGateway(id, signal);
    } catch (error) {
      if (NotFoundError.isInstance(error)) return false;
      throw error;
    }
    const { value: vgw, region } = found;
    if (tagMap(vgw.Tags).has(NETWORK_TAG.deleting) || vgw.State === 'deleting') return true;
    const connections = await this.reader.vpnConnections(region, [{ Name: 'vpn-gateway-id', Values: [id] }], signal);
    if (connections.length > 0) throw new ConflictError({ provider: this.ctx.provider, message: `vpn-gateway ${id} is still used by ${connections.map((c) => `vpn-connection ${c.VpnConnectionId}`).join(', ')}` });
    const ctx = { operation: 'delete', resourceType: 'vpn-gateway', resourceId: id, mutating: true };
    await this.ctx.calls.send(region, ctx, signal, (c, s) => c.send(new s.CreateTagsCommand({ Resources: [id], Tags: [{ Key: NETWORK_TAG.deleting, Value: 'true' }] }), { abortSignal: signal }));
    await this.readGateway(region, { ...vgw, Tags: [...(vgw.Tags ?? []), { Key: NETWORK_TAG.deleting, Value: 'true' }] }, signal).catch((error: unknown) => {
      if (!NotFoundError.isInstance(error)) throw error;
    });
    return true;
  }

  /** CreateCustomerGateway: one IP, one ASN; the device name is the peer gateway's name, so that two peer gateways of one IP stay two. */
  async createPeerGateway(input: PeerGatewayInput, stamp: CreateStamp, signal: AbortSignal | undefined): Promise<PeerGateway> {
    const { provider } = this.ctx;
    checkName(input.name, provider);
    const cidr = await loadCidr();
    if (!Array.isArray(input.ips) || input.ips.length === 0) throw invalid('ips', 'must list the far side’s public IP', provider);
    if (input.ips.length > 1) throw invalid('ips', 'an AWS customer gateway has one IP: create one peer gateway per far-side interface', provider);
    const ip = input.ips[0]!;
    if (typeof ip !== 'string' || !cidr.isIpAddress(ip) || ip.includes(':')) throw invalid('ips[0]', `"${String(ip)}" is not an IPv4 address`, provider);
    const asn = input.asn ?? 65000;
    checkPeerAsn(asn, 'asn', provider);
    const ranges = (input.cidrs ?? []).map((c, i) => cidr.parseCidr(c, { field: `cidrs[${i}]` }).text);
    if (ranges.join(',').length > TAG_VALUE_MAX) throw invalid('cidrs', 'too many ranges for an AWS peer gateway (kept in one tag of 256 characters)', provider);
    checkLabels(input.labels);
    const region = input.region ?? this.ctx.defaultRegion;
    checkRegion(region, this.ctx.regions, provider);
    const tags = createTags({ ...stamp, name: input.name, labels: input.labels, provider, extra: ranges.length > 0 ? { [NETWORK_TAG.peerCidrs]: ranges.join(',') } : {} });
    // An identical request returns the existing gateway (EC2 API Reference), so the SDK's retries are safe here.
    const out = await this.ctx.calls.send(region, { operation: 'createPeerGateway', resourceType: 'peer-gateway', mutating: true }, signal, (c, s) =>
      c.send(
        new s.CreateCustomerGatewayCommand({
          Type: 'ipsec.1',
          IpAddress: ip,
          ...(asn <= 2_147_483_647 ? { BgpAsn: asn } : { BgpAsnExtended: asn }),
          DeviceName: input.name,
          TagSpecifications: [{ ResourceType: 'customer-gateway', Tags: tags }],
        }),
        { abortSignal: signal },
      ),
    );
    const cgw = out.CustomerGateway!;
    const theirKey = tagMap(cgw.Tags).get(NETWORK_TAG.key);
    if (theirKey !== undefined && theirKey !== (stamp.idempotencyKey === undefined ? undefined : keyDigest(stamp.idempotencyKey))) {
      throw new ConflictError({ provider, message: `customer gateway ${cgw.CustomerGatewayId} already describes ${ip} (ASN ${asn}) under the name ${input.name}, for another create` });
    }
    this.ctx.calls.remember(cgw.CustomerGatewayId!, region);
    return peerGatewayOf(cgw, await this.ctx.mapping(region));
  }

  /** Deletes a customer gateway (refused while a connection uses it). */
  async deletePeerGateway(id: string, signal: AbortSignal | undefined): Promise<boolean> {
    let region: string;
    try {
      ({ region } = await this.locatePeerGateway(id, signal));
    } catch (error) {
      if (NotFoundError.isInstance(error)) return false;
      throw error;
    }
    try {
      await this.ctx.calls.send(region, { operation: 'delete', resourceType: 'peer-gateway', resourceId: id, mutating: true }, signal, (c, s) => c.send(new s.DeleteCustomerGatewayCommand({ CustomerGatewayId: id }), { abortSignal: signal }));
    } catch (error) {
      if (!NotFoundError.isInstance(error)) throw error;
    }
    this.ctx.calls.forget(id);
    return true;
  }

  /**
   * CreateVpnConnection between an available VPN gateway and a peer gateway of its region. Each
   * tunnel asked for gets an inside CIDR (the one given, else one derived from the connection),
   * so that its key's secret can be recorded against it; AWS's second tunnel, when only one is
   * asked for, keeps the key AWS makes up and is not part of the connection's view.
   */
  async createVpnConnection(input: VpnConnectionInput, options: VpnConnectionCreateOptions, stamp: CreateStamp): Promise<VpnConnection> {
    const { provider } = this.ctx;
    const { signal } = options;
    checkName(input.name, provider);
    checkLabels(input.labels);
    if (!Array.isArray(input.tunnels) || input.tunnels.length === 0) throw invalid('tunnels', 'must list at least one tunnel', provider);
    if (input.tunnels.length > 2) throw invalid('tunnels', 'an AWS VPN connection has two tunnels', provider);
    const routing = input.routing ?? 'bgp';
    if (routing !== 'bgp' && routing !== 'static') throw invalid('routing', 'must be "bgp" or "static"', provider);
    const cidr = await loadCidr();
    const { value: vgw, region } = await this.locateGateway(input.vpnGatewayId, signal);
    if (gatewayProgress(vgw) !== 'attached') throw new ConflictError({ provider, message: `vpnGatewayId: vpn-gateway ${input.vpnGatewayId} is ${vpnGatewayOf(vgw, await this.ctx.mapping(region)).state}, not available yet` });
    const { value: cgw, region: peerRegion } = await this.locatePeerGateway(input.peerGatewayId, signal);
    if (peerRegion !== region) throw invalid('peerGatewayId', `peer gateway ${input.peerGatewayId} is in ${peerRegion}, the VPN gateway in ${region}: create the peer gateway in ${region}`, provider);
    const peerIp = cgw.IpAddress!;
    const peerAsn = Number(cgw.BgpAsn ?? cgw.BgpAsnExtended);
    const existing = await this.reader.vpnConnections(region, [{ Name: 'vpn-gateway-id', Values: [vgw.VpnGatewayId!] }], signal);
    const same = existing.find((c) => c.CustomerGatewayId === cgw.CustomerGatewayId);
    if (same) throw new ConflictError({ provider, message: `VPN gateway ${vgw.VpnGatewayId} already has connection ${same.VpnConnectionId} to peer gateway ${cgw.CustomerGatewayId}` });
    const taken = new Set(existing.flatMap((c) => (c.Options?.TunnelOptions ?? []).map((t) => t.TunnelInsideCidr).filter((x): x is string => x !== undefined)));
    const plans = input.tunnels.map((t, i) => {
      const field = `tunnels[${i}]`;
      if (t.peerIp !== peerIp) throw invalid(`${field}.peerIp`, `AWS tunnels end at the peer gateway's address ${peerIp}, not ${String(t.peerIp)}`, provider);
      if (t.preSharedKey === undefined || typeof t.preSharedKey.secret !== 'string' || t.preSharedKey.secret.length === 0) throw invalid(`${field}.preSharedKey`, 'must be a secret reference { secret: name }', provider);
      if (t.preSharedKey.secret.length > TAG_VALUE_MAX) throw invalid(`${field}.preSharedKey`, 'secret names are at most 256 characters here (the name is kept in a tag)', provider);
      if (t.peerAsn !== undefined && t.peerAsn !== peerAsn) throw invalid(`${field}.peerAsn`, `an AWS tunnel's BGP peer is the peer gateway's ASN ${peerAsn}`, provider);
      const inside = t.insideCidr !== undefined ? insideCidrOf(t.insideCidr, `${field}.insideCidr`, cidr, provider).text : derivedInsideCidr(cidr, `${vgw.VpnGatewayId}/${input.name}/${i}`, taken);
      taken.add(inside);
      const first = cidr.addressAt(cidr.parseCidr(inside), 1n);
      if (t.localInsideIp !== undefined && t.localInsideIp !== first) throw invalid(`${field}.localInsideIp`, `AWS takes the first address of the inside range for its side (${first})`, provider);
      return { inside, ref: { secret: t.preSharedKey.secret } };
    });
    if (new Set(plans.map((p) => p.inside)).size !== plans.length) throw invalid('tunnels', 'each tunnel needs its own inside CIDR', provider);
    const staticRoutes = routing === 'static' ? (input.staticRoutes ?? listOfTag(cgw)).map((c, i) => cidr.parseCidr(c, { field: `staticRoutes[${i}]` }).text) : [];
    if (routing === 'static' && staticRoutes.length === 0) throw invalid('staticRoutes', 'static routing needs the far side’s ranges (here or on the peer gateway)', provider);
    if (staticRoutes.join(',').length > TAG_VALUE_MAX) throw invalid('staticRoutes', 'too many static routes (kept in one tag of 256 characters until the connection takes them)', provider);
    const extra: Record<string, string> = {
      [NETWORK_TAG.localAsn]: String(vgw.AmazonSideAsn ?? 64512),
      [NETWORK_TAG.peerAsn]: String(peerAsn),
      [NETWORK_TAG.peerIp]: peerIp,
      ...Object.fromEntries(plans.map((p) => [NETWORK_TAG.pskRef + p.inside, p.ref.secret])),
      ...(routing === 'static' ? { [NETWORK_TAG.staticRoutes]: staticRoutes.join(',') } : {}),
    };
    const tags = createTags({ ...stamp, name: input.name, labels: input.labels, provider, extra });
    // The keys are read for this call only: checked, sent, never kept.
    const tunnelOptions: { TunnelInsideCidr: string; PreSharedKey: string }[] = [];
    for (const [i, p] of plans.entries()) {
      const key = await options.secrets.read(p.ref, { signal });
      checkPresharedKey(key, `tunnels[${i}].preSharedKey`, provider);
      tunnelOptions.push({ TunnelInsideCidr: p.inside, PreSharedKey: key });
    }
    const out = await this.ctx.calls.create<CreateVpnConnectionCommandOutput>(region, { operation: 'createVpnConnection', resourceType: 'vpn-connection' }, signal, (sdk) =>
      new sdk.CreateVpnConnectionCommand({
        Type: 'ipsec.1',
        VpnGatewayId: vgw.VpnGatewayId,
        CustomerGatewayId: cgw.CustomerGatewayId,
        Options: { StaticRoutesOnly: routing === 'static', TunnelOptions: tunnelOptions },
        TagSpecifications: [{ ResourceType: 'vpn-connection', Tags: tags }],
      }),
    );
    tunnelOptions.length = 0;
    const vpn = out.VpnConnection!;
    this.ctx.calls.remember(vpn.VpnConnectionId!, region);
    return vpnConnectionOf(vpn, await this.ctx.mapping(region));
  }

  /** The VPN connection as it reads now, after adding the static routes that are due. */
  async readConnection(region: string, vpn: Ec2VpnConnection, signal: AbortSignal | undefined): Promise<VpnConnection> {
    if (vpn.State === 'available' && vpn.Options?.StaticRoutesOnly) {
      const have = new Set((vpn.Routes ?? []).filter((r) => r.State !== 'deleting' && r.State !== 'deleted').map((r) => r.DestinationCidrBlock));
      for (const destination of wantedStaticRoutes(vpn).filter((d) => !have.has(d))) {
        try {
          await this.ctx.calls.send(region, { operation: 'get', resourceType: 'vpn-connection', resourceId: vpn.VpnConnectionId, mutating: true }, signal, (c, s) =>
            c.send(new s.CreateVpnConnectionRouteCommand({ VpnConnectionId: vpn.VpnConnectionId, DestinationCidrBlock: destination }), { abortSignal: signal }),
          );
        } catch (error) {
          if (!ConflictError.isInstance(error)) throw error; // RouteAlreadyExists: an earlier read added it
        }
      }
    }
    return vpnConnectionOf(vpn, await this.ctx.mapping(region));
  }

  /** Starts deleting a VPN connection. */
  async deleteConnection(id: string, signal: AbortSignal | undefined): Promise<boolean> {
    let found;
    try {
      found = await this.locateConnection(id, signal);
    } catch (error) {
      if (NotFoundError.isInstance(error)) return false;
      throw error;
    }
    if (found.value.State === 'deleting') return true;
    try {
      await this.ctx.calls.send(found.region, { operation: 'delete', resourceType: 'vpn-connection', resourceId: id, mutating: true }, signal, (c, s) => c.send(new s.DeleteVpnConnectionCommand({ VpnConnectionId: id }), { abortSignal: signal }));
    } catch (error) {
      if (!NotFoundError.isInstance(error)) throw error;
    }
    return true;
  }
}

/** The ranges behind a customer gateway, from the companion's tag. */
function listOfTag(cgw: CustomerGateway): string[] {
  const value = tagMap(cgw.Tags).get(NETWORK_TAG.peerCidrs);
  return value === undefined || value === '' ? [] : value.split(',');
}

/**
 * An inside /30 for a tunnel that was given none: derived from the connection (so a repeat
 * derives the same), skipping AWS's reserved blocks and those the gateway's tunnels use.
 */
function derivedInsideCidr(cidr: CidrModule, seed: string, taken: ReadonlySet<string>): string {
  const pool = cidr.parseCidr(LINK_LOCAL);
  const start = createHash('sha256').update(seed).digest().readUInt16BE(0) % 16_384;
  for (let n = 0; n < 16_384; n++) {
    const block = `${cidr.addressAt(pool, BigInt(((start + n) % 16_384) * 4))}/30`;
    if (!taken.has(block) && !RESERVED_INSIDE_CIDRS.includes(block)) return block;
  }
  throw new ConflictError({ message: 'no free tunnel inside /30 is left in 169.254.0.0/16' });
}
