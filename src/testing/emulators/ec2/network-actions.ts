/**
 * Network actions: DescribeVpcs, DescribeSubnets and DescribeSecurityGroups over the account's
 * VPCs (the default one per region, and those a test added), with the filters and error codes
 * of the EC2 API Reference (read 2026-11): malformed ids are `InvalidVpcID.Malformed`,
 * `InvalidSubnetID.Malformed`, `InvalidGroupId.Malformed`; unknown ones `InvalidVpcID.NotFound`,
 * `InvalidSubnetID.NotFound`, `InvalidGroup.NotFound`; group names given without a VPC filter are
 * looked up in the default VPC.
 */
import { matchesAll, pageSize, paginate, type ActionContext, type ActionHandler } from './action-support.js';
import { Ec2ApiError } from './ec2-api-error.js';
import { EMULATOR_ACCOUNT_ID, type EmulatedSecurityGroup, type EmulatedSubnet, type EmulatedVpc } from './ec2-state.js';
import { filtersOf, textListOf } from './query-request.js';
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

/** The security groups named by id in the call's region; EC2's errors otherwise. */
export function findGroups(ctx: ActionContext, ids: readonly string[]): EmulatedSecurityGroup[] {
  return lookUp(ids, ctx.state.securityGroups, ctx, { shape: GROUP_ID, malformed: 'InvalidGroupId.Malformed', notFound: 'InvalidGroup.NotFound', expecting: 'sg-...', noun: 'security group' });
}

function invalidFilter(name: string): never {
  throw new Ec2ApiError('InvalidParameterValue', `The filter '${name}' is invalid`);
}

function vpcXml(v: EmulatedVpc): XmlValue {
  return {
    vpcId: v.vpcId,
    ownerId: EMULATOR_ACCOUNT_ID,
    state: 'available',
    cidrBlock: v.cidr,
    cidrBlockAssociationSet: [{ associationId: `vpc-cidr-assoc-${v.vpcId.slice(4)}`, cidrBlock: v.cidr, cidrBlockState: { state: 'associated' } }],
    dhcpOptionsId: 'dopt-0f0e0d0c0b0a09080',
    instanceTenancy: 'default',
    isDefault: v.isDefault,
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

/** The items that pass every filter of the call, read through `table`. */
function filtered<T>(ctx: ActionContext, params: Parameters<ActionHandler>[1], items: readonly T[], table: FilterTable<T>): T[] {
  const filters = filtersOf(params);
  for (const f of filters) if (!Object.hasOwn(table, f.name)) invalidFilter(f.name);
  return items.filter((item) => matchesAll(filters, item, (name, x) => table[name]!(x, ctx)));
}

/** The `DescribeVpcs` action. */
export const describeVpcs: ActionHandler = (ctx, params) => {
  const ids = textListOf(params.VpcId);
  const size = pageSize(params, 5, 1000);
  const inRegion = [...ctx.state.vpcs.values()].filter((v) => v.region === ctx.region);
  const candidates = ids.length > 0 ? lookUp(ids, ctx.state.vpcs, ctx, { shape: VPC_ID, malformed: 'InvalidVpcID.Malformed', notFound: 'InvalidVpcID.NotFound', expecting: 'vpc-...', noun: 'vpc ID' }) : inRegion;
  const { page, nextToken } = paginate(filtered(ctx, params, candidates, VPC_FILTERS), params, size);
  return { vpcSet: page.map(vpcXml), nextToken };
};

/** The `DescribeSubnets` action. */
export const describeSubnets: ActionHandler = (ctx, params) => {
  const ids = textListOf(params.SubnetId);
  const size = pageSize(params, 5, 1000);
  const candidates = ids.length > 0 ? findSubnets(ctx, ids) : [...ctx.state.subnets.values()].filter((s) => s.region === ctx.region);
  const { page, nextToken } = paginate(filtered(ctx, params, candidates, SUBNET_FILTERS), params, size);
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
