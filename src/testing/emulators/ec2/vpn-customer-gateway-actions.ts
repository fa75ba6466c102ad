/**
 * Customer gateway actions: CreateCustomerGateway, DeleteCustomerGateway and
 * DescribeCustomerGateways. Per the EC2 API Reference (read 2026-12):
 * - only `Type=ipsec.1`; the device's IPv4 address (`IpAddress`, formerly `PublicIp`) is
 *   required; `BgpAsn` is 1–2147483647 (default 65000), `BgpAsnExtended` 2147483648–4294967294,
 *   never both; no ClientToken;
 * - "an identical request returns information about the existing customer gateway": the same
 *   type, address, ASN and device name give back the gateway that has them, and create nothing
 *   (a unique `DeviceName` makes a second one);
 * - a gateway used by a VPN connection cannot be deleted (`IncorrectState`); a deleted one reads
 *   `deleted` for a while.
 */
import { isIpAddress } from '../../../provider/cidr.js';
import type { ActionContext, ActionHandler } from './action-support.js';
import { Ec2ApiError } from './ec2-api-error.js';
import { tagSetXml } from './instance-xml.js';
import { findAll, findOne, required } from './network-lookup.js';
import { filterItems, tagsFromSpecifications } from './network-tagging.js';
import { intOf, textListOf, textOf } from './query-request.js';
import { networkIdShape, networkOf, newNetworkId, type CustomerGatewayRecord, type Ec2Network } from './vpc-network-state.js';
import type { XmlValue } from './xml-writer.js';

const WORDS = { shape: networkIdShape('cgw'), malformed: 'InvalidCustomerGatewayId.Malformed', notFound: 'InvalidCustomerGatewayID.NotFound', noun: 'customerGateway ID' } as const;
const MAX_BGP_ASN = 2_147_483_647;

function cgwXml(network: Ec2Network, g: CustomerGatewayRecord): XmlValue {
  return {
    customerGatewayId: g.customerGatewayId,
    state: g.state,
    type: 'ipsec.1',
    ipAddress: g.ipAddress,
    bgpAsn: g.bgpAsn <= MAX_BGP_ASN ? String(g.bgpAsn) : undefined,
    bgpAsnExtended: g.bgpAsn > MAX_BGP_ASN ? String(g.bgpAsn) : undefined,
    deviceName: g.deviceName,
    tagSet: tagSetXml(network.tagsOf(g.customerGatewayId)),
  };
}

/** The customer gateway named by `id` in the call's region (deleted ones still describe). */
export function customerGatewayOf(ctx: ActionContext, network: Ec2Network, id: string): CustomerGatewayRecord {
  return findOne(id, network.customerGateways, (g) => g.region === ctx.region, WORDS);
}

function asnOf(params: Parameters<ActionHandler>[1]): number {
  const asn = params.BgpAsn === undefined ? undefined : intOf(params.BgpAsn);
  const extended = params.BgpAsnExtended === undefined ? undefined : intOf(params.BgpAsnExtended);
  if (params.BgpAsn !== undefined && params.BgpAsnExtended !== undefined) throw new Ec2ApiError('InvalidParameterCombination', 'The parameters BgpAsn and BgpAsnExtended cannot be used together');
  if (params.BgpAsn !== undefined && (asn === undefined || asn < 1 || asn > MAX_BGP_ASN)) throw new Ec2ApiError('InvalidParameterValue', `Value (${textOf(params.BgpAsn)}) for parameter bgpAsn is invalid. It must be between 1 and ${MAX_BGP_ASN}`);
  if (params.BgpAsnExtended !== undefined && (extended === undefined || extended <= MAX_BGP_ASN || extended > 4_294_967_294)) {
    throw new Ec2ApiError('InvalidParameterValue', `Value (${textOf(params.BgpAsnExtended)}) for parameter bgpAsnExtended is invalid. It must be between 2147483648 and 4294967294`);
  }
  return asn ?? extended ?? 65000;
}

/** The `CreateCustomerGateway` action. */
export const createCustomerGateway: ActionHandler = (ctx, params) => {
  const network = networkOf(ctx.state);
  const type = required(params, 'Type');
  if (type !== 'ipsec.1') throw new Ec2ApiError('InvalidParameterValue', `Value (${type}) for parameter type is invalid. Valid value is: ipsec.1`);
  if (params.CertificateArn !== undefined) throw new Ec2ApiError('InvalidParameterValue', 'The emulator does not take certificate-based customer gateways');
  const ip = textOf(params.IpAddress) ?? textOf(params.PublicIp);
  if (ip === undefined || ip === '') throw new Ec2ApiError('MissingParameter', 'The request must contain the parameter ipAddress');
  if (!isIpAddress(ip) || ip.includes(':')) throw new Ec2ApiError('InvalidParameterValue', `Value (${ip}) for parameter ipAddress is invalid. Invalid Format.`);
  const bgpAsn = asnOf(params);
  const deviceName = textOf(params.DeviceName);
  const tags = tagsFromSpecifications(params, 'customer-gateway');
  const identical = [...network.customerGateways.values()].find(
    (g) => g.region === ctx.region && g.state === 'available' && g.ipAddress === ip && g.bgpAsn === bgpAsn && g.deviceName === deviceName,
  );
  if (identical) return { customerGateway: cgwXml(network, identical) };
  const limit = ctx.faults.quotaOf('customer-gateways');
  if (limit !== undefined && [...network.customerGateways.values()].filter((g) => g.region === ctx.region && g.state !== 'deleted').length >= limit) {
    throw new Ec2ApiError('CustomerGatewayLimitExceeded', 'The maximum number of customer gateways has been reached.');
  }
  const gateway: CustomerGatewayRecord = {
    customerGatewayId: newNetworkId('cgw'),
    region: ctx.region,
    ipAddress: ip,
    bgpAsn,
    deviceName,
    state: 'available',
    transition: undefined,
    purgeAt: undefined,
  };
  network.customerGateways.set(gateway.customerGatewayId, gateway);
  network.register(gateway.customerGatewayId, tags);
  return { customerGateway: cgwXml(network, gateway) };
};

/** The `DeleteCustomerGateway` action. */
export const deleteCustomerGateway: ActionHandler = (ctx, params) => {
  const network = networkOf(ctx.state);
  const gateway = customerGatewayOf(ctx, network, required(params, 'CustomerGatewayId'));
  if (gateway.state === 'deleted') throw new Ec2ApiError('InvalidCustomerGatewayID.NotFound', `The customerGateway ID '${gateway.customerGatewayId}' does not exist`);
  const users = network.liveConnectionsOf({ customerGatewayId: gateway.customerGatewayId });
  if (users.length > 0) throw new Ec2ApiError('IncorrectState', `The customer gateway ${gateway.customerGatewayId} is in use by ${users.map((c) => c.vpnConnectionId).join(', ')}`);
  gateway.state = 'deleted';
  gateway.purgeAt = network.now() + network.timings.deletedRetentionMs;
  return { return: true };
};

/** The `DescribeCustomerGateways` action (not paginated, as on EC2). */
export const describeCustomerGateways: ActionHandler = (ctx, params) => {
  const network = networkOf(ctx.state);
  const ids = textListOf(params.CustomerGatewayId);
  const inRegion = (g: CustomerGatewayRecord): boolean => g.region === ctx.region;
  const candidates = ids.length > 0 ? findAll(ids, network.customerGateways, inRegion, WORDS) : [...network.customerGateways.values()].filter((g) => inRegion(g) && network.listed(g.customerGatewayId));
  const matching = filterItems(
    params,
    candidates,
    {
      'customer-gateway-id': (g) => g.customerGatewayId,
      'bgp-asn': (g) => String(g.bgpAsn),
      'ip-address': (g) => g.ipAddress,
      state: (g) => g.state,
      type: () => 'ipsec.1',
    },
    (g) => network.tagsOf(g.customerGatewayId),
  );
  return { customerGatewaySet: matching.map((g) => cgwXml(network, g)) };
};
