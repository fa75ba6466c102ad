/**
 * Network actions: DescribeVpcs, DescribeSubnets and DescribeSecurityGroups over the account's
 * VPCs (the default one per region, and those a test added), with the filters and error codes
 * of the EC2 API Reference (read 2026-11): malformed ids are `InvalidVpcID.Malformed`,
 * `InvalidSubnetID.Malformed`, `InvalidGroupId.Malformed`; unknown ones `InvalidVpcID.NotFound`,
 * `InvalidSubnetID.NotFound`, `InvalidGroup.NotFound`; group names given without a VPC filter are
 * looked up in the default VPC.
 *
 * And the VPC lifecycle (EC2 API Reference and "Error codes", read 2026-12): CreateVpc takes one
 * IPv4 block of /16 to /28 (`InvalidVpc.Range` otherwise; a block with host bits set is
 * `InvalidParameterValue`, "not a valid CIDR block"), makes the VPC's main route table and
 * `default` security group, and has no ClientToken; CreateSubnet takes a block of /16 to /28
 * inside its VPC's (`InvalidSubnet.Range`) that overlaps no other subnet of the VPC
 * (`InvalidSubnet.Conflict`); DeleteVpc refuses a VPC that still has subnets, security groups
 * other than `default`, an internet gateway, an attached virtual private gateway or instances
 * (`DependencyViolation`), and takes its live peering connections down with it; DeleteSubnet
 * refuses a subnet with instances (`DependencyViolation`).
 */
import { cidrContains, cidrsOverlap, parseCidr, type Cidr } from '../../../provider/cidr.js';
import { matchesAll, pageSize, paginate, type ActionContext, type ActionHandler, type Params } from './action-support.js';
import { Ec2ApiError } from './ec2-api-error.js';
import { EMULATOR_ACCOUNT_ID, type EmulatedSecurityGroup, type EmulatedSubnet, type EmulatedVpc } from './ec2-state.js';
import { tagSetXml } from './instance-xml.js';
import { required } from './network-lookup.js';
import { tagsFromSpecifications } from './network-tagging.js';
import { filtersOf, textListOf, textOf } from './query-request.js';
import { networkOf } from './vpc-network-state.js';
import type { XmlValue } from './xml-writer.js';

/** `vpc-`, `subnet-`, `sg-` ids: eight or seventeen hex digits. */
export const VPC_ID = /^vpc-([0-9a-f]{8}|[0-9a-f]{17})$/;
/** Subnet id shape. */
export const SUBNET_ID = /^subnet-([0-9a-f]{8}|[0-9a-f]{17})$/;
/** Security group id shape. */
export const GROUP_ID = /^sg-([0-9a-f]{8}|[0-9a-f]{17})$/;

/** Checks id shapes, then that each id exists in the call's region. */
function lookUp<T extends { region: string }>(
  ids: readonly string[],
  all: ReadonlyMap<string, T>,
  ctx: ActionContext,
  words: { shape: RegExp; malformed: string; notFound: string; expecting: string; noun: string },
): T[] {
  const malformed = ids.find((id) => !words.shape.test(id));
  if (malformed !== undefined) throw new Ec2ApiError(words.malformed, `Invalid id: "${malformed}" (expecting "${words.expecting}")`);
  const missing = ids.filter((id) => all.get(id)?.region !== ctx.region);
  if (missing.length === 1) throw new Ec2ApiError(words.notFound, `The ${words.noun} '${missing[0]}' does not exist`);
  if (missing.length > 1) throw new Ec2ApiError(words.notFound, `The ${words.noun}s '${missing.join(', ')}' do not exist`);
  return ids.map((id) => all.get(id)!);
}

/** The subnets named by id in the call's region; EC2's errors otherwise. */
export function findSubnets(ctx: ActionContext, ids: readonly string[]): EmulatedSubnet[] {
  return lookUp(ids, ctx.state.subnets, ctx, { shape: SUBNET_ID, malformed: 'InvalidSubnetID.Malformed', notFound: 'InvalidSubnetID.NotFound', expecting: 'subnet-...', noun: 'subnet ID' });
}

/** The VPCs named by id in the call's region; EC2's errors otherwise. */
export function findVpcs(ctx: ActionContext, ids: readonly string[]): EmulatedVpc[] {
  return lookUp(ids, ctx.state.vpcs, ctx, { shape: VPC_ID, malformed: 'InvalidVpcID.Malformed', notFound: 'InvalidVpcID.NotFound', expecting: 'vpc-...', noun: 'vpc ID' });
}

/** The security groups named by id in the call's region; EC2's errors otherwise. */
export function findGroups(ctx: ActionContext, ids: readonly string[]): EmulatedSecurityGroup[] {
  return lookUp(ids, ctx.state.securityGroups, ctx, { shape: GROUP_ID, malformed: 'InvalidGroupId.Malformed', notFound: 'InvalidGroup.NotFound', expecting: 'sg-...', noun: 'security group' });
}

function invalidFilter(name: string): never {
  throw new Ec2ApiError('InvalidParameterValue', `The filter '${name}' is invalid`);
}

function vpcXml(ctx: ActionContext, v: EmulatedVpc): XmlValue {
  return {
    vpcId: v.vpcId,
    ownerId: EMULATOR_ACCOUNT_ID,
    state: 'available',
    cidrBlock: v.cidr,
    cidrBlockAssociationSet: [{ associationId: `vpc-cidr-assoc-${v.vpcId.slice(4)}`, cidrBlock: v.cidr, cidrBlockState: { state: 'associated' } }],
    dhcpOptionsId: 'dopt-0f0e0d0c0b0a09080',
    instanceTenancy: 'default',
    isDefault: v.isDefault,
    tagSet: tagSetXml(networkOf(ctx.state).tagsOf(v.vpcId)),
  };
}

function subnetXml(ctx: ActionContext, s: EmulatedSubnet): XmlValue {
  return {
    subnetId: s.subnetId,
    subnetArn: `arn:aws:ec2:${s.region}:${EMULATOR_ACCOUNT_ID}:subnet/${s.subnetId}`,
    ownerId: EMULATOR_ACCOUNT_ID,
    state: 'available',
    vpcId: s.vpcId,
    cidrBlock: s.cidr,
    availableIpAddressCount: 2 ** (32 - Number(s.cidr.split('/')[1])) - 5, // AWS reserves five addresses per subnet
    availabilityZone: s.zone,
    availabilityZoneId: zoneIdOf(ctx, s.zone),
    defaultForAz: s.defaultForAz,
    mapPublicIpOnLaunch: s.mapPublicIpOnLaunch,
    assignIpv6AddressOnCreation: false,
    ipv6CidrBlockAssociationSet: [],
    tagSet: tagSetXml(networkOf(ctx.state).tagsOf(s.subnetId)),
  };
}

function zoneIdOf(ctx: ActionContext, zone: string): string {
  const index = ctx.state.zonesOf(ctx.region).indexOf(zone);
  return `${ctx.region.replace(/^(\w)\w*-(\w)\w*-(\d)$/, '$1$2$3')}-az${index + 1}`;
}

function groupXml(g: EmulatedSecurityGroup): XmlValue {
  return {
    ownerId: EMULATOR_ACCOUNT_ID,
    groupId: g.groupId,
    groupName: g.groupName,
    groupDescription: g.description,
    vpcId: g.vpcId,
    securityGroupArn: `arn:aws:ec2:${g.region}:${EMULATOR_ACCOUNT_ID}:security-group/${g.groupId}`,
    ipPermissions: [],
    // New groups allow all outbound traffic.
    ipPermissionsEgress: [{ ipProtocol: '-1', groups: [], ipRanges: [{ cidrIp: '0.0.0.0/0' }], ipv6Ranges: [], prefixListIds: [] }],
  };
}

/** How a filter name reads a value off one resource; names not in the table are refused as EC2 does. */
type FilterTable<T> = Readonly<Record<string, (item: T, ctx: ActionContext) => string>>;

/** Filters every network resource has. */
const COMMON_FILTERS = { state: () => 'available', 'owner-id': () => EMULATOR_ACCOUNT_ID } as const;

const VPC_FILTERS: FilterTable<EmulatedVpc> = {
  ...COMMON_FILTERS,
  'vpc-id': (v) => v.vpcId,
  'is-default': (v) => String(v.isDefault),
  cidr: (v) => v.cidr,
  'cidr-block-association.cidr-block': (v) => v.cidr,
};

// The camel-case names are the older spellings EC2 still accepts for subnets.
const SUBNET_FILTERS: FilterTable<EmulatedSubnet> = {
  ...COMMON_FILTERS,
  'subnet-id': (s) => s.subnetId,
  'vpc-id': (s) => s.vpcId,
  'availability-zone': (s) => s.zone,
  availabilityZone: (s) => s.zone,
  'availability-zone-id': (s, ctx) => zoneIdOf(ctx, s.zone),
  availabilityZoneId: (s, ctx) => zoneIdOf(ctx, s.zone),
  'default-for-az': (s) => String(s.defaultForAz),
  defaultForAz: (s) => String(s.defaultForAz),
  'map-public-ip-on-launch': (s) => String(s.mapPublicIpOnLaunch),
  'cidr-block': (s) => s.cidr,
  cidr: (s) => s.cidr,
  cidrBlock: (s) => s.cidr,
};

const GROUP_FILTERS: FilterTable<EmulatedSecurityGroup> = {
  'owner-id': COMMON_FILTERS['owner-id'],
  'group-id': (g) => g.groupId,
  'group-name': (g) => g.groupName,
  'vpc-id': (g) => g.vpcId,
  description: (g) => g.description,
};

/** The items that pass every filter of the call, read through `table` (and, where `idOf` is given, the tag filters). */
function filtered<T>(ctx: ActionContext, params: Parameters<ActionHandler>[1], items: readonly T[], table: FilterTable<T>, idOf?: (item: T) => string): T[] {
  const filters = filtersOf(params);
  const isTagFilter = (name: string): boolean => idOf !== undefined && (name.startsWith('tag:') || name === 'tag-key' || name === 'tag-value');
  for (const f of filters) if (!Object.hasOwn(table, f.name) && !isTagFilter(f.name)) invalidFilter(f.name);
  const network = networkOf(ctx.state);
  return items.filter((item) =>
    matchesAll(filters, item, (name, x) => {
      if (!isTagFilter(name)) return table[name]!(x, ctx);
      const tags = network.tagsOf(idOf!(x));
      if (name === 'tag-key') return [...tags.keys()];
      if (name === 'tag-value') return [...tags.values()];
      return tags.get(name.slice(4));
    }),
  );
}

/** The `DescribeVpcs` action. */
export const describeVpcs: ActionHandler = (ctx, params) => {
  const ids = textListOf(params.VpcId);
  const size = pageSize(params, 5, 1000);
  const network = networkOf(ctx.state);
  const inRegion = [...ctx.state.vpcs.values()].filter((v) => v.region === ctx.region && network.listed(v.vpcId));
  const candidates = ids.length > 0 ? findVpcs(ctx, ids) : inRegion;
  const { page, nextToken } = paginate(filtered(ctx, params, candidates, VPC_FILTERS, (v) => v.vpcId), params, size);
  return { vpcSet: page.map((v) => vpcXml(ctx, v)), nextToken };
};

/** The `DescribeSubnets` action. */
export const describeSubnets: ActionHandler = (ctx, params) => {
  const ids = textListOf(params.SubnetId);
  const size = pageSize(params, 5, 1000);
  const network = networkOf(ctx.state);
  const candidates = ids.length > 0 ? findSubnets(ctx, ids) : [...ctx.state.subnets.values()].filter((s) => s.region === ctx.region && network.listed(s.subnetId));
  const { page, nextToken } = paginate(filtered(ctx, params, candidates, SUBNET_FILTERS, (s) => s.subnetId), params, size);
  return { subnetSet: page.map((s) => subnetXml(ctx, s)), nextToken };
};

/** The `DescribeSecurityGroups` action. */
export const describeSecurityGroups: ActionHandler = (ctx, params) => {
  const { state } = ctx;
  const ids = textListOf(params.GroupId);
  const names = textListOf(params.GroupName);
  const size = pageSize(params, 5, 1000);
  if ((ids.length > 0 || names.length > 0) && params.MaxResults !== undefined) {
    throw new Ec2ApiError('InvalidParameterCombination', 'The parameter groupIds or groupNames cannot be used with the parameter maxResults');
  }
  let candidates = ids.length > 0 ? findGroups(ctx, ids) : [...state.securityGroups.values()].filter((g) => g.region === ctx.region);
  if (names.length > 0) {
    // GroupName.N names groups of the default VPC only (DescribeSecurityGroups reference); use the group-name filter for others.
    const vpc = state.defaultVpc(ctx.region)!;
    const missing = names.filter((n) => !state.groupByName(vpc.vpcId, n));
    if (missing.length > 0) throw new Ec2ApiError('InvalidGroup.NotFound', `The security group '${missing.join(', ')}' does not exist in default VPC '${vpc.vpcId}'`);
    candidates = candidates.filter((g) => g.vpcId === vpc.vpcId && names.includes(g.groupName));
  }
  const { page, nextToken } = paginate(filtered(ctx, params, candidates, GROUP_FILTERS), params, size);
  return { securityGroupInfo: page.map(groupXml), nextToken };
};

/** An IPv4 block as EC2 reads one: malformed text, or host bits set, is `InvalidParameterValue`. */
export function ec2Cidr(text: string, parameter: string): Cidr {
  let cidr: Cidr;
  try {
    cidr = parseCidr(text, { field: parameter });
  } catch {
    throw new Ec2ApiError('InvalidParameterValue', `Value (${text}) for parameter ${parameter} is invalid. This is not a valid CIDR block.`);
  }
  if (cidr.version !== 4 || !text.includes('/')) throw new Ec2ApiError('InvalidParameterValue', `Value (${text}) for parameter ${parameter} is invalid. This is not a valid CIDR block.`);
  return cidr;
}

/** Refuses a create beyond the quota `name` a test set (`faults.quota('vpcs', 5)`), with EC2's limit code. */
function checkQuota(ctx: ActionContext, name: string, used: number, code: string, message: string): void {
  const limit = ctx.faults.quotaOf(name);
  if (limit !== undefined && used + 1 > limit) throw new Ec2ApiError(code, message);
}

/** The `CreateVpc` action. */
export const createVpc: ActionHandler = (ctx, params) => {
  const text = required(params, 'CidrBlock');
  const cidr = ec2Cidr(text, 'cidrBlock');
  if (cidr.prefix < 16 || cidr.prefix > 28) throw new Ec2ApiError('InvalidVpc.Range', `The CIDR '${text}' is invalid.`);
  const tags = tagsFromSpecifications(params, 'vpc');
  const inRegion = [...ctx.state.vpcs.values()].filter((v) => v.region === ctx.region).length;
  checkQuota(ctx, 'vpcs', inRegion, 'VpcLimitExceeded', 'The maximum number of VPCs has been reached.');
  const network = networkOf(ctx.state);
  const vpc = ctx.state.addVpc({ region: ctx.region, cidr: cidr.text });
  network.register(vpc.vpcId, tags);
  network.mainRouteTable(vpc);
  // CreateVpc answers `pending`; describe calls see the VPC `available`.
  return { vpc: { ...(vpcXml(ctx, vpc) as Record<string, XmlValue>), state: 'pending' } };
};

/** The `DeleteVpc` action. */
export const deleteVpc: ActionHandler = (ctx, params) => {
  const { state } = ctx;
  const [vpc] = findVpcs(ctx, [required(params, 'VpcId')]);
  const network = networkOf(state);
  const vpcId = vpc!.vpcId;
  const instances = [...state.instances.values()].filter((i) => i.vpcId === vpcId && (state.advanceInstance(i), i.state !== 'terminated'));
  const blocking =
    [...state.subnets.values()].some((s) => s.vpcId === vpcId) ||
    [...state.securityGroups.values()].some((g) => g.vpcId === vpcId && g.groupName !== 'default') ||
    network.internetGatewayOf(vpcId) !== undefined ||
    network.vpnGatewayOf(vpcId) !== undefined ||
    instances.length > 0;
  if (blocking) throw new Ec2ApiError('DependencyViolation', `The vpc '${vpcId}' has dependencies and cannot be deleted.`);
  for (const [id, table] of network.routeTables) {
    if (table.vpcId === vpcId) {
      network.routeTables.delete(id);
      network.forget(id);
    }
  }
  for (const [id, group] of state.securityGroups) if (group.vpcId === vpcId) state.securityGroups.delete(id);
  // A VPC's peering connections go with it (VPC Peering Guide, "Delete a VPC peering connection").
  for (const p of network.livePeeringsOf(vpcId)) {
    p.state = 'deleting';
    p.message = `Deleting by ${EMULATOR_ACCOUNT_ID}`;
    p.transition = network.schedule('deleted', 0, `Deleted by ${EMULATOR_ACCOUNT_ID}`);
  }
  state.vpcs.delete(vpcId);
  network.forget(vpcId);
  return { return: true };
};

/** The zone of a new subnet: the one asked for (by name or id), else the zone of the VPC with fewest subnets. */
function subnetZone(ctx: ActionContext, params: Params, vpc: EmulatedVpc): string {
  const zones = ctx.state.zonesOf(vpc.region);
  const byName = textOf(params.AvailabilityZone);
  const byId = textOf(params.AvailabilityZoneId);
  const asked = byName ?? (byId === undefined ? undefined : zones.find((z) => zoneIdOf(ctx, z) === byId));
  if (byName !== undefined || byId !== undefined) {
    if (asked === undefined || !zones.includes(asked)) {
      throw new Ec2ApiError('InvalidParameterValue', `Value (${byName ?? byId}) for parameter availabilityZone is invalid. Subnets can currently only be created in the following availability zones: ${zones.join(', ')}.`);
    }
    return asked;
  }
  const count = (z: string): number => [...ctx.state.subnets.values()].filter((s) => s.vpcId === vpc.vpcId && s.zone === z).length;
  return [...zones].sort((a, b) => count(a) - count(b))[0]!;
}

/** The `CreateSubnet` action. */
export const createSubnet: ActionHandler = (ctx, params) => {
  const { state } = ctx;
  const [vpc] = findVpcs(ctx, [required(params, 'VpcId')]);
  const text = required(params, 'CidrBlock');
  const cidr = ec2Cidr(text, 'cidrBlock');
  if (cidr.prefix < 16 || cidr.prefix > 28 || !cidrContains(parseCidr(vpc!.cidr), cidr)) throw new Ec2ApiError('InvalidSubnet.Range', `The CIDR '${text}' is invalid.`);
  const siblings = [...state.subnets.values()].filter((s) => s.vpcId === vpc!.vpcId);
  if (siblings.some((s) => cidrsOverlap(parseCidr(s.cidr), cidr))) throw new Ec2ApiError('InvalidSubnet.Conflict', `The CIDR '${text}' conflicts with another subnet`);
  const zone = subnetZone(ctx, params, vpc!);
  const tags = tagsFromSpecifications(params, 'subnet');
  checkQuota(ctx, 'subnets', siblings.length, 'SubnetLimitExceeded', `The maximum number of subnets for VPC '${vpc!.vpcId}' has been reached.`);
  const subnet = state.addSubnet({ vpcId: vpc!.vpcId, zone, cidr: cidr.text, mapPublicIpOnLaunch: false });
  networkOf(state).register(subnet.subnetId, tags);
  return { subnet: subnetXml(ctx, subnet) };
};

/** The `DeleteSubnet` action. */
export const deleteSubnet: ActionHandler = (ctx, params) => {
  const { state } = ctx;
  const [subnet] = findSubnets(ctx, [required(params, 'SubnetId')]);
  const busy = [...state.instances.values()].some((i) => i.subnetId === subnet!.subnetId && (state.advanceInstance(i), i.state !== 'terminated'));
  if (busy) throw new Ec2ApiError('DependencyViolation', `The subnet '${subnet!.subnetId}' has dependencies and cannot be deleted.`);
  state.subnets.delete(subnet!.subnetId);
  networkOf(state).forget(subnet!.subnetId);
  return { return: true };
};
