/**
 * Where RunInstances puts an instance on the network, checked as EC2 checks it (EC2 API
 * Reference, RunInstances and InstanceNetworkInterfaceSpecification; error texts as EC2 words
 * them, read 2026-11):
 * - network interfaces exclude an instance-level `SubnetId`, `SecurityGroupId` or
 *   `SecurityGroup` (`InvalidParameterCombination`); every interface needs a `DeviceIndex`
 *   and one of them must be 0;
 * - `AssociatePublicIpAddress` only on a single, new interface with DeviceIndex 0;
 * - subnets and groups must exist in the region (`InvalidSubnetID.*`, `InvalidGroupId.Malformed`,
 *   `InvalidGroup.NotFound`) and groups must belong to the subnet's VPC (`InvalidParameter`,
 *   "... belong to different networks"); group names (`SecurityGroup.N`) only in the default VPC;
 * - without a subnet the instance goes to the default subnet of its zone (default VPC);
 * - a public address is assigned when the primary interface asks for one, else when the
 *   subnet maps public addresses on launch (default subnets do).
 */
import type { ActionContext, Params } from './action-support.js';
import { Ec2ApiError } from './ec2-api-error.js';
import type { EmulatedSubnet } from './ec2-state.js';
import { findGroups, findSubnets } from './network-actions.js';
import { boolOf, intOf, listOf, structOf, textListOf, textOf } from './query-request.js';

/** The network part of a launch, before the zone is chosen. */
export interface LaunchNetwork {
  /** The subnet asked for; the zone's default subnet when absent. */
  readonly subnet: EmulatedSubnet | undefined;
  /** VPC of the launch: the subnet's, else the region's default VPC. */
  readonly vpcId: string;
  /** Security groups (the VPC's `default` group when none was named). */
  readonly groupIds: readonly string[];
  /** The primary interface's `AssociatePublicIpAddress`, when it was given. */
  readonly associatePublicIp: boolean | undefined;
}

/** Reads and checks the network parameters of a RunInstances call. */
export function launchNetworkOf(ctx: ActionContext, params: Params): LaunchNetwork {
  const { state } = ctx;
  const interfaces = listOf(params.NetworkInterface).map(structOf);
  const groupNames = textListOf(params.SecurityGroup);
  if (interfaces.length > 0) {
    if (params.SubnetId !== undefined) throw new Ec2ApiError('InvalidParameterCombination', 'Network interfaces and an instance-level subnet ID may not be specified on the same request');
    if (params.SecurityGroupId !== undefined || groupNames.length > 0) {
      throw new Ec2ApiError('InvalidParameterCombination', 'Network interfaces and an instance-level security groups may not be specified on the same request');
    }
  }
  for (const ni of interfaces) {
    if (intOf(ni.DeviceIndex) === undefined && textOf(ni.NetworkInterfaceId) === undefined) {
      throw new Ec2ApiError('InvalidParameterValue', 'Each network interface requires a device index.');
    }
  }
  const primary = interfaces.find((ni) => intOf(ni.DeviceIndex) === 0);
  if (interfaces.length > 0 && primary === undefined) throw new Ec2ApiError('InvalidParameterValue', 'A network interface with DeviceIndex 0 is required');
  const asked = interfaces.map((ni) => boolOf(ni.AssociatePublicIpAddress));
  if (interfaces.length > 1 && asked.some((a) => a !== undefined)) {
    throw new Ec2ApiError('InvalidParameterCombination', 'The associatePublicIPAddress parameter cannot be specified when launching with multiple network interfaces.');
  }
  if (primary && textOf(primary.NetworkInterfaceId) !== undefined) {
    // Existing interfaces are not modelled; EC2 would also refuse a public address on one.
    throw new Ec2ApiError('InvalidNetworkInterfaceID.NotFound', `The networkInterface ID '${textOf(primary.NetworkInterfaceId)}' does not exist`);
  }
  if (interfaces.length > 1) throw new Ec2ApiError('Unsupported', 'The emulator launches instances with one network interface only');

  const subnetId = primary ? textOf(primary.SubnetId) : textOf(params.SubnetId);
  const subnet = subnetId !== undefined ? findSubnets(ctx, [subnetId])[0] : undefined;
  if (subnet && groupNames.length > 0) throw new Ec2ApiError('InvalidParameterCombination', 'The parameter groupName cannot be used with the parameter subnet');
  const vpcId = subnet?.vpcId ?? state.defaultVpc(ctx.region)!.vpcId;

  const groupIds = primary ? textListOf(primary.SecurityGroupId) : textListOf(params.SecurityGroupId);
  const groups = findGroups(ctx, groupIds);
  const foreign = groups.find((g) => g.vpcId !== vpcId);
  if (foreign) {
    throw new Ec2ApiError('InvalidParameter', subnet ? `Security group ${foreign.groupId} and subnet ${subnet.subnetId} belong to different networks.` : `Security group ${foreign.groupId} does not belong to the default VPC ${vpcId}.`);
  }
  const named = groupNames.map((name) => {
    const g = state.groupByName(vpcId, name);
    if (!g) throw new Ec2ApiError('InvalidGroup.NotFound', `The security group '${name}' does not exist in default VPC '${vpcId}'`);
    return g.groupId;
  });
  const all = [...new Set([...groups.map((g) => g.groupId), ...named])];
  return {
    subnet,
    vpcId,
    groupIds: all.length > 0 ? all : [state.groupByName(vpcId, 'default')!.groupId],
    associatePublicIp: primary ? boolOf(primary.AssociatePublicIpAddress) : undefined,
  };
}
