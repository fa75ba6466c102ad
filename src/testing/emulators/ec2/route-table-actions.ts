/**
 * Route table actions: DescribeRouteTables, CreateRoute and DeleteRoute on the main route table
 * of each VPC (the emulator makes no other tables). Per the EC2 API Reference and the VPC User
 * Guide "Route tables" (read 2026-12):
 * - every table has the `local` route of its VPC's block, which cannot be deleted;
 * - one route per destination (`RouteAlreadyExists`);
 * - a destination equal to or more specific than the VPC's block can only target an instance or
 *   an interface (`InvalidParameterValue`);
 * - exactly one target: an internet gateway or a virtual private gateway attached to the VPC
 *   (`GatewayId`), a peering connection of the VPC (`VpcPeeringConnectionId`) or an instance in
 *   it (`InstanceId`); a gateway of another network is `InvalidParameterValue`, an unknown one
 *   `InvalidGatewayID.NotFound`;
 * - a route whose target went away (gateway detached, peering not active, instance gone) reads
 *   `blackhole`.
 */
import { cidrContains, parseCidr } from '../../../provider/cidr.js';
import { pageSize, paginate, type ActionContext, type ActionHandler, type Params } from './action-support.js';
import { Ec2ApiError } from './ec2-api-error.js';
import { EMULATOR_ACCOUNT_ID } from './ec2-state.js';
import { tagSetXml } from './instance-xml.js';
import { ec2Cidr } from './network-actions.js';
import { findAll, findOne, required } from './network-lookup.js';
import { filterItems, type NetworkFilterTable } from './network-tagging.js';
import { textListOf, textOf } from './query-request.js';
import { networkIdShape, networkOf, type Ec2Network, type RouteRecord, type RouteTableRecord } from './vpc-network-state.js';
import type { XmlValue } from './xml-writer.js';

const ROUTE_TABLE_WORDS = { shape: networkIdShape('rtb'), malformed: 'InvalidRouteTableId.Malformed', notFound: 'InvalidRouteTableID.NotFound', noun: 'routeTable ID' } as const;

/** `active`, or `blackhole` when the route's target no longer carries traffic. */
function routeState(ctx: ActionContext, network: Ec2Network, table: RouteTableRecord, route: RouteRecord): 'active' | 'blackhole' {
  const { gatewayId, vpcPeeringConnectionId, instanceId } = route.target;
  if (gatewayId === 'local') return 'active';
  if (gatewayId?.startsWith('igw-')) return network.internetGateways.get(gatewayId)?.vpcId === table.vpcId ? 'active' : 'blackhole';
  if (gatewayId?.startsWith('vgw-')) {
    const attached = network.vpnGateways.get(gatewayId)?.attachments.some((a) => a.vpcId === table.vpcId && a.state === 'attached');
    return attached ? 'active' : 'blackhole';
  }
  if (vpcPeeringConnectionId !== undefined) return network.peerings.get(vpcPeeringConnectionId)?.state === 'active' ? 'active' : 'blackhole';
  if (instanceId !== undefined) {
    const instance = ctx.state.instances.get(instanceId);
    if (instance) ctx.state.advanceInstance(instance);
    return instance && instance.state !== 'terminated' && instance.state !== 'shutting-down' ? 'active' : 'blackhole';
  }
  return 'blackhole';
}

function routeXml(ctx: ActionContext, network: Ec2Network, table: RouteTableRecord, route: RouteRecord): XmlValue {
  return {
    destinationCidrBlock: route.destination,
    gatewayId: route.target.gatewayId,
    vpcPeeringConnectionId: route.target.vpcPeeringConnectionId,
    instanceId: route.target.instanceId,
    instanceOwnerId: route.target.instanceId === undefined ? undefined : EMULATOR_ACCOUNT_ID,
    origin: route.origin,
    state: routeState(ctx, network, table, route),
  };
}

function routeTableXml(ctx: ActionContext, network: Ec2Network, table: RouteTableRecord): XmlValue {
  return {
    routeTableId: table.routeTableId,
    vpcId: table.vpcId,
    ownerId: EMULATOR_ACCOUNT_ID,
    routeSet: table.routes.map((r) => routeXml(ctx, network, table, r)),
    associationSet: [{ main: true, routeTableAssociationId: table.associationId, routeTableId: table.routeTableId, associationState: { state: 'associated' } }],
    propagatingVgwSet: [],
    tagSet: tagSetXml(network.tagsOf(table.routeTableId)),
  };
}

/** The route table named by `RouteTableId` in the call's region. */
function tableOf(ctx: ActionContext, network: Ec2Network, params: Params): RouteTableRecord {
  network.ensureRegion(ctx.region);
  return findOne(required(params, 'RouteTableId'), network.routeTables, (t) => t.region === ctx.region, ROUTE_TABLE_WORDS);
}

/** The `DescribeRouteTables` action. */
export const describeRouteTables: ActionHandler = (ctx, params) => {
  const network = networkOf(ctx.state);
  network.ensureRegion(ctx.region);
  const ids = textListOf(params.RouteTableId);
  const size = pageSize(params, 5, 100);
  const candidates = ids.length > 0 ? findAll(ids, network.routeTables, (t) => t.region === ctx.region, ROUTE_TABLE_WORDS) : [...network.routeTables.values()].filter((t) => t.region === ctx.region);
  const table: NetworkFilterTable<RouteTableRecord> = {
    'route-table-id': (t) => t.routeTableId,
    'vpc-id': (t) => t.vpcId,
    'owner-id': () => EMULATOR_ACCOUNT_ID,
    'association.main': () => 'true',
    'association.route-table-id': (t) => t.routeTableId,
    'association.route-table-association-id': (t) => t.associationId,
    'route.destination-cidr-block': (t) => t.routes.map((r) => r.destination),
    'route.gateway-id': (t) => t.routes.flatMap((r) => (r.target.gatewayId === undefined ? [] : [r.target.gatewayId])),
    'route.vpc-peering-connection-id': (t) => t.routes.flatMap((r) => (r.target.vpcPeeringConnectionId === undefined ? [] : [r.target.vpcPeeringConnectionId])),
    'route.instance-id': (t) => t.routes.flatMap((r) => (r.target.instanceId === undefined ? [] : [r.target.instanceId])),
    'route.origin': (t) => t.routes.map((r) => r.origin),
    'route.state': (t) => t.routes.map((r) => routeState(ctx, network, t, r)),
  };
  const { page, nextToken } = paginate(filterItems(params, candidates, table, (t) => network.tagsOf(t.routeTableId)), params, size);
  return { routeTableSet: page.map((t) => routeTableXml(ctx, network, t)), nextToken };
};

/** The one target a CreateRoute names, checked against the table's VPC. */
function targetOf(ctx: ActionContext, network: Ec2Network, table: RouteTableRecord, params: Params): RouteRecord['target'] {
  const named = (['GatewayId', 'VpcPeeringConnectionId', 'InstanceId'] as const).filter((k) => textOf(params[k]) !== undefined);
  const unsupported = ['NatGatewayId', 'TransitGatewayId', 'NetworkInterfaceId', 'EgressOnlyInternetGatewayId', 'VpcEndpointId', 'LocalGatewayId', 'CarrierGatewayId', 'CoreNetworkArn'].find((k) => textOf(params[k]) !== undefined);
  if (unsupported !== undefined) throw new Ec2ApiError('InvalidParameterValue', `The emulator does not route to ${unsupported} targets`);
  if (named.length === 0) throw new Ec2ApiError('MissingParameter', 'The request must contain exactly one of gatewayId, natGatewayId, networkInterfaceId, vpcPeeringConnectionId or instanceId');
  if (named.length > 1) throw new Ec2ApiError('InvalidParameterCombination', `The parameter ${named[0]} cannot be used with the parameter ${named[1]}`);
  const differentNetworks = (what: string): Ec2ApiError => new Ec2ApiError('InvalidParameterValue', `route table ${table.routeTableId} and network gateway ${what} belong to different networks`);
  const gatewayId = textOf(params.GatewayId);
  if (gatewayId !== undefined) {
    if (gatewayId.startsWith('igw-')) {
      const igw = network.internetGateways.get(gatewayId);
      if (!igw || igw.region !== ctx.region) throw new Ec2ApiError('InvalidGatewayID.NotFound', `The gateway ID '${gatewayId}' does not exist`);
      if (igw.vpcId !== table.vpcId) throw differentNetworks(gatewayId);
    } else if (gatewayId.startsWith('vgw-')) {
      const vgw = network.vpnGateways.get(gatewayId);
      if (!vgw || vgw.region !== ctx.region || vgw.state === 'deleted') throw new Ec2ApiError('InvalidGatewayID.NotFound', `The gateway ID '${gatewayId}' does not exist`);
      if (!vgw.attachments.some((a) => a.vpcId === table.vpcId && a.state === 'attached')) throw differentNetworks(gatewayId);
    } else {
      throw new Ec2ApiError('InvalidGatewayID.NotFound', `The gateway ID '${gatewayId}' does not exist`);
    }
    return { gatewayId };
  }
  const pcxId = textOf(params.VpcPeeringConnectionId);
  if (pcxId !== undefined) {
    const pcx = network.peerings.get(pcxId);
    const visible = pcx !== undefined && (pcx.requester.region === ctx.region || pcx.accepter.region === ctx.region);
    if (!visible || !['pending-acceptance', 'provisioning', 'active'].includes(pcx.state)) {
      throw new Ec2ApiError('InvalidVpcPeeringConnectionID.NotFound', `The vpcPeeringConnection ID '${pcxId}' does not exist`);
    }
    if (pcx.requester.vpcId !== table.vpcId && pcx.accepter.vpcId !== table.vpcId) throw new Ec2ApiError('InvalidParameterValue', `route table ${table.routeTableId} and peering connection ${pcxId} belong to different networks`);
    return { vpcPeeringConnectionId: pcxId };
  }
  const instanceId = textOf(params.InstanceId)!;
  const instance = ctx.state.instances.get(instanceId);
  if (instance) ctx.state.advanceInstance(instance);
  if (!instance || instance.region !== ctx.region || instance.state === 'terminated') throw new Ec2ApiError('InvalidInstanceID.NotFound', `The instance ID '${instanceId}' does not exist`);
  if (instance.vpcId !== table.vpcId) throw new Ec2ApiError('InvalidParameterValue', `route table ${table.routeTableId} and instance ${instanceId} belong to different networks`);
  return { instanceId };
}

/** The `CreateRoute` action. */
export const createRoute: ActionHandler = (ctx, params) => {
  const network = networkOf(ctx.state);
  const table = tableOf(ctx, network, params);
  const text = textOf(params.DestinationCidrBlock);
  if (text === undefined) throw new Ec2ApiError('MissingParameter', 'The request must contain the parameter destinationCidrBlock or destinationIpv6CidrBlock or destinationPrefixListId');
  const destination = ec2Cidr(text, 'destinationCidrBlock');
  if (table.routes.some((r) => r.destination === destination.text)) throw new Ec2ApiError('RouteAlreadyExists', `The route identified by ${destination.text} already exists.`);
  const target = targetOf(ctx, network, table, params);
  const vpc = ctx.state.vpcs.get(table.vpcId)!;
  if (target.instanceId === undefined && cidrContains(parseCidr(vpc.cidr), destination)) {
    throw new Ec2ApiError('InvalidParameterValue', `The destination CIDR block ${destination.text} is equal to or more specific than one of this VPC's CIDR blocks. This route can target only an interface or an instance.`);
  }
  const limit = ctx.faults.quotaOf('routes');
  if (limit !== undefined && table.routes.length >= limit) throw new Ec2ApiError('RouteLimitExceeded', `The maximum number of routes has been reached for ${table.routeTableId}.`);
  table.routes.push({ destination: destination.text, target, origin: 'CreateRoute' });
  return { return: true };
};

/** The `DeleteRoute` action. */
export const deleteRoute: ActionHandler = (ctx, params) => {
  const network = networkOf(ctx.state);
  const table = tableOf(ctx, network, params);
  const text = textOf(params.DestinationCidrBlock);
  if (text === undefined) throw new Ec2ApiError('MissingParameter', 'The request must contain the parameter destinationCidrBlock or destinationIpv6CidrBlock or destinationPrefixListId');
  const destination = ec2Cidr(text, 'destinationCidrBlock');
  const index = table.routes.findIndex((r) => r.destination === destination.text);
  if (index === -1) throw new Ec2ApiError('InvalidRoute.NotFound', `no route with destination-cidr-block ${destination.text} in route table ${table.routeTableId}`);
  if (table.routes[index]!.target.gatewayId === 'local') throw new Ec2ApiError('InvalidParameterValue', `cannot remove local route ${destination.text} in route table ${table.routeTableId}`);
  table.routes.splice(index, 1);
  return {};
};
