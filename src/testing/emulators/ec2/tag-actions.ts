/**
 * CreateTags and DeleteTags, on the resources the emulator keeps. Per the EC2 API Reference
 * (read 2026-12): `ResourceId.N` names resources of any type by id; an id of no known shape is
 * `InvalidID`, an unknown one the type's `NotFound` code; tags follow the usual rules (at most 50
 * per resource, `aws:` keys reserved). DeleteTags removes a key whatever its value, or only
 * when the value given matches.
 */
import type { ActionContext, ActionHandler } from './action-support.js';
import { Ec2ApiError } from './ec2-api-error.js';
import { checkTag, checkTagCount } from './network-tagging.js';
import { listOf, structOf, textListOf, textOf } from './query-request.js';
import { networkOf } from './vpc-network-state.js';

/** The tag map of a resource of the call's region; EC2's errors when there is no such resource. */
function tagsOf(ctx: ActionContext, id: string): Map<string, string> {
  const { state } = ctx;
  const network = networkOf(state);
  network.ensureRegion(ctx.region);
  const prefix = /^([a-z]+)-[0-9a-f]{8}([0-9a-f]{9})?$/.exec(id)?.[1];
  const inRegion = (r: { region: string } | undefined): boolean => r !== undefined && r.region === ctx.region;
  const notFound = (code: string, noun: string): never => {
    throw new Ec2ApiError(code, `The ${noun} '${id}' does not exist`);
  };
  switch (prefix) {
    case 'i': {
      const instance = state.instances.get(id);
      return inRegion(instance) ? instance!.tags : notFound('InvalidInstanceID.NotFound', 'instance ID');
    }
    case 'ami': {
      const image = state.images.get(id);
      return inRegion(image) && image!.state !== 'deregistered' ? image!.tags : notFound('InvalidAMIID.NotFound', 'image id');
    }
    case 'snap': {
      const snapshot = state.snapshots.get(id);
      return inRegion(snapshot) ? snapshot!.tags : notFound('InvalidSnapshot.NotFound', 'snapshot');
    }
    case 'vol': {
      const volume = state.volumes.get(id);
      return inRegion(volume) && volume!.state !== 'deleted' ? volume!.tags : notFound('InvalidVolume.NotFound', 'volume');
    }
    case 'vpc':
      return inRegion(state.vpcs.get(id)) ? network.tagsOf(id) : notFound('InvalidVpcID.NotFound', 'vpc ID');
    case 'subnet':
      return inRegion(state.subnets.get(id)) ? network.tagsOf(id) : notFound('InvalidSubnetID.NotFound', 'subnet ID');
    case 'sg':
      return inRegion(state.securityGroups.get(id)) ? network.tagsOf(id) : notFound('InvalidGroup.NotFound', 'security group');
    case 'rtb':
      return inRegion(network.routeTables.get(id)) ? network.tagsOf(id) : notFound('InvalidRouteTableID.NotFound', 'routeTable ID');
    case 'igw':
      return inRegion(network.internetGateways.get(id)) ? network.tagsOf(id) : notFound('InvalidInternetGatewayID.NotFound', 'internetGateway ID');
    case 'vgw': {
      const g = network.vpnGateways.get(id);
      return inRegion(g) && g!.state !== 'deleted' ? network.tagsOf(id) : notFound('InvalidVpnGatewayID.NotFound', 'vpnGateway ID');
    }
    case 'cgw': {
      const g = network.customerGateways.get(id);
      return inRegion(g) && g!.state !== 'deleted' ? network.tagsOf(id) : notFound('InvalidCustomerGatewayID.NotFound', 'customerGateway ID');
    }
    case 'vpn': {
      const c = network.vpnConnections.get(id);
      return inRegion(c) && c!.state !== 'deleted' ? network.tagsOf(id) : notFound('InvalidVpnConnectionID.NotFound', 'vpnConnection ID');
    }
    case 'pcx': {
      const p = network.peerings.get(id);
      const visible = p !== undefined && (p.requester.region === ctx.region || p.accepter.region === ctx.region) && p.state !== 'deleted';
      return visible ? network.tagsOf(id) : notFound('InvalidVpcPeeringConnectionID.NotFound', 'vpcPeeringConnection ID');
    }
    default:
      throw new Ec2ApiError('InvalidID', `The ID '${id}' is not valid`);
  }
}

function resourceIds(params: Parameters<ActionHandler>[1]): string[] {
  const ids = textListOf(params.ResourceId);
  if (ids.length === 0) throw new Ec2ApiError('MissingParameter', 'The request must contain the parameter resourceIdSet');
  return ids;
}

/** The `CreateTags` action: every resource is checked before any is tagged. */
export const createTags: ActionHandler = (ctx, params) => {
  const tags = listOf(params.Tag).map((t) => {
    const s = structOf(t);
    const key = textOf(s.Key) ?? '';
    const value = textOf(s.Value) ?? '';
    checkTag(key, value);
    return [key, value] as const;
  });
  if (tags.length === 0) throw new Ec2ApiError('MissingParameter', 'The request must contain the parameter tagSet');
  const targets = resourceIds(params).map((id) => tagsOf(ctx, id));
  for (const target of targets) checkTagCount(new Map([...target, ...tags]));
  for (const target of targets) for (const [key, value] of tags) target.set(key, value);
  return { return: true };
};

/** The `DeleteTags` action. */
export const deleteTags: ActionHandler = (ctx, params) => {
  const keys = listOf(params.Tag).map((t) => {
    const s = structOf(t);
    return { key: textOf(s.Key) ?? '', value: textOf(s.Value) };
  });
  const targets = resourceIds(params).map((id) => tagsOf(ctx, id));
  for (const target of targets) {
    if (keys.length === 0) target.clear();
    for (const { key, value } of keys) if (value === undefined || target.get(key) === value) target.delete(key);
  }
  return { return: true };
};
