/**
 * Site-to-Site VPN connection actions: CreateVpnConnection, DeleteVpnConnection,
 * DescribeVpnConnections, CreateVpnConnectionRoute and DeleteVpnConnectionRoute. Per the EC2 API
 * Reference (CreateVpnConnection, VpnTunnelOptionsSpecification, "Error codes") and the
 * Site-to-Site VPN User Guide ("Tunnel options", read 2026-12):
 * - `Type=ipsec.1`, a customer gateway and a virtual private gateway of the region, both
 *   `available` (`InvalidCustomerGatewayState`, `InvalidVpnGatewayState`); no ClientToken; one
 *   connection per gateway pair (`InvalidOption.Conflict`) and one per customer address on a
 *   gateway (`InvalidCustomerGateway.DuplicateIpAddress`);
 * - always two tunnels, each with an outside address AWS assigns; `Options.TunnelOptions` set
 *   at most two of them, and AWS makes up what is not given;
 * - a pre-shared key is 8–64 letters, digits, periods and underscores, not starting with zero;
 *   a tunnel inside CIDR is a /30 of 169.254.0.0/16, none of 169.254.0.0/30 to 169.254.5.0/30 nor
 *   169.254.169.252/30, and unique among the connections of the gateway (`InvalidParameterValue`,
 *   whose message never quotes the key);
 * - `pending` for minutes, then `available`; static routes (`StaticRoutesOnly`) are added to an
 *   available connection only (`InvalidVpnConnection.InvalidState`, and
 *   `InvalidVpnConnection.InvalidType` on a BGP one), `pending` then `available`;
 * - describe calls return the pre-shared keys (in `options/tunnelOptionSet` and in the customer
 *   gateway configuration document), as AWS does, and the tunnels' telemetry (`DOWN`: nothing
 *   speaks IKE to the emulator).
 */
import { randomBytes, randomInt } from 'node:crypto';
import { addressAt, cidrContains, parseCidr, type Cidr } from '../../../provider/cidr.js';
import type { ActionContext, ActionHandler, Params } from './action-support.js';
import { Ec2ApiError } from './ec2-api-error.js';
import { tagSetXml } from './instance-xml.js';
import { ec2Cidr } from './network-actions.js';
import { findAll, findOne, required } from './network-lookup.js';
import { filterItems, tagsFromSpecifications } from './network-tagging.js';
import { boolOf, listOf, structOf, textListOf, textOf } from './query-request.js';
import { networkIdShape, networkOf, newNetworkId, type Ec2Network, type VpnConnectionRecord, type VpnTunnelRecord } from './vpc-network-state.js';
import { customerGatewayOf } from './vpn-customer-gateway-actions.js';
import { vpnGatewayOf } from './vpn-gateway-actions.js';
import type { XmlValue } from './xml-writer.js';

const WORDS = { shape: networkIdShape('vpn'), malformed: 'InvalidVpnConnectionId.Malformed', notFound: 'InvalidVpnConnectionID.NotFound', noun: 'vpnConnection ID' } as const;
/** Inside CIDRs AWS reserves (VpnTunnelOptionsSpecification, read 2026-12). */
export const RESERVED_INSIDE_CIDRS: readonly string[] = ['169.254.0.0/30', '169.254.1.0/30', '169.254.2.0/30', '169.254.3.0/30', '169.254.4.0/30', '169.254.5.0/30', '169.254.169.252/30'];
const LINK_LOCAL = '169.254.0.0/16';
const PSK_ALPHABET = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789._';

/** True for a pre-shared key AWS takes. */
export function isValidPresharedKey(key: string): boolean {
  return /^[A-Za-z0-9._]{8,64}$/.test(key) && !key.startsWith('0');
}

/** A key as AWS makes one up: 32 characters of its alphabet, starting with a letter. */
function generatedKey(): string {
  const bytes = randomBytes(32);
  let key = PSK_ALPHABET[randomInt(52)]!;
  for (let i = 1; i < 32; i++) key += PSK_ALPHABET[bytes[i]! % PSK_ALPHABET.length]!;
  return key;
}

/** A free inside /30, as AWS picks one. */
function generatedInsideCidr(taken: ReadonlySet<string>): string {
  const pool = parseCidr(LINK_LOCAL);
  for (;;) {
    // One of the 16,384 /30 blocks of 169.254.0.0/16.
    const cidr = `${addressAt(pool, BigInt(randomInt(16_384)) * 4n)}/30`;
    if (!taken.has(cidr) && !RESERVED_INSIDE_CIDRS.includes(cidr)) return cidr;
  }
}

/** The inside CIDR of tunnel `n` (1-based), checked as AWS checks it. */
function insideCidrOf(text: string, n: number): Cidr {
  let cidr: Cidr;
  try {
    cidr = parseCidr(text, { field: 'TunnelInsideCidr' });
  } catch {
    throw new Ec2ApiError('InvalidParameterValue', `The tunnel inside CIDR ${text} of tunnel ${n} is not a valid CIDR block`);
  }
  if (cidr.version !== 4 || cidr.prefix !== 30 || !cidrContains(parseCidr(LINK_LOCAL), cidr)) {
    throw new Ec2ApiError('InvalidParameterValue', `The tunnel inside CIDR ${text} of tunnel ${n} must be a /30 CIDR block from the 169.254.0.0/16 range`);
  }
  if (RESERVED_INSIDE_CIDRS.includes(cidr.text)) throw new Ec2ApiError('InvalidParameterValue', `The tunnel inside CIDR ${cidr.text} of tunnel ${n} is reserved and cannot be used`);
  return cidr;
}

/** The two tunnels of a new connection: the options asked for, and what AWS makes up for the rest. */
function tunnelsOf(network: Ec2Network, params: Params, vpnGatewayId: string): VpnTunnelRecord[] {
  const asked = listOf(structOf(params.Options).TunnelOptions).map((o) => structOf(o));
  if (asked.length > 2) throw new Ec2ApiError('InvalidParameterValue', 'A VPN connection has two tunnels: at most two TunnelOptions may be given');
  const used = new Set(network.liveConnectionsOf({ vpnGatewayId }).flatMap((c) => c.tunnels.map((t) => t.insideCidr)));
  const tunnels: VpnTunnelRecord[] = [];
  for (let i = 0; i < 2; i++) {
    const options = asked[i] ?? {};
    const key = textOf(options.PreSharedKey);
    // The key is checked, never quoted: an error message must not carry it.
    if (key !== undefined && !isValidPresharedKey(key)) {
      throw new Ec2ApiError('InvalidParameterValue', `The pre-shared key of tunnel ${i + 1} is invalid: it must be 8 to 64 characters of letters, digits, periods (.) and underscores (_), and cannot start with zero (0)`);
    }
    const insideText = textOf(options.TunnelInsideCidr);
    let insideCidr: string;
    if (insideText !== undefined) {
      insideCidr = insideCidrOf(insideText, i + 1).text;
      if (used.has(insideCidr)) throw new Ec2ApiError('InvalidParameterValue', `The tunnel inside CIDR ${insideCidr} is already in use by another VPN tunnel of ${vpnGatewayId}`);
    } else {
      insideCidr = generatedInsideCidr(used);
    }
    used.add(insideCidr);
    tunnels.push({ outsideIp: network.publicIp(), insideCidr, preSharedKey: key ?? generatedKey() });
  }
  return tunnels;
}

/** The customer gateway configuration document: what AWS hands the far side's administrator (keys included). */
function configurationDocument(c: VpnConnectionRecord, customerIp: string): string {
  const tunnels = c.tunnels
    .map(
      (t) =>
        `<ipsec_tunnel><customer_gateway><tunnel_outside_address><ip_address>${customerIp}</ip_address></tunnel_outside_address></customer_gateway>` +
        `<vpn_gateway><tunnel_outside_address><ip_address>${t.outsideIp}</ip_address></tunnel_outside_address><tunnel_inside_address><ip_address>${hostOf(t.insideCidr, 1)}</ip_address><network_cidr>30</network_cidr></tunnel_inside_address></vpn_gateway>` +
        `<ike><authentication_protocol>sha1</authentication_protocol><pre_shared_key>${t.preSharedKey}</pre_shared_key></ike></ipsec_tunnel>`,
    )
    .join('');
  return `<?xml version="1.0" encoding="UTF-8"?><vpn_connection id="${c.vpnConnectionId}"><vpn_connection_type>ipsec.1</vpn_connection_type>${tunnels}</vpn_connection>`;
}

function hostOf(cidr: string, n: number): string {
  return addressAt(parseCidr(cidr), BigInt(n));
}

function vpnXml(network: Ec2Network, c: VpnConnectionRecord): XmlValue {
  const customerIp = network.customerGateways.get(c.customerGatewayId)?.ipAddress ?? '';
  const changed = new Date(c.availableAt ?? network.now());
  return {
    vpnConnectionId: c.vpnConnectionId,
    state: c.state,
    type: 'ipsec.1',
    category: 'VPN',
    customerGatewayId: c.customerGatewayId,
    vpnGatewayId: c.vpnGatewayId,
    customerGatewayConfiguration: c.state === 'deleted' ? undefined : configurationDocument(c, customerIp),
    options: {
      staticRoutesOnly: c.staticRoutesOnly,
      localIpv4NetworkCidr: '0.0.0.0/0',
      remoteIpv4NetworkCidr: '0.0.0.0/0',
      outsideIpAddressType: 'PublicIpv4',
      tunnelInsideIpVersion: 'ipv4',
      tunnelOptionSet: c.tunnels.map((t) => ({ outsideIpAddress: t.outsideIp, tunnelInsideCidr: t.insideCidr, preSharedKey: t.preSharedKey })),
    },
    routes: c.routes.map((r) => ({ destinationCidrBlock: r.destination, source: 'Static', state: r.state })),
    vgwTelemetry: c.tunnels.map((t) => ({ outsideIpAddress: t.outsideIp, status: 'DOWN', statusMessage: '', lastStatusChange: changed, acceptedRouteCount: 0 })),
    tagSet: tagSetXml(network.tagsOf(c.vpnConnectionId)),
  };
}

function connectionOf(ctx: ActionContext, network: Ec2Network, id: string): VpnConnectionRecord {
  return findOne(id, network.vpnConnections, (c) => c.region === ctx.region, WORDS);
}

/** The `CreateVpnConnection` action. */
export const createVpnConnection: ActionHandler = (ctx, params) => {
  const network = networkOf(ctx.state);
  const type = required(params, 'Type');
  if (type !== 'ipsec.1') throw new Ec2ApiError('InvalidParameterValue', `Value (${type}) for parameter type is invalid. Valid value is: ipsec.1`);
  const customer = customerGatewayOf(ctx, network, required(params, 'CustomerGatewayId'));
  if (textOf(params.TransitGatewayId) !== undefined) throw new Ec2ApiError('InvalidParameterValue', 'The emulator does not have transit gateways');
  const vgwId = textOf(params.VpnGatewayId);
  if (vgwId === undefined) throw new Ec2ApiError('MissingParameter', 'The request must contain the parameter VpnGatewayId or TransitGatewayId');
  const gateway = vpnGatewayOf(ctx, network, vgwId);
  if (customer.state === 'deleted') throw new Ec2ApiError('InvalidCustomerGatewayID.NotFound', `The customerGateway ID '${customer.customerGatewayId}' does not exist`);
  if (customer.state !== 'available') throw new Ec2ApiError('InvalidCustomerGatewayState', `The customer gateway ${customer.customerGatewayId} is not in the available state`);
  if (gateway.state === 'deleted') throw new Ec2ApiError('InvalidVpnGatewayID.NotFound', `The vpnGateway ID '${gateway.vpnGatewayId}' does not exist`);
  if (gateway.state !== 'available') throw new Ec2ApiError('InvalidVpnGatewayState', `The virtual private gateway ${gateway.vpnGatewayId} is not in an available state`);
  const onGateway = network.liveConnectionsOf({ vpnGatewayId: gateway.vpnGatewayId });
  const same = onGateway.find((c) => c.customerGatewayId === customer.customerGatewayId);
  if (same) throw new Ec2ApiError('InvalidOption.Conflict', `A VPN connection between ${gateway.vpnGatewayId} and ${customer.customerGatewayId} already exists (${same.vpnConnectionId})`);
  if (onGateway.some((c) => network.customerGateways.get(c.customerGatewayId)?.ipAddress === customer.ipAddress)) {
    throw new Ec2ApiError('InvalidCustomerGateway.DuplicateIpAddress', `Conflict among chosen gateway IP addresses: ${customer.ipAddress} is already the customer address of a VPN connection of ${gateway.vpnGatewayId}`);
  }
  const tunnels = tunnelsOf(network, params, gateway.vpnGatewayId);
  const tags = tagsFromSpecifications(params, 'vpn-connection');
  const limit = ctx.faults.quotaOf('vpn-connections');
  if (limit !== undefined && [...network.vpnConnections.values()].filter((c) => c.region === ctx.region && c.state !== 'deleted').length >= limit) {
    throw new Ec2ApiError('VpnConnectionLimitExceeded', 'The maximum number of VPN connections has been reached.');
  }
  const connection: VpnConnectionRecord = {
    vpnConnectionId: newNetworkId('vpn'),
    region: ctx.region,
    customerGatewayId: customer.customerGatewayId,
    vpnGatewayId: gateway.vpnGatewayId,
    staticRoutesOnly: boolOf(structOf(params.Options).StaticRoutesOnly) ?? false,
    tunnels,
    routes: [],
    state: 'pending',
    transition: network.schedule('available', network.timings.vpnConnectionAvailableMs),
    availableAt: undefined,
    purgeAt: undefined,
  };
  network.vpnConnections.set(connection.vpnConnectionId, connection);
  network.register(connection.vpnConnectionId, tags);
  return { vpnConnection: vpnXml(network, connection) };
};

/** The `DeleteVpnConnection` action. */
export const deleteVpnConnection: ActionHandler = (ctx, params) => {
  const network = networkOf(ctx.state);
  const connection = connectionOf(ctx, network, required(params, 'VpnConnectionId'));
  if (connection.state === 'deleted') throw new Ec2ApiError('InvalidVpnConnectionID.NotFound', `The vpnConnection ID '${connection.vpnConnectionId}' does not exist`);
  if (connection.state !== 'deleting') {
    connection.state = 'deleting';
    connection.transition = network.schedule('deleted', network.timings.vpnConnectionDeleteMs);
  }
  return { return: true };
};

/** The `DescribeVpnConnections` action (not paginated, as on EC2). */
export const describeVpnConnections: ActionHandler = (ctx, params) => {
  const network = networkOf(ctx.state);
  const ids = textListOf(params.VpnConnectionId);
  const inRegion = (c: VpnConnectionRecord): boolean => c.region === ctx.region;
  const candidates = ids.length > 0 ? findAll(ids, network.vpnConnections, inRegion, WORDS) : [...network.vpnConnections.values()].filter((c) => inRegion(c) && network.listed(c.vpnConnectionId));
  const matching = filterItems(
    params,
    candidates,
    {
      'vpn-connection-id': (c) => c.vpnConnectionId,
      'customer-gateway-id': (c) => c.customerGatewayId,
      'vpn-gateway-id': (c) => c.vpnGatewayId,
      state: (c) => c.state,
      type: () => 'ipsec.1',
      category: () => 'VPN',
      'option.static-routes-only': (c) => String(c.staticRoutesOnly),
      'route.destination-cidr-block': (c) => c.routes.map((r) => r.destination),
      'bgp-asn': (c) => String(network.customerGateways.get(c.customerGatewayId)?.bgpAsn ?? ''),
    },
    (c) => network.tagsOf(c.vpnConnectionId),
  );
  return { vpnConnectionSet: matching.map((c) => vpnXml(network, c)) };
};

/** The `CreateVpnConnectionRoute` action. */
export const createVpnConnectionRoute: ActionHandler = (ctx, params) => {
  const network = networkOf(ctx.state);
  const connection = connectionOf(ctx, network, required(params, 'VpnConnectionId'));
  const destination = ec2Cidr(required(params, 'DestinationCidrBlock'), 'destinationCidrBlock');
  if (connection.state !== 'available') throw new Ec2ApiError('InvalidVpnConnection.InvalidState', `The VPN connection ${connection.vpnConnectionId} must be in the available state to complete the request (it is ${connection.state})`);
  if (!connection.staticRoutesOnly) throw new Ec2ApiError('InvalidVpnConnection.InvalidType', `The VPN connection ${connection.vpnConnectionId} does not support static routes`);
  if (connection.routes.some((r) => r.destination === destination.text)) throw new Ec2ApiError('RouteAlreadyExists', `The route identified by ${destination.text} already exists.`);
  connection.routes.push({ destination: destination.text, state: 'pending', transition: network.schedule('available', network.timings.vpnRouteMs) });
  return {};
};

/** The `DeleteVpnConnectionRoute` action. */
export const deleteVpnConnectionRoute: ActionHandler = (ctx, params) => {
  const network = networkOf(ctx.state);
  const connection = connectionOf(ctx, network, required(params, 'VpnConnectionId'));
  const destination = ec2Cidr(required(params, 'DestinationCidrBlock'), 'destinationCidrBlock');
  const route = connection.routes.find((r) => r.destination === destination.text && r.state !== 'deleting');
  if (!route) throw new Ec2ApiError('InvalidRoute.NotFound', `no route with destination-cidr-block ${destination.text} in VPN connection ${connection.vpnConnectionId}`);
  route.state = 'deleting';
  route.transition = network.schedule('deleted', network.timings.vpnRouteMs);
  return {};
};
