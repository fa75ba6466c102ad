/**
 * VPC peering on AWS: one peering connection that both sides see, requested by one
 * (CreateVpcPeeringConnection) and accepted by the other (AcceptVpcPeeringConnection, in the
 * accepter's account and region). Per the VPC Peering Guide and the EC2 API Reference (read
 * 2026-12): the request answers `initiating-request` and turns `pending-acceptance`, or
 * `failed` on its own (overlapping CIDRs, a missing peer VPC); a cross-region request names
 * `PeerRegion`, a cross-account one `PeerOwnerId`; a failed, rejected or expired connection
 * cannot be deleted (AWS removes it); the accepter of a pending request rejects it instead.
 *
 * A side's role: the requester is the side whose VPC (account and region) made the request;
 * when one provider holds both VPCs, the companion's tags say which call it made.
 */
import type { AcceptVpcPeeringConnectionCommandOutput, CreateVpcPeeringConnectionCommandOutput, VpcPeeringConnection } from '@aws-sdk/client-ec2';
import { ConflictError, NotFoundError } from '../../provider/errors.js';
import type { Peering, PeeringAcceptanceInput, PeeringRequestInput } from '../../provider/network-types.js';
import type { AwsNetworkContext, CreateStamp } from './network-context.js';
import { awsCodeOf } from './network-error-mapping.js';
import { checkName, invalid } from './network-input-checks.js';
import { peeringOf } from './network-mapping.js';
import type { NetworkReader } from './network-reader.js';
import { checkLabels, createTags, keyDigest, NETWORK_TAG, tagMap } from './network-tags.js';
import type { AwsVpcs } from './network-vpcs.js';

/** Peering connections that can no longer be used, deleted or accepted: AWS removes them itself. */
const ENDED = new Set(['failed', 'rejected', 'expired', 'deleted']);

/** Peering requests and acceptances. */
export class AwsPeering {
  /** Works through the companion's context, reader and VPC operations. */
  constructor(
    private readonly ctx: AwsNetworkContext,
    private readonly reader: NetworkReader,
    private readonly vpcs: AwsVpcs,
  ) {}

  /** A peering connection by id, seen from one of the configured regions. */
  locate(id: string, signal: AbortSignal | undefined): Promise<{ value: VpcPeeringConnection; region: string }> {
    return this.ctx.calls.locate('peering', id, (region) => this.reader.peering(region, id, signal));
  }

  /** This provider's role in a peering connection. */
  async roleOf(pcx: VpcPeeringConnection, signal: AbortSignal | undefined): Promise<'requester' | 'accepter'> {
    const account = await this.ctx.account.ensure(signal);
    const mine = (side: VpcPeeringConnection['RequesterVpcInfo']): boolean => side?.OwnerId === account && side.Region !== undefined && this.ctx.regions.includes(side.Region);
    const requester = mine(pcx.RequesterVpcInfo);
    const accepter = mine(pcx.AccepterVpcInfo);
    if (requester && accepter) {
      const tags = tagMap(pcx.Tags);
      return tags.get(NETWORK_TAG.acceptedBy) === this.ctx.provider && tags.get(NETWORK_TAG.requestedBy) !== this.ctx.provider ? 'accepter' : 'requester';
    }
    return accepter ? 'accepter' : 'requester';
  }

  /** The peering as this provider sees it. */
  async view(pcx: VpcPeeringConnection, region: string, signal: AbortSignal | undefined, role?: 'requester' | 'accepter'): Promise<Peering> {
    return peeringOf(pcx, role ?? (await this.roleOf(pcx, signal)), await this.ctx.mapping(region));
  }

  /**
   * The region of the peer VPC when the caller names none: for a VPC of this account, the
   * configured region that has it; for another account's, this side's region (AWS's default).
   */
  private async peerRegionOf(input: PeeringRequestInput, own: string, account: string, signal: AbortSignal | undefined): Promise<string> {
    if (input.peerRegion !== undefined) return input.peerRegion;
    if (input.peerAccount !== undefined && input.peerAccount !== account) return own;
    try {
      return (await this.vpcs.locate(input.peerNetworkId, signal)).region;
    } catch (error) {
      if (!NotFoundError.isInstance(error)) throw error;
      throw new NotFoundError({
        provider: this.ctx.provider,
        message: `peer network ${input.peerNetworkId} not found in ${this.ctx.regions.join(', ')}; name its region (peerRegion)`,
        resourceType: 'network',
        resourceId: input.peerNetworkId,
      });
    }
  }

  /** CreateVpcPeeringConnection from one of this provider's networks. */
  async request(input: PeeringRequestInput, stamp: CreateStamp, signal: AbortSignal | undefined): Promise<Peering> {
    const { provider } = this.ctx;
    checkName(input.name, provider);
    checkLabels(input.labels);
    if (input.peerNetworkId === input.networkId) throw invalid('peerNetworkId', 'a network cannot peer with itself', provider);
    if (input.peerAccount !== undefined && !/^\d{12}$/.test(input.peerAccount)) throw invalid('peerAccount', 'an AWS account id is 12 digits', provider);
    const { value: vpc, region } = await this.vpcs.locate(input.networkId, signal);
    const account = await this.ctx.account.ensure(signal);
    const peerRegion = await this.peerRegionOf(input, region, account, signal);
    const tags = createTags({ ...stamp, name: input.name, labels: input.labels, provider, extra: { [NETWORK_TAG.requestedBy]: provider } });
    const out = await this.ctx.calls.create<CreateVpcPeeringConnectionCommandOutput>(region, { operation: 'requestPeering', resourceType: 'peering' }, signal, (sdk) =>
      new sdk.CreateVpcPeeringConnectionCommand({
        VpcId: vpc.VpcId,
        PeerVpcId: input.peerNetworkId,
        PeerRegion: peerRegion === region ? undefined : peerRegion,
        PeerOwnerId: input.peerAccount !== undefined && input.peerAccount !== account ? input.peerAccount : undefined,
        TagSpecifications: [{ ResourceType: 'vpc-peering-connection', Tags: tags }],
      }),
    );
    let pcx = out.VpcPeeringConnection!;
    this.ctx.calls.remember(pcx.VpcPeeringConnectionId!, region);
    // One look past `initiating-request`, so that an overlap refused at once reads `failed` now.
    pcx = (await this.reader.peering(region, pcx.VpcPeeringConnectionId!, signal).catch(() => undefined)) ?? pcx;
    return this.view(pcx, region, signal, 'requester');
  }

  /** Accepts a request to one of this provider's networks (a repeat, once accepted, changes nothing). */
  async accept(input: PeeringAcceptanceInput, stamp: CreateStamp, signal: AbortSignal | undefined): Promise<Peering> {
    const { provider } = this.ctx;
    checkName(input.name, provider);
    checkLabels(input.labels);
    const { value: found } = await this.locate(input.requestId, signal);
    let pcx = found;
    const requester = pcx.RequesterVpcInfo;
    const accepter = pcx.AccepterVpcInfo;
    if (accepter?.VpcId !== input.networkId || requester?.VpcId !== input.peerNetworkId) {
      throw new ConflictError({ provider, message: `peering ${input.requestId} does not join ${input.networkId} to ${input.peerNetworkId}` });
    }
    const code = pcx.Status?.Code ?? 'unknown';
    if (ENDED.has(code)) throw new ConflictError({ provider, message: `peering ${input.requestId} has ${code}: ${pcx.Status?.Message ?? 'refused'}` });
    const region = accepter.Region!;
    if (!this.ctx.regions.includes(region)) throw invalid('requestId', `the request is accepted in the accepter's region ${region}, which this provider does not work in`, provider);
    const account = await this.ctx.account.ensure(signal);
    if (accepter.OwnerId !== account) throw invalid('networkId', `network ${input.networkId} belongs to account ${accepter.OwnerId}, not ${account}`, provider);
    const id = pcx.VpcPeeringConnectionId!;
    if (code === 'pending-acceptance') {
      try {
        // One attempt: a retry after a lost answer would find the connection accepted and fail.
        const out = await this.ctx.calls.create<AcceptVpcPeeringConnectionCommandOutput>(region, { operation: 'acceptPeering', resourceType: 'peering', resourceId: id }, signal, (sdk) =>
          new sdk.AcceptVpcPeeringConnectionCommand({ VpcPeeringConnectionId: id }),
        );
        pcx = out.VpcPeeringConnection ?? pcx;
      } catch (error) {
        // Accepted meanwhile (by an earlier attempt whose answer was lost): that is this accept.
        const now = awsCodeOf(error) === 'InvalidStateTransition' ? await this.reader.peering(region, id, signal) : undefined;
        if (now?.Status?.Code !== 'provisioning' && now?.Status?.Code !== 'active') throw error;
        pcx = now;
      }
    }
    const acceptTags = [
      { Key: NETWORK_TAG.acceptedBy, Value: provider },
      ...(stamp.idempotencyKey === undefined ? [] : [{ Key: NETWORK_TAG.acceptKey, Value: keyDigest(stamp.idempotencyKey) }]),
    ];
    // Tagged after the accept: the tag marks an accept that happened, so that a lost answer is found.
    await this.ctx.calls.send(region, { operation: 'acceptPeering', resourceType: 'peering', resourceId: id, mutating: true }, signal, (c, s) =>
      c.send(new s.CreateTagsCommand({ Resources: [id], Tags: acceptTags }), { abortSignal: signal }),
    );
    this.ctx.calls.remember(id, region);
    return this.view({ ...pcx, Tags: [...(pcx.Tags ?? []).filter((t) => !acceptTags.some((a) => a.Key === t.Key)), ...acceptTags] }, region, signal, 'accepter');
  }

  /** Deletes a peering connection (or rejects a pending request to this side); one that has ended needs nothing. */
  async delete(id: string, signal: AbortSignal | undefined): Promise<boolean> {
    let found;
    try {
      found = await this.locate(id, signal);
    } catch (error) {
      if (NotFoundError.isInstance(error)) return false;
      throw error;
    }
    const { value: pcx } = found;
    const code = pcx.Status?.Code ?? 'unknown';
    if (ENDED.has(code) || code === 'deleting') return true;
    const role = await this.roleOf(pcx, signal);
    const region = (role === 'requester' ? pcx.RequesterVpcInfo?.Region : pcx.AccepterVpcInfo?.Region) ?? found.region;
    const reject = code === 'pending-acceptance' && role === 'accepter';
    try {
      await this.ctx.calls.send(region, { operation: 'delete', resourceType: 'peering', resourceId: id, mutating: true }, signal, (c, s) =>
        reject
          ? c.send(new s.RejectVpcPeeringConnectionCommand({ VpcPeeringConnectionId: id }), { abortSignal: signal })
          : c.send(new s.DeleteVpcPeeringConnectionCommand({ VpcPeeringConnectionId: id }), { abortSignal: signal }),
      );
    } catch (error) {
      // Gone, or ended between the read and the delete: nothing is left to do.
      if (!NotFoundError.isInstance(error) && awsCodeOf(error) !== 'InvalidStateTransition') throw error;
    }
    return true;
  }
}
