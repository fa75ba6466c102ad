/**
 * What a launch needs to know about the network before RunInstances: the zone and VPC of a
 * subnet (DescribeSubnets), and the ids of security groups given by name
 * (DescribeSecurityGroups in the subnet's VPC, or the region's default VPC from DescribeVpcs).
 * EC2 takes only group ids on a network interface (a name there is `InvalidGroupId.Malformed`),
 * and a subnet fixes the zone, so both are settled before the instance type is chosen. Answers
 * are cached per region (subnets, default VPC) and per region + VPC (group names): subnets do
 * not move, and a group keeps its id for its life.
 */
import { InvalidSpecError, NotFoundError, NovacronError } from '../../provider/errors.js';
import type { AwsApi } from './aws-api.js';
import { awsErrorCode } from './error-mapping.js';

/** What the adapter needs of a subnet. */
export interface SubnetFacts {
  /** Subnet id. */
  readonly subnetId: string;
  /** Its VPC. */
  readonly vpcId: string;
  /** Its availability zone. */
  readonly zone: string;
}

/** Security group ids: `sg-` and 8 or 17 hex digits; anything else is a name. */
const GROUP_ID = /^sg-([0-9a-f]{8}|[0-9a-f]{17})$/;

/** True when `value` has the shape of a security group id. */
export function isSecurityGroupId(value: string): boolean {
  return GROUP_ID.test(value);
}

/** The AWS code behind a mapped error (`cause`), or of the error itself. */
function codeOf(error: unknown): string | undefined {
  return NovacronError.isInstance(error) ? awsErrorCode(error.cause) : awsErrorCode(error);
}

/** Subnet, default VPC and security group lookups, cached. */
export class AwsNetworkResolver {
  private readonly subnets = new Map<string, Promise<SubnetFacts>>();
  private readonly defaultVpcs = new Map<string, Promise<string>>();
  /** Group ids by name, per `region/vpc`. */
  private readonly groups = new Map<string, Map<string, string>>();

  /** Keeps the API; nothing is called yet. */
  constructor(
    private readonly api: AwsApi,
    private readonly providerName: string,
  ) {}

  /** The subnet's zone and VPC; `InvalidSpecError` on `network.subnet` when the region has no such subnet. */
  subnet(region: string, subnetId: string, signal: AbortSignal | undefined): Promise<SubnetFacts> {
    const key = `${region}/${subnetId}`;
    let facts = this.subnets.get(key);
    if (!facts) {
      facts = this.describeSubnet(region, subnetId, signal);
      this.subnets.set(key, facts);
      // A failed look-up is not remembered: the next launch asks again.
      facts.catch(() => this.subnets.delete(key));
    }
    return facts;
  }

  private async describeSubnet(region: string, subnetId: string, signal: AbortSignal | undefined): Promise<SubnetFacts> {
    try {
      const out = await this.api.run(region, { operation: 'createVM', resourceType: 'subnet', resourceId: subnetId }, signal, (client, sdk) =>
        client.send(new sdk.DescribeSubnetsCommand({ SubnetIds: [subnetId] }), { abortSignal: signal }),
      );
      const s = out.Subnets?.find((x) => x.SubnetId === subnetId);
      if (!s?.VpcId || !s.AvailabilityZone) throw new NotFoundError({ provider: this.providerName, message: `DescribeSubnets did not return ${subnetId}` });
      return { subnetId, vpcId: s.VpcId, zone: s.AvailabilityZone };
    } catch (error) {
      const code = codeOf(error);
      if (NotFoundError.isInstance(error) || code?.startsWith('InvalidSubnetID')) {
        throw new InvalidSpecError({ provider: this.providerName, cause: error, issues: [{ field: 'network.subnet', message: `no subnet "${subnetId}" in ${region}${code ? ` (${code})` : ''}` }] });
      }
      throw error;
    }
  }

  /**
   * Security group ids for `namesOrIds`: ids pass as they are; names are looked up in `vpcId`
   * (the region's default VPC when absent). Unknown names are one `InvalidSpecError` on
   * `network.securityGroups` that lists them all.
   */
  async groupIds(region: string, vpcId: string | undefined, namesOrIds: readonly string[], signal: AbortSignal | undefined): Promise<string[]> {
    const names = [...new Set(namesOrIds.filter((g) => !isSecurityGroupId(g)))];
    if (names.length === 0) return [...new Set(namesOrIds)];
    const vpc = vpcId ?? (await this.defaultVpc(region, signal));
    const key = `${region}/${vpc}`;
    let known = this.groups.get(key);
    if (!known) {
      known = new Map();
      this.groups.set(key, known);
    }
    const unknown = names.filter((n) => !known.has(n));
    if (unknown.length > 0) {
      const out = await this.api.run(region, { operation: 'createVM', resourceType: 'security-group' }, signal, (client, sdk) =>
        client.send(
          new sdk.DescribeSecurityGroupsCommand({ Filters: [{ Name: 'vpc-id', Values: [vpc] }, { Name: 'group-name', Values: unknown.map(literalFilterValue) }] }),
          { abortSignal: signal },
        ),
      );
      for (const g of out.SecurityGroups ?? []) if (g.GroupName && g.GroupId && g.VpcId === vpc) known.set(g.GroupName, g.GroupId);
    }
    const missing = names.filter((n) => !known.has(n));
    if (missing.length > 0) {
      throw new InvalidSpecError({
        provider: this.providerName,
        issues: [{ field: 'network.securityGroups', message: `no security group named ${missing.map((n) => `"${n}"`).join(', ')} in VPC ${vpc} (${region})` }],
      });
    }
    return [...new Set(namesOrIds.map((g) => (isSecurityGroupId(g) ? g : known.get(g)!)))];
  }

  /** The region's default VPC (DescribeVpcs `is-default`); `InvalidSpecError` when the account has none there. */
  private defaultVpc(region: string, signal: AbortSignal | undefined): Promise<string> {
    let vpc = this.defaultVpcs.get(region);
    if (!vpc) {
      vpc = this.api
        .run(region, { operation: 'createVM', resourceType: 'vpc' }, signal, (client, sdk) =>
          client.send(new sdk.DescribeVpcsCommand({ Filters: [{ Name: 'is-default', Values: ['true'] }] }), { abortSignal: signal }),
        )
        .then((out) => {
          const id = out.Vpcs?.[0]?.VpcId;
          if (!id) {
            throw new InvalidSpecError({
              provider: this.providerName,
              issues: [{ field: 'network.securityGroups', message: `security groups given by name need a subnet (or a default VPC, which ${region} has none of)` }],
            });
          }
          return id;
        });
      this.defaultVpcs.set(region, vpc);
      vpc.catch(() => this.defaultVpcs.delete(region));
    }
    return vpc;
  }
}

/** `*` and `?` are wildcards in EC2 filter values; a group name means itself. */
function literalFilterValue(value: string): string {
  return value.replace(/[\\*?]/g, '\\$&');
}
