/**
 * VPC peering actions: CreateVpcPeeringConnection, AcceptVpcPeeringConnection,
 * RejectVpcPeeringConnection, DeleteVpcPeeringConnection and DescribeVpcPeeringConnections. Per
 * the EC2 API Reference and the VPC Peering Guide ("VPC peering connection lifecycle", "Invalid
 * peering configurations", read 2026-12):
 * - a request answers `initiating-request` and then turns `pending-acceptance`, or `failed`
 *   when the two VPCs' blocks overlap or the peer VPC does not exist (for the emulator's own
 *   account; a request to another account's VPC waits for an acceptance that never comes, and
 *   expires after 7 days); no ClientToken; one live connection per VPC pair
 *   (`VpcPeeringConnectionAlreadyExists`);
 * - a cross-region request (`PeerRegion`) is one connection, seen from both regions; only the
 *   accepter's account, in the accepter's region, accepts or rejects it
 *   (`OperationNotPermitted`), and only while it is `pending-acceptance`
 *   (`InvalidStateTransition`); it is then `provisioning`, then `active`;
 * - either side deletes an active connection; only the requester a pending one; a failed,
 *   rejected or expired one cannot be deleted (`InvalidStateTransition`): AWS removes it itself.
 */
import { cidrsOverlap, parseCidr } from '../../../provider/cidr.js';
import { pageSize, paginate, type ActionContext, type ActionHandler } from './action-support.js';
import { Ec2ApiError } from './ec2-api-error.js';
import { EMULATOR_ACCOUNT_ID } from './ec2-state.js';
import { tagSetXml } from './instance-xml.js';
import { findVpcs, VPC_ID } from './network-actions.js';
import { findAll, findOne, required } from './network-lookup.js';
import { filterItems, tagsFromSpecifications } from './network-tagging.js';
import { textListOf, textOf } from './query-request.js';
import { LIVE_PEERING, networkIdShape, networkOf, newNetworkId, type Ec2Network, type PeeringRecord, type PeeringSide, type PeeringStatus } from './vpc-network-state.js';
import type { XmlValue } from './xml-writer.js';

const WORDS = { shape: networkIdShape('pcx'), malformed: 'InvalidVpcPeeringConnectionId.Malformed', notFound: 'InvalidVpcPeeringConnectionID.NotFound', noun: 'vpcPeeringConnection ID' } as const;
const SHOWS_ACCEPTER_CIDR: ReadonlySet<PeeringStatus> = new Set(['provisioning', 'active', 'deleting', 'deleted']);

function sideXml(side: PeeringSide, showCidr: boolean): XmlValue {
  return {
    ownerId: side.ownerId,
    vpcId: side.vpcId,
    region: side.region,
    cidrBlock: showCidr ? side.cidr : undefined,
    cidrBlockSet: showCidr && side.cidr !== undefined ? [{ cidrBlock: side.cidr }] : undefined,
  };
}

function peeringXml(network: Ec2Network, p: PeeringRecord): XmlValue {
  return {
    vpcPeeringConnectionId: p.vpcPeeringConnectionId,
    requesterVpcInfo: sideXml(p.requester, true),
    accepterVpcInfo: sideXml(p.accepter, SHOWS_ACCEPTER_CIDR.has(p.state)),
    status: { code: p.state, message: p.message },
    expirationTime: p.state === 'pending-acceptance' && p.expiresAt !== undefined ? new Date(p.expiresAt) : undefined,
    tagSet: tagSetXml(network.tagsOf(p.vpcPeeringConnectionId)),
  };
}

/** True when the caller's region sees the connection (it has a side there). */
function visibleFrom(ctx: ActionContext): (p: PeeringRecord) => boolean {
  return (p) => p.requester.region === ctx.region || p.accepter.region === ctx.region;
}

function peeringOf(ctx: ActionContext, network: Ec2Network, id: string): PeeringRecord {
  return findOne(id, network.peerings, visibleFrom(ctx), WORDS);
}

/** What a new request turns into: `pending-acceptance`, or `failed` with AWS's reason. */
function outcomeOf(ctx: ActionContext, requesterCidr: string, accepter: PeeringSide): { to: PeeringStatus; message: string } {
  if (accepter.ownerId !== EMULATOR_ACCOUNT_ID) return { to: 'pending-acceptance', message: `Pending Acceptance by ${accepter.ownerId}` };
  const peer = ctx.state.vpcs.get(accepter.vpcId);
  if (!peer || peer.region !== accepter.region) return { to: 'failed', message: `Failed due to incorrect VPC-ID, Account ID, or overlapping CIDR range: VPC ${accepter.vpcId} does not exist in ${accepter.region}` };
  if (cidrsOverlap(parseCidr(requesterCidr), parseCidr(peer.cidr))) return { to: 'failed', message: `Overlapping CIDR range: ${requesterCidr} overlaps ${peer.cidr}` };
  return { to: 'pending-acceptance', message: `Pending Acceptance by ${accepter.ownerId}` };
}

/** The `CreateVpcPeeringConnection` action. */
export const createVpcPeeringConnection: ActionHandler = (ctx, params) => {
  const network = networkOf(ctx.state);
  const [vpc] = findVpcs(ctx, [required(params, 'VpcId')]);
  const peerVpcId = required(params, 'PeerVpcId');
  if (!VPC_ID.test(peerVpcId)) throw new Ec2ApiError('InvalidVpcID.Malformed', `Invalid id: "${peerVpcId}" (expecting "vpc-...")`);
  if (peerVpcId === vpc!.vpcId) throw new Ec2ApiError('InvalidParameterValue', 'A VPC cannot be peered with itself');
  const peerRegion = textOf(params.PeerRegion) ?? ctx.region;
  if (!ctx.state.regions.has(peerRegion)) throw new Ec2ApiError('InvalidParameterValue', `Invalid region: ${peerRegion}`);
  const peerOwner = textOf(params.PeerOwnerId) ?? EMULATOR_ACCOUNT_ID;
  if (!/^\d{12}$/.test(peerOwner)) throw new Ec2ApiError('InvalidParameterValue', `Value (${peerOwner}) for parameter peerOwnerId is invalid. It must be a 12-digit AWS account id`);
  const pair = [vpc!.vpcId, peerVpcId].sort().join('/');
  const existing = [...network.peerings.values()].find((p) => LIVE_PEERING.has(p.state) && [p.requester.vpcId, p.accepter.vpcId].sort().join('/') === pair);
  if (existing) throw new Ec2ApiError('VpcPeeringConnectionAlreadyExists', `A VPC peering connection between ${vpc!.vpcId} and ${peerVpcId} already exists (${existing.vpcPeeringConnectionId})`);
  const tags = tagsFromSpecifications(params, 'vpc-peering-connection');
  const limit = ctx.faults.quotaOf('peering-connections');
  if (limit !== undefined && network.livePeeringsOf(vpc!.vpcId).length >= limit) {
    throw new Ec2ApiError('VpcPeeringConnectionsPerVpcLimitExceeded', `The maximum number of VPC peering connections for ${vpc!.vpcId} has been reached.`);
  }
  const peerVpc = peerOwner === EMULATOR_ACCOUNT_ID ? ctx.state.vpcs.get(peerVpcId) : undefined;
  const accepter: PeeringSide = { vpcId: peerVpcId, ownerId: peerOwner, region: peerRegion, cidr: peerVpc?.region === peerRegion ? peerVpc.cidr : undefined };
  const next = outcomeOf(ctx, vpc!.cidr, accepter);
  const record: PeeringRecord = {
    vpcPeeringConnectionId: newNetworkId('pcx'),
    requester: { vpcId: vpc!.vpcId, ownerId: EMULATOR_ACCOUNT_ID, region: ctx.region, cidr: vpc!.cidr },
    accepter,
    state: 'initiating-request',
    message: `Initiating Request to ${peerOwner}`,
    transition: network.schedule(next.to, 0, next.message),
    expiresAt: undefined,
    purgeAt: undefined,
  };
  network.peerings.set(record.vpcPeeringConnectionId, record);
  network.register(record.vpcPeeringConnectionId, tags);
  return { vpcPeeringConnection: peeringXml(network, record) };
};

/** Refuses a caller that is not the accepter, in the accepter's region. */
function requireAccepter(ctx: ActionContext, p: PeeringRecord, verb: string): void {
  if (p.accepter.ownerId !== EMULATOR_ACCOUNT_ID) throw new Ec2ApiError('OperationNotPermitted', `User ${EMULATOR_ACCOUNT_ID} cannot ${verb} peering ${p.vpcPeeringConnectionId}`);
  if (p.accepter.region !== ctx.region) {
    throw new Ec2ApiError('OperationNotPermitted', `Peering ${p.vpcPeeringConnectionId} can only be ${verb}ed in the accepter's region ${p.accepter.region}`);
  }
}

function stateTransition(p: PeeringRecord, to: string): Ec2ApiError {
  return new Ec2ApiError('InvalidStateTransition', `Invalid state transition for ${p.vpcPeeringConnectionId}, attempted to transition from ${p.state} to ${to}`);
}

/** The `AcceptVpcPeeringConnection` action. */
export const acceptVpcPeeringConnection: ActionHandler = (ctx, params) => {
  const network = networkOf(ctx.state);
  const p = peeringOf(ctx, network, required(params, 'VpcPeeringConnectionId'));
  requireAccepter(ctx, p, 'accept');
  if (p.state !== 'pending-acceptance') throw stateTransition(p, 'provisioning');
  p.state = 'provisioning';
  p.message = 'Provisioning';
  p.expiresAt = undefined;
  p.transition = network.schedule('active', network.timings.peeringProvisioningMs, 'Active');
  return { vpcPeeringConnection: peeringXml(network, p) };
};

/** The `RejectVpcPeeringConnection` action. */
export const rejectVpcPeeringConnection: ActionHandler = (ctx, params) => {
  const network = networkOf(ctx.state);
  const p = peeringOf(ctx, network, required(params, 'VpcPeeringConnectionId'));
  requireAccepter(ctx, p, 'reject');
  if (p.state !== 'pending-acceptance') throw stateTransition(p, 'rejected');
  p.state = 'rejected';
  p.message = `Rejected by ${EMULATOR_ACCOUNT_ID}`;
  p.expiresAt = undefined;
  p.transition = undefined;
  p.purgeAt = network.now() + 2 * 3_600_000;
  return { return: true };
};

/** The `DeleteVpcPeeringConnection` action. */
export const deleteVpcPeeringConnection: ActionHandler = (ctx, params) => {
  const network = networkOf(ctx.state);
  const p = peeringOf(ctx, network, required(params, 'VpcPeeringConnectionId'));
  if (!LIVE_PEERING.has(p.state)) throw stateTransition(p, 'deleted');
  const requesterSide = p.requester.region === ctx.region && p.requester.ownerId === EMULATOR_ACCOUNT_ID;
  if (p.state === 'pending-acceptance' && !requesterSide) {
    throw new Ec2ApiError('OperationNotPermitted', `Only the requester deletes a pending peering request; the accepter rejects ${p.vpcPeeringConnectionId}`);
  }
  p.state = 'deleting';
  p.message = `Deleting by ${EMULATOR_ACCOUNT_ID}`;
  p.expiresAt = undefined;
  p.transition = network.schedule('deleted', network.timings.peeringDeleteMs, `Deleted by ${EMULATOR_ACCOUNT_ID}`);
  return { return: true };
};

/** The `DescribeVpcPeeringConnections` action. */
export const describeVpcPeeringConnections: ActionHandler = (ctx, params) => {
  const network = networkOf(ctx.state);
  const ids = textListOf(params.VpcPeeringConnectionId);
  const size = pageSize(params, 5, 1000);
  const visible = visibleFrom(ctx);
  const candidates = ids.length > 0 ? findAll(ids, network.peerings, visible, WORDS) : network.peeringsIn(ctx.region).filter((p) => network.listed(p.vpcPeeringConnectionId));
  const matching = filterItems(
    params,
    candidates,
    {
      'vpc-peering-connection-id': (p) => p.vpcPeeringConnectionId,
      'status-code': (p) => p.state,
      'status-message': (p) => p.message,
      'expiration-time': (p) => (p.expiresAt === undefined ? undefined : new Date(p.expiresAt).toISOString()),
      'requester-vpc-info.vpc-id': (p) => p.requester.vpcId,
      'requester-vpc-info.owner-id': (p) => p.requester.ownerId,
      'requester-vpc-info.cidr-block': (p) => p.requester.cidr,
      'accepter-vpc-info.vpc-id': (p) => p.accepter.vpcId,
      'accepter-vpc-info.owner-id': (p) => p.accepter.ownerId,
      'accepter-vpc-info.cidr-block': (p) => (SHOWS_ACCEPTER_CIDR.has(p.state) ? p.accepter.cidr : undefined),
    },
    (p) => network.tagsOf(p.vpcPeeringConnectionId),
  );
  const { page, nextToken } = paginate(matching, params, size);
  return { vpcPeeringConnectionSet: page.map((p) => peeringXml(network, p)), nextToken };
};
