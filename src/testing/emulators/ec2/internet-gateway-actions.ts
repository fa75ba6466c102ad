/**
 * Internet gateway actions: CreateInternetGateway, AttachInternetGateway, DetachInternetGateway,
 * DeleteInternetGateway and DescribeInternetGateways. Per the EC2 API Reference (read 2026-12):
 * a gateway joins at most one VPC and a VPC has at most one gateway (`Resource.AlreadyAssociated`),
 * detaching one that is not attached is `Gateway.NotAttached`, and an attached gateway cannot be
 * deleted (`DependencyViolation`). An attached gateway reads `available` in its attachment set.
 */
import { pageSize, paginate, type ActionContext, type ActionHandler } from './action-support.js';
import { Ec2ApiError } from './ec2-api-error.js';
import { EMULATOR_ACCOUNT_ID } from './ec2-state.js';
import { tagSetXml } from './instance-xml.js';
import { findVpcs } from './network-actions.js';
import { findAll, findOne, required } from './network-lookup.js';
import { filterItems, tagsFromSpecifications } from './network-tagging.js';
import { textListOf } from './query-request.js';
import { networkIdShape, networkOf, newNetworkId, type Ec2Network, type InternetGatewayRecord } from './vpc-network-state.js';
import type { XmlValue } from './xml-writer.js';

const WORDS = { shape: networkIdShape('igw'), malformed: 'InvalidInternetGatewayId.Malformed', notFound: 'InvalidInternetGatewayID.NotFound', noun: 'internetGateway ID' } as const;

function igwXml(network: Ec2Network, g: InternetGatewayRecord): XmlValue {
  return {
    internetGatewayId: g.internetGatewayId,
    ownerId: EMULATOR_ACCOUNT_ID,
    attachmentSet: g.vpcId === undefined ? [] : [{ vpcId: g.vpcId, state: 'available' }],
    tagSet: tagSetXml(network.tagsOf(g.internetGatewayId)),
  };
}

function gatewayOf(ctx: ActionContext, network: Ec2Network, id: string): InternetGatewayRecord {
  network.ensureRegion(ctx.region);
  return findOne(id, network.internetGateways, (g) => g.region === ctx.region, WORDS);
}

/** The `CreateInternetGateway` action. */
export const createInternetGateway: ActionHandler = (ctx, params) => {
  const network = networkOf(ctx.state);
  const tags = tagsFromSpecifications(params, 'internet-gateway');
  const limit = ctx.faults.quotaOf('internet-gateways');
  if (limit !== undefined && [...network.internetGateways.values()].filter((g) => g.region === ctx.region).length >= limit) {
    throw new Ec2ApiError('InternetGatewayLimitExceeded', 'The maximum number of internet gateways has been reached.');
  }
  const gateway: InternetGatewayRecord = { internetGatewayId: newNetworkId('igw'), region: ctx.region, vpcId: undefined };
  network.internetGateways.set(gateway.internetGatewayId, gateway);
  network.register(gateway.internetGatewayId, tags);
  return { internetGateway: igwXml(network, gateway) };
};

/** The `AttachInternetGateway` action. */
export const attachInternetGateway: ActionHandler = (ctx, params) => {
  const network = networkOf(ctx.state);
  const gateway = gatewayOf(ctx, network, required(params, 'InternetGatewayId'));
  const [vpc] = findVpcs(ctx, [required(params, 'VpcId')]);
  if (gateway.vpcId !== undefined) throw new Ec2ApiError('Resource.AlreadyAssociated', `resource ${gateway.internetGatewayId} is already attached to network ${gateway.vpcId}`);
  const other = network.internetGatewayOf(vpc!.vpcId);
  if (other) throw new Ec2ApiError('Resource.AlreadyAssociated', `Network ${vpc!.vpcId} already has an internet gateway attached`);
  gateway.vpcId = vpc!.vpcId;
  return { return: true };
};

/** The `DetachInternetGateway` action. */
export const detachInternetGateway: ActionHandler = (ctx, params) => {
  const network = networkOf(ctx.state);
  const gateway = gatewayOf(ctx, network, required(params, 'InternetGatewayId'));
  const vpcId = required(params, 'VpcId');
  if (gateway.vpcId !== vpcId) throw new Ec2ApiError('Gateway.NotAttached', `resource ${gateway.internetGatewayId} is not attached to network ${vpcId}`);
  gateway.vpcId = undefined;
  return { return: true };
};

/** The `DeleteInternetGateway` action. */
export const deleteInternetGateway: ActionHandler = (ctx, params) => {
  const network = networkOf(ctx.state);
  const gateway = gatewayOf(ctx, network, required(params, 'InternetGatewayId'));
  if (gateway.vpcId !== undefined) throw new Ec2ApiError('DependencyViolation', `The internetGateway '${gateway.internetGatewayId}' has dependencies and cannot be deleted.`);
  network.internetGateways.delete(gateway.internetGatewayId);
  network.forget(gateway.internetGatewayId);
  return { return: true };
};

/** The `DescribeInternetGateways` action. */
export const describeInternetGateways: ActionHandler = (ctx, params) => {
  const network = networkOf(ctx.state);
  network.ensureRegion(ctx.region);
  const ids = textListOf(params.InternetGatewayId);
  const size = pageSize(params, 5, 1000);
  const inRegion = (g: InternetGatewayRecord): boolean => g.region === ctx.region;
  const candidates = ids.length > 0 ? findAll(ids, network.internetGateways, inRegion, WORDS) : [...network.internetGateways.values()].filter((g) => inRegion(g) && network.listed(g.internetGatewayId));
  const matching = filterItems(
    params,
    candidates,
    {
      'internet-gateway-id': (g) => g.internetGatewayId,
      'attachment.vpc-id': (g) => g.vpcId,
      'attachment.state': (g) => (g.vpcId === undefined ? undefined : 'available'),
      'owner-id': () => EMULATOR_ACCOUNT_ID,
    },
    (g) => network.tagsOf(g.internetGatewayId),
  );
  const { page, nextToken } = paginate(matching, params, size);
  return { internetGatewaySet: page.map((g) => igwXml(network, g)), nextToken };
};
