/**
 * Virtual private gateway actions: CreateVpnGateway, AttachVpnGateway, DetachVpnGateway,
 * DeleteVpnGateway and DescribeVpnGateways. Per the EC2 API Reference, its "Error codes" page
 * and the Site-to-Site VPN User Guide (read 2026-12):
 * - only `Type=ipsec.1`; `AmazonSideAsn` is a private ASN, 64512–65534 or 4200000000–4294967294
 *   (default 64512); no ClientToken;
 * - a new gateway is `pending`, then `available`; only an available gateway attaches
 *   (`IncorrectState`), to one VPC at a time (`VpnGatewayAttachmentLimitExceeded`), and a VPC
 *   takes one gateway (`InvalidVpcState`); an attachment is `attaching`, then `attached`;
 *   detaching one that does not exist is `InvalidVpnGatewayAttachment.NotFound`;
 * - a gateway that is still attached cannot be deleted (`IncorrectState`), nor one with VPN
 *   connections (`DependencyViolation`); a deleted gateway reads `deleted` for a while.
 */
import type { ActionContext, ActionHandler } from './action-support.js';
import { Ec2ApiError } from './ec2-api-error.js';
import { tagSetXml } from './instance-xml.js';
import { findVpcs } from './network-actions.js';
import { findAll, findOne, required } from './network-lookup.js';
import { filterItems, tagsFromSpecifications } from './network-tagging.js';
import { intOf, textListOf } from './query-request.js';
import { networkIdShape, networkOf, newNetworkId, type Ec2Network, type VpnGatewayRecord } from './vpc-network-state.js';
import type { XmlValue } from './xml-writer.js';

const WORDS = { shape: networkIdShape('vgw'), malformed: 'InvalidVpnGatewayId.Malformed', notFound: 'InvalidVpnGatewayID.NotFound', noun: 'vpnGateway ID' } as const;

/** True for an ASN AWS takes on its side: a private 16-bit or 32-bit one. */
export function isPrivateAmazonAsn(asn: number): boolean {
  return (asn >= 64512 && asn <= 65534) || (asn >= 4_200_000_000 && asn <= 4_294_967_294);
}

function vgwXml(network: Ec2Network, g: VpnGatewayRecord): XmlValue {
  return {
    vpnGatewayId: g.vpnGatewayId,
    state: g.state,
    type: 'ipsec.1',
    amazonSideAsn: g.amazonSideAsn,
    attachments: g.attachments.map((a) => ({ vpcId: a.vpcId, state: a.state })),
    tagSet: tagSetXml(network.tagsOf(g.vpnGatewayId)),
  };
}

/** The gateway named by `id` in the call's region (deleted ones included: they still describe). */
export function vpnGatewayOf(ctx: ActionContext, network: Ec2Network, id: string): VpnGatewayRecord {
  return findOne(id, network.vpnGateways, (g) => g.region === ctx.region, WORDS);
}

/** The `CreateVpnGateway` action. */
export const createVpnGateway: ActionHandler = (ctx, params) => {
  const network = networkOf(ctx.state);
  const type = required(params, 'Type');
  if (type !== 'ipsec.1') throw new Ec2ApiError('InvalidParameterValue', `Value (${type}) for parameter type is invalid. Valid value is: ipsec.1`);
  const asnText = params.AmazonSideAsn;
  const asn = asnText === undefined ? 64512 : intOf(asnText);
  if (asn === undefined || !isPrivateAmazonAsn(asn)) {
    throw new Ec2ApiError('InvalidParameterValue', `The Amazon-side ASN is invalid: use a private ASN in the 64512-65534 or 4200000000-4294967294 range`);
  }
  const tags = tagsFromSpecifications(params, 'vpn-gateway');
  const limit = ctx.faults.quotaOf('vpn-gateways');
  if (limit !== undefined && [...network.vpnGateways.values()].filter((g) => g.region === ctx.region && g.state !== 'deleted').length >= limit) {
    throw new Ec2ApiError('VpnGatewayLimitExceeded', 'The maximum number of virtual private gateways has been reached.');
  }
  const gateway: VpnGatewayRecord = {
    vpnGatewayId: newNetworkId('vgw'),
    region: ctx.region,
    amazonSideAsn: asn,
    attachments: [],
    state: 'pending',
    transition: network.schedule('available', network.timings.vpnGatewayAvailableMs),
    purgeAt: undefined,
  };
  network.vpnGateways.set(gateway.vpnGatewayId, gateway);
  network.register(gateway.vpnGatewayId, tags);
  return { vpnGateway: vgwXml(network, gateway) };
};

/** The `AttachVpnGateway` action. */
export const attachVpnGateway: ActionHandler = (ctx, params) => {
  const network = networkOf(ctx.state);
  const gateway = vpnGatewayOf(ctx, network, required(params, 'VpnGatewayId'));
  const [vpc] = findVpcs(ctx, [required(params, 'VpcId')]);
  if (gateway.state !== 'available') throw new Ec2ApiError('IncorrectState', `The vpn gateway ${gateway.vpnGatewayId} is in an incorrect state: ${gateway.state}`);
  if (gateway.attachments.some((a) => a.state !== 'detached')) {
    throw new Ec2ApiError('VpnGatewayAttachmentLimitExceeded', `The maximum number of mutable attachments for ${gateway.vpnGatewayId} has been reached`);
  }
  const other = network.vpnGatewayOf(vpc!.vpcId);
  if (other) throw new Ec2ApiError('InvalidVpcState', `The specified VPC ${vpc!.vpcId} already has a virtual private gateway attached to it (${other.vpnGatewayId})`);
  const attachment = { vpcId: vpc!.vpcId, state: 'attaching' as const, transition: network.schedule('attached' as const, network.timings.vpnGatewayAttachMs) };
  gateway.attachments.splice(0, gateway.attachments.length, attachment);
  return { attachment: { vpcId: attachment.vpcId, state: attachment.state } };
};

/** The `DetachVpnGateway` action. */
export const detachVpnGateway: ActionHandler = (ctx, params) => {
  const network = networkOf(ctx.state);
  const gateway = vpnGatewayOf(ctx, network, required(params, 'VpnGatewayId'));
  const vpcId = required(params, 'VpcId');
  const attachment = gateway.attachments.find((a) => a.vpcId === vpcId && (a.state === 'attached' || a.state === 'attaching'));
  if (!attachment) throw new Ec2ApiError('InvalidVpnGatewayAttachment.NotFound', `The attachment with vpn gateway ID '${gateway.vpnGatewayId}' and vpc ID '${vpcId}' does not exist`);
  attachment.state = 'detaching';
  attachment.transition = network.schedule('detached', network.timings.vpnGatewayDetachMs);
  return { return: true };
};

/** The `DeleteVpnGateway` action. */
export const deleteVpnGateway: ActionHandler = (ctx, params) => {
  const network = networkOf(ctx.state);
  const gateway = vpnGatewayOf(ctx, network, required(params, 'VpnGatewayId'));
  if (gateway.state === 'deleted' || gateway.state === 'deleting') throw new Ec2ApiError('InvalidVpnGatewayID.NotFound', `The vpnGateway ID '${gateway.vpnGatewayId}' does not exist`);
  const attached = gateway.attachments.find((a) => a.state !== 'detached');
  if (attached) throw new Ec2ApiError('IncorrectState', `The vpn gateway ${gateway.vpnGatewayId} is ${attached.state} to ${attached.vpcId}: detach it before deleting it`);
  const connections = network.liveConnectionsOf({ vpnGatewayId: gateway.vpnGatewayId });
  if (connections.length > 0) {
    throw new Ec2ApiError('DependencyViolation', `The vpnGateway '${gateway.vpnGatewayId}' has dependencies and cannot be deleted: ${connections.map((c) => c.vpnConnectionId).join(', ')}`);
  }
  gateway.state = 'deleting';
  gateway.transition = network.schedule('deleted', network.timings.vpnGatewayDeleteMs);
  return { return: true };
};

/** The `DescribeVpnGateways` action (not paginated, as on EC2). */
export const describeVpnGateways: ActionHandler = (ctx, params) => {
  const network = networkOf(ctx.state);
  const ids = textListOf(params.VpnGatewayId);
  const inRegion = (g: VpnGatewayRecord): boolean => g.region === ctx.region;
  const candidates = ids.length > 0 ? findAll(ids, network.vpnGateways, inRegion, WORDS) : [...network.vpnGateways.values()].filter((g) => inRegion(g) && network.listed(g.vpnGatewayId));
  const matching = filterItems(
    params,
    candidates,
    {
      'vpn-gateway-id': (g) => g.vpnGatewayId,
      state: (g) => g.state,
      type: () => 'ipsec.1',
      'amazon-side-asn': (g) => String(g.amazonSideAsn),
      'attachment.state': (g) => g.attachments.map((a) => a.state),
      'attachment.vpc-id': (g) => g.attachments.map((a) => a.vpcId),
    },
    (g) => network.tagsOf(g.vpnGatewayId),
  );
  return { vpnGatewaySet: matching.map((g) => vgwXml(network, g)) };
};
