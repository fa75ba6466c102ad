/**
 * Networks and subnets of the AWS companion: CreateVpc / DeleteVpc and CreateSubnet /
 * DeleteSubnet, and the internet gateway an `internet` route needs (made, tagged as the
 * companion's, the first time a network gets such a route; detached and deleted with the
 * network). A network in use (subnets, an attached VPN gateway, a live peering) is a
 * `ConflictError` before anything is touched; EC2's own `DependencyViolation` says the rest
 * (instances, security groups, a gateway the companion did not make).
 */
import type { CreateSubnetCommandOutput, CreateVpcCommandOutput, Vpc } from '@aws-sdk/client-ec2';
import { ConflictError, NotFoundError } from '../../provider/errors.js';
import type { Network, NetworkInput, Subnet, SubnetInput } from '../../provider/network-types.js';
import { loadCidr, type AwsNetworkContext, type CreateStamp } from './network-context.js';
import { checkName, checkRegion, invalid, subnetBlockOf, vpcBlockOf } from './network-input-checks.js';
import { networkOf, subnetOf } from './network-mapping.js';
import type { NetworkReader } from './network-reader.js';
import { checkLabels, createTags, NETWORK_TAG, tagMap } from './network-tags.js';

/** Peering states that still join two VPCs (VPC Peering Guide, read 2026-12). */
const LIVE_PEERING = ['initiating-request', 'pending-acceptance', 'provisioning', 'active'];

/** VPCs and subnets. */
export class AwsVpcs {
  /** Works through the companion's context and reader. */
  constructor(
    private readonly ctx: AwsNetworkContext,
    private readonly reader: NetworkReader,
  ) {}

  /** A VPC by id, in whichever configured region has it. */
  locate(id: string, signal: AbortSignal | undefined): Promise<{ value: Vpc; region: string }> {
    return this.ctx.calls.locate('network', id, (region) => this.reader.vpc(region, id, signal));
  }

  /** CreateVpc with the companion's tags. */
  async createNetwork(input: NetworkInput, stamp: CreateStamp, signal: AbortSignal | undefined): Promise<Network> {
    const { provider } = this.ctx;
    checkName(input.name, provider);
    const block = vpcBlockOf(input.cidrs, await loadCidr(), provider);
    checkLabels(input.labels);
    const region = input.region ?? this.ctx.defaultRegion;
    checkRegion(region, this.ctx.regions, provider);
    const tags = createTags({ ...stamp, name: input.name, labels: input.labels, provider });
    const out = await this.ctx.calls.create<CreateVpcCommandOutput>(region, { operation: 'createNetwork', resourceType: 'network' }, signal, (sdk) =>
      new sdk.CreateVpcCommand({ CidrBlock: block, TagSpecifications: [{ ResourceType: 'vpc', Tags: tags }] }),
    );
    const vpc = out.Vpc!;
    this.ctx.account.learn(vpc.OwnerId);
    this.ctx.calls.remember(vpc.VpcId!, region);
    return networkOf(vpc, await this.ctx.mapping(region));
  }

  /** CreateSubnet in the network's region; a block outside the network is refused before the call. */
  async createSubnet(input: SubnetInput, stamp: CreateStamp, signal: AbortSignal | undefined): Promise<Subnet> {
    const { provider } = this.ctx;
    checkName(input.name, provider);
    const cidr = await loadCidr();
    const block = subnetBlockOf(input.cidr, cidr, provider);
    checkLabels(input.labels);
    const { value: vpc, region } = await this.locate(input.networkId, signal);
    const inside = networkOf(vpc, await this.ctx.mapping(region)).cidrs.some((c) => cidr.cidrContains(cidr.parseCidr(c), cidr.parseCidr(block)));
    if (!inside) throw invalid('cidr', `${block} is not inside the network's ranges (${vpc.CidrBlock})`, provider);
    const tags = createTags({ ...stamp, name: input.name, labels: input.labels, provider });
    const out = await this.ctx.calls.create<CreateSubnetCommandOutput>(region, { operation: 'createSubnet', resourceType: 'subnet' }, signal, (sdk) =>
      new sdk.CreateSubnetCommand({ VpcId: vpc.VpcId, CidrBlock: block, AvailabilityZone: input.zone, TagSpecifications: [{ ResourceType: 'subnet', Tags: tags }] }),
    );
    this.ctx.calls.remember(out.Subnet!.SubnetId!, region);
    return subnetOf(out.Subnet!, await this.ctx.mapping(region));
  }

  /** Deletes a network: refused while in use; its companion-made internet gateway goes first. */
  async deleteNetwork(id: string, signal: AbortSignal | undefined): Promise<boolean> {
    let found;
    try {
      found = await this.locate(id, signal);
    } catch (error) {
      if (NotFoundError.isInstance(error)) return false;
      throw error;
    }
    const { region } = found;
    const users: string[] = [];
    for (const s of await this.reader.subnets(region, [{ Name: 'vpc-id', Values: [id] }], signal)) users.push(`subnet ${s.SubnetId}`);
    for (const g of await this.reader.vpnGateways(region, [{ Name: 'attachment.vpc-id', Values: [id] }], signal)) {
      if ((g.VpcAttachments ?? []).some((a) => a.VpcId === id && a.State !== 'detached')) users.push(`vpn-gateway ${g.VpnGatewayId}`);
    }
    for (const side of ['requester-vpc-info.vpc-id', 'accepter-vpc-info.vpc-id']) {
      for (const p of await this.reader.peerings(region, [{ Name: side, Values: [id] }, { Name: 'status-code', Values: LIVE_PEERING }], signal)) users.push(`peering ${p.VpcPeeringConnectionId}`);
    }
    if (users.length > 0) throw new ConflictError({ provider: this.ctx.provider, message: `network ${id} is still used by ${[...new Set(users)].join(', ')}` });
    for (const igw of await this.reader.internetGateways(region, [{ Name: 'attachment.vpc-id', Values: [id] }], signal)) {
      if (tagMap(igw.Tags).get(NETWORK_TAG.managedFor) !== id) continue;
      await this.removeInternetGateway(region, igw.InternetGatewayId!, id, signal);
    }
    try {
      await this.ctx.calls.send(region, { operation: 'delete', resourceType: 'network', resourceId: id, mutating: true }, signal, (c, s) => c.send(new s.DeleteVpcCommand({ VpcId: id }), { abortSignal: signal }));
    } catch (error) {
      if (!NotFoundError.isInstance(error)) throw error;
    }
    this.ctx.calls.forget(id);
    return true;
  }

  /** Deletes a subnet. */
  async deleteSubnet(id: string, signal: AbortSignal | undefined): Promise<boolean> {
    let region: string;
    try {
      ({ region } = await this.ctx.calls.locate('subnet', id, (r) => this.reader.subnet(r, id, signal)));
    } catch (error) {
      if (NotFoundError.isInstance(error)) return false;
      throw error;
    }
    try {
      await this.ctx.calls.send(region, { operation: 'delete', resourceType: 'subnet', resourceId: id, mutating: true }, signal, (c, s) => c.send(new s.DeleteSubnetCommand({ SubnetId: id }), { abortSignal: signal }));
    } catch (error) {
      if (!NotFoundError.isInstance(error)) throw error;
    }
    this.ctx.calls.forget(id);
    return true;
  }

  /**
   * The internet gateway of a VPC: the one attached, else one the companion made for it earlier
   * (a create whose answer was lost), else a new one, tagged as the companion's.
   */
  async internetGateway(region: string, vpcId: string, signal: AbortSignal | undefined): Promise<string> {
    const attached = await this.reader.internetGateways(region, [{ Name: 'attachment.vpc-id', Values: [vpcId] }], signal);
    if (attached[0]?.InternetGatewayId) return attached[0].InternetGatewayId;
    const made = await this.reader.internetGateways(region, [{ Name: `tag:${NETWORK_TAG.managedFor}`, Values: [vpcId] }], signal);
    let id = made.find((g) => (g.Attachments ?? []).length === 0)?.InternetGatewayId;
    if (id === undefined) {
      const out = await this.ctx.calls.create<{ InternetGateway?: { InternetGatewayId?: string } }>(region, { operation: 'createRoute', resourceType: 'internet-gateway' }, signal, (sdk) =>
        new sdk.CreateInternetGatewayCommand({
          TagSpecifications: [{ ResourceType: 'internet-gateway', Tags: [{ Key: NETWORK_TAG.managedFor, Value: vpcId }, { Key: NETWORK_TAG.provider, Value: this.ctx.provider }] }],
        }),
      );
      id = out.InternetGateway!.InternetGatewayId!;
    }
    try {
      await this.ctx.calls.send(region, { operation: 'createRoute', resourceType: 'internet-gateway', resourceId: id, mutating: true }, signal, (c, s) =>
        c.send(new s.AttachInternetGatewayCommand({ InternetGatewayId: id, VpcId: vpcId }), { abortSignal: signal }),
      );
    } catch (error) {
      // A retry after a lost answer finds it attached already (`Resource.AlreadyAssociated`): that is this attach.
      if (!ConflictError.isInstance(error)) throw error;
      const now = await this.reader.internetGateways(region, [{ Name: 'attachment.vpc-id', Values: [vpcId] }], signal);
      if (now[0]?.InternetGatewayId !== id) throw error;
    }
    return id;
  }

  private async removeInternetGateway(region: string, igwId: string, vpcId: string, signal: AbortSignal | undefined): Promise<void> {
    const ctx = { operation: 'delete', resourceType: 'internet-gateway', resourceId: igwId, mutating: true };
    try {
      await this.ctx.calls.send(region, ctx, signal, (c, s) => c.send(new s.DetachInternetGatewayCommand({ InternetGatewayId: igwId, VpcId: vpcId }), { abortSignal: signal }));
    } catch (error) {
      // Already detached (`Gateway.NotAttached` reads as a conflict) or gone: go on to delete it.
      if (!NotFoundError.isInstance(error) && !ConflictError.isInstance(error)) throw error;
    }
    try {
      await this.ctx.calls.send(region, ctx, signal, (c, s) => c.send(new s.DeleteInternetGatewayCommand({ InternetGatewayId: igwId }), { abortSignal: signal }));
    } catch (error) {
      if (!NotFoundError.isInstance(error)) throw error;
    }
  }
}
