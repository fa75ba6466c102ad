/**
 * The emulator's VPC networking beyond the VPCs and subnets `Ec2State` keeps: the main route
 * table of each VPC, internet gateways, site-to-site VPN (virtual private gateways with their
 * VPC attachments, customer gateways, VPN connections with their tunnels and static routes),
 * VPC peering connections, and the tags of every network resource. One {@link Ec2Network} lives
 * beside each account state ({@link networkOf}); handlers reach it through their context.
 *
 * Lifecycles follow the AWS Site-to-Site VPN User Guide and the VPC Peering Guide (read
 * 2026-12): a virtual private gateway is `pending` then `available`; an attachment `attaching`
 * then `attached` (`detaching` then `detached` on the way out); a VPN connection `pending` for
 * minutes, then `available`, `deleting` then `deleted`; a peering connection
 * `initiating-request`, then `pending-acceptance` (or `failed`, e.g. for overlapping CIDRs),
 * `provisioning` once accepted, then `active`. Deleted and failed resources stay visible for a
 * while (peering: failed and deleted 2 hours, rejected 2 hours, expired 2 days; a pending
 * request expires after 7 days). Times run on the account's lifecycle clock and apply lazily on
 * every read, like the instance lifecycle; the delays are read from the emulator's `timings`
 * (the `Ec2NetworkTimings` fields), so a test can shorten them or drive a manual clock.
 *
 * The main route table and (for default VPCs) the internet gateway of a VPC are made the first
 * time any route or gateway action looks at its region, so VPCs that tests add directly get them
 * as CreateVpc's do.
 */
import { createHash, randomBytes } from 'node:crypto';
import type { ScheduledTransition } from '../kit/lifecycle-clock.js';
import type { Ec2State, EmulatedVpc } from './ec2-state.js';

/** Delays of the network lifecycles, in ms of the emulator's clock (pass them in the emulator's `timings`). */
export interface Ec2NetworkTimings {
  /** A virtual private gateway, `pending` → `available` (default 60 s). */
  vpnGatewayAvailableMs: number;
  /** A gateway attachment, `attaching` → `attached` (default 30 s). */
  vpnGatewayAttachMs: number;
  /** A gateway attachment, `detaching` → `detached` (default 30 s). */
  vpnGatewayDetachMs: number;
  /** A gateway, `deleting` → `deleted` (default 30 s). */
  vpnGatewayDeleteMs: number;
  /** A VPN connection, `pending` → `available` (default 5 minutes). */
  vpnConnectionAvailableMs: number;
  /** A VPN connection, `deleting` → `deleted` (default 60 s). */
  vpnConnectionDeleteMs: number;
  /** A VPN static route, `pending` → `available` (default 5 s). */
  vpnRouteMs: number;
  /** A peering connection, `provisioning` → `active` (default 10 s). */
  peeringProvisioningMs: number;
  /** A peering connection, `deleting` → `deleted` (default 5 s). */
  peeringDeleteMs: number;
  /** How long deleted gateways and connections stay visible to describe calls (default 1 hour). */
  deletedRetentionMs: number;
}

/** Defaults of {@link Ec2NetworkTimings}: minutes where AWS takes minutes. */
export const DEFAULT_NETWORK_TIMINGS: Readonly<Ec2NetworkTimings> = {
  vpnGatewayAvailableMs: 60_000,
  vpnGatewayAttachMs: 30_000,
  vpnGatewayDetachMs: 30_000,
  vpnGatewayDeleteMs: 30_000,
  vpnConnectionAvailableMs: 300_000,
  vpnConnectionDeleteMs: 60_000,
  vpnRouteMs: 5_000,
  peeringProvisioningMs: 10_000,
  peeringDeleteMs: 5_000,
  deletedRetentionMs: 3_600_000,
};

const HOUR = 3_600_000;
const DAY = 24 * HOUR;
/** Peering lifecycle of the VPC Peering Guide ("VPC peering connection lifecycle", read 2026-12). */
export const PEERING_LIFETIMES = { pendingAcceptanceMs: 7 * DAY, failedMs: 2 * HOUR, deletedMs: 2 * HOUR, rejectedMs: 2 * HOUR, expiredMs: 2 * DAY } as const;

/** States of a virtual private gateway. */
export type VpnGatewayState = 'pending' | 'available' | 'deleting' | 'deleted';
/** States of a gateway's VPC attachment. */
export type AttachmentState = 'attaching' | 'attached' | 'detaching' | 'detached';
/** States of a customer gateway. */
export type CustomerGatewayState = 'pending' | 'available' | 'deleting' | 'deleted';
/** States of a VPN connection. */
export type VpnConnectionState = 'pending' | 'available' | 'deleting' | 'deleted';
/** States of a VPN static route. */
export type VpnRouteState = 'pending' | 'available' | 'deleting' | 'deleted';
/** Status codes of a VPC peering connection. */
export type PeeringStatus = 'initiating-request' | 'pending-acceptance' | 'active' | 'deleted' | 'rejected' | 'failed' | 'expired' | 'provisioning' | 'deleting';

/** Something with a lifecycle on the kit's clock. */
interface Lifecycle<S extends string, R = undefined> {
  state: S;
  transition: ScheduledTransition<S, R> | undefined;
}

/** A VPC attachment of a virtual private gateway. */
export interface VpnAttachmentRecord extends Lifecycle<AttachmentState> {
  readonly vpcId: string;
}

/** A virtual private gateway. */
export interface VpnGatewayRecord extends Lifecycle<VpnGatewayState> {
  readonly vpnGatewayId: string;
  readonly region: string;
  readonly amazonSideAsn: number;
  readonly attachments: VpnAttachmentRecord[];
  purgeAt: number | undefined;
}

/** A customer gateway. */
export interface CustomerGatewayRecord extends Lifecycle<CustomerGatewayState> {
  readonly customerGatewayId: string;
  readonly region: string;
  readonly ipAddress: string;
  readonly bgpAsn: number;
  readonly deviceName: string | undefined;
  purgeAt: number | undefined;
}

/** One tunnel of a VPN connection, as AWS keeps it (the pre-shared key included: AWS returns it). */
export interface VpnTunnelRecord {
  readonly outsideIp: string;
  readonly insideCidr: string;
  readonly preSharedKey: string;
}

/** A static route of a VPN connection. */
export interface VpnRouteRecord extends Lifecycle<VpnRouteState> {
  readonly destination: string;
}

/** A VPN connection. */
export interface VpnConnectionRecord extends Lifecycle<VpnConnectionState> {
  readonly vpnConnectionId: string;
  readonly region: string;
  readonly customerGatewayId: string;
  readonly vpnGatewayId: string;
  readonly staticRoutesOnly: boolean;
  readonly tunnels: readonly VpnTunnelRecord[];
  readonly routes: VpnRouteRecord[];
  /** When it became available (tunnel telemetry's last change). */
  availableAt: number | undefined;
  purgeAt: number | undefined;
}

/** One side of a peering connection. */
export interface PeeringSide {
  readonly vpcId: string;
  readonly ownerId: string;
  readonly region: string;
  /** The VPC's CIDR, when the emulator knows the VPC (it does for its own account). */
  readonly cidr: string | undefined;
}

/** A VPC peering connection: one record, seen from the requester's and the accepter's regions. */
export interface PeeringRecord extends Lifecycle<PeeringStatus, string> {
  readonly vpcPeeringConnectionId: string;
  readonly requester: PeeringSide;
  readonly accepter: PeeringSide;
  message: string;
  expiresAt: number | undefined;
  purgeAt: number | undefined;
}

/** Where a route sends traffic. */
export interface RouteTargetRecord {
  /** `local`, an `igw-` or a `vgw-`. */
  readonly gatewayId?: string | undefined;
  readonly vpcPeeringConnectionId?: string | undefined;
  readonly instanceId?: string | undefined;
}

/** A route of a route table. */
export interface RouteRecord {
  readonly destination: string;
  readonly target: RouteTargetRecord;
  readonly origin: 'CreateRouteTable' | 'CreateRoute';
}

/** A route table (the emulator makes only main ones, one per VPC). */
export interface RouteTableRecord {
  readonly routeTableId: string;
  readonly associationId: string;
  readonly vpcId: string;
  readonly region: string;
  readonly routes: RouteRecord[];
}

/** An internet gateway. */
export interface InternetGatewayRecord {
  readonly internetGatewayId: string;
  readonly region: string;
  /** Attached VPC, if any. */
  vpcId: string | undefined;
}

/** Network resources of one account. */
export class Ec2Network {
  readonly routeTables = new Map<string, RouteTableRecord>();
  readonly internetGateways = new Map<string, InternetGatewayRecord>();
  readonly vpnGateways = new Map<string, VpnGatewayRecord>();
  readonly customerGateways = new Map<string, CustomerGatewayRecord>();
  readonly vpnConnections = new Map<string, VpnConnectionRecord>();
  readonly peerings = new Map<string, PeeringRecord>();
  /** Tags of every network resource (VPCs and subnets included), by resource id. */
  readonly tags = new Map<string, Map<string, string>>();
  /** When a resource shows up in describe calls without ids (the emulator's listing lag), by id. */
  readonly listedAt = new Map<string, number>();

  constructor(readonly state: Ec2State) {}

  /** The delays in force: the emulator's `timings`, where they name network ones, else the defaults. */
  get timings(): Ec2NetworkTimings {
    return { ...DEFAULT_NETWORK_TIMINGS, ...(this.state.timings as Partial<Ec2NetworkTimings>) };
  }

  /** Clock milliseconds now. */
  now(): number {
    return this.state.now();
  }

  /** The tags of a resource (an empty map made on first use). */
  tagsOf(resourceId: string): Map<string, string> {
    let tags = this.tags.get(resourceId);
    if (!tags) {
      tags = new Map();
      this.tags.set(resourceId, tags);
    }
    return tags;
  }

  /** Records a new resource: its tags, and when filtered listings start to show it. */
  register(resourceId: string, tags: ReadonlyMap<string, string>): void {
    this.tags.set(resourceId, new Map(tags));
    this.listedAt.set(resourceId, this.now() + this.state.timings.listingConsistencyWindowMs);
  }

  /** Forgets a resource that no describe call shows any more. */
  forget(resourceId: string): void {
    this.tags.delete(resourceId);
    this.listedAt.delete(resourceId);
  }

  /** True when a listing (a describe call without ids) shows the resource now. */
  listed(resourceId: string): boolean {
    return (this.listedAt.get(resourceId) ?? 0) <= this.now();
  }

  /**
   * Makes the main route table of every VPC of `region` that has none yet, and the internet
   * gateway of the region's default VPC (with its `0.0.0.0/0` route), as an account has them.
   */
  ensureRegion(region: string): void {
    for (const vpc of this.state.vpcs.values()) if (vpc.region === region) this.mainRouteTable(vpc);
  }

  /** The main route table of a VPC, made (with its `local` route) on first use. */
  mainRouteTable(vpc: EmulatedVpc): RouteTableRecord {
    for (const t of this.routeTables.values()) if (t.vpcId === vpc.vpcId) return t;
    const table: RouteTableRecord = {
      routeTableId: stableId('rtb', `main/${vpc.vpcId}`),
      associationId: stableId('rtbassoc', `main/${vpc.vpcId}`),
      vpcId: vpc.vpcId,
      region: vpc.region,
      routes: [{ destination: vpc.cidr, target: { gatewayId: 'local' }, origin: 'CreateRouteTable' }],
    };
    this.routeTables.set(table.routeTableId, table);
    if (vpc.isDefault) {
      const igw: InternetGatewayRecord = { internetGatewayId: stableId('igw', `default/${vpc.region}`), region: vpc.region, vpcId: vpc.vpcId };
      this.internetGateways.set(igw.internetGatewayId, igw);
      table.routes.push({ destination: '0.0.0.0/0', target: { gatewayId: igw.internetGatewayId }, origin: 'CreateRouteTable' });
    }
    return table;
  }

  /** Applies every due transition and forgets what has been gone long enough. */
  advance(): void {
    const { clock } = this.state;
    const t = this.timings;
    const now = this.now();
    for (const [id, g] of this.vpnGateways) {
      clock.advance(g, (to, _r, at) => {
        if (to === 'deleted') g.purgeAt = at + t.deletedRetentionMs;
      });
      for (const a of g.attachments) clock.advance(a);
      if (g.purgeAt !== undefined && g.purgeAt <= now) {
        this.vpnGateways.delete(id);
        this.forget(id);
      }
    }
    for (const [id, c] of this.customerGateways) {
      clock.advance(c, (to, _r, at) => {
        if (to === 'deleted') c.purgeAt = at + t.deletedRetentionMs;
      });
      if (c.purgeAt !== undefined && c.purgeAt <= now) {
        this.customerGateways.delete(id);
        this.forget(id);
      }
    }
    for (const [id, v] of this.vpnConnections) {
      clock.advance(v, (to, _r, at) => {
        if (to === 'available') v.availableAt = at;
        if (to === 'deleted') v.purgeAt = at + t.deletedRetentionMs;
      });
      for (const r of v.routes) clock.advance(r);
      v.routes.splice(0, v.routes.length, ...v.routes.filter((r) => r.state !== 'deleted'));
      if (v.purgeAt !== undefined && v.purgeAt <= now) {
        this.vpnConnections.delete(id);
        this.forget(id);
      }
    }
    for (const [id, p] of this.peerings) {
      clock.advance(p, (to, message, at) => this.enterPeeringState(p, to, message, at));
      if (p.purgeAt !== undefined && p.purgeAt <= now) {
        this.peerings.delete(id);
        this.forget(id);
      }
    }
  }

  private enterPeeringState(p: PeeringRecord, to: PeeringStatus, message: string | undefined, at: number): void {
    if (message !== undefined) p.message = message;
    p.expiresAt = undefined;
    if (to === 'pending-acceptance') {
      p.expiresAt = at + PEERING_LIFETIMES.pendingAcceptanceMs;
      p.transition = { to: 'expired', at: p.expiresAt, reason: 'Expired' };
    } else if (to === 'provisioning') {
      p.transition = { to: 'active', at: at + this.timings.peeringProvisioningMs, reason: 'Active' };
    } else if (to === 'deleting') {
      p.transition = { to: 'deleted', at: at + this.timings.peeringDeleteMs, reason: p.message.replace(/^Deleting/, 'Deleted') };
    }
    const retention: Partial<Record<PeeringStatus, number>> = {
      failed: PEERING_LIFETIMES.failedMs,
      deleted: PEERING_LIFETIMES.deletedMs,
      rejected: PEERING_LIFETIMES.rejectedMs,
      expired: PEERING_LIFETIMES.expiredMs,
    };
    const keep = retention[to];
    if (keep !== undefined) p.purgeAt = at + keep;
  }

  /** A transition `afterMs` from now, on the account's clock. */
  schedule<S extends string, R = undefined>(to: S, afterMs: number, reason?: R): ScheduledTransition<S, R> {
    return this.state.clock.schedule(to, afterMs, reason);
  }

  /** Peering connections seen from `region`: those with a side there. */
  peeringsIn(region: string): PeeringRecord[] {
    return [...this.peerings.values()].filter((p) => p.requester.region === region || p.accepter.region === region);
  }

  /** Live peering connections of a VPC (not yet deleted, failed, rejected or expired). */
  livePeeringsOf(vpcId: string): PeeringRecord[] {
    return [...this.peerings.values()].filter((p) => (p.requester.vpcId === vpcId || p.accepter.vpcId === vpcId) && LIVE_PEERING.has(p.state));
  }

  /** The VPN connections of a gateway that are not deleted. */
  liveConnectionsOf(gateway: { vpnGatewayId?: string; customerGatewayId?: string }): VpnConnectionRecord[] {
    return [...this.vpnConnections.values()].filter(
      (c) => c.state !== 'deleted' && (c.vpnGatewayId === gateway.vpnGatewayId || c.customerGatewayId === gateway.customerGatewayId),
    );
  }

  /** The internet gateway attached to a VPC, if any. */
  internetGatewayOf(vpcId: string): InternetGatewayRecord | undefined {
    for (const g of this.internetGateways.values()) if (g.vpcId === vpcId) return g;
    return undefined;
  }

  /** The virtual private gateway attached (or attaching, or detaching) to a VPC, if any. */
  vpnGatewayOf(vpcId: string): VpnGatewayRecord | undefined {
    for (const g of this.vpnGateways.values()) {
      if (g.state !== 'deleted' && g.attachments.some((a) => a.vpcId === vpcId && a.state !== 'detached')) return g;
    }
    return undefined;
  }

  /** A public address for a tunnel endpoint, from the account's pool. */
  publicIp(): string {
    return this.state.nextPublicIp();
  }
}

/** Peering states that still join two VPCs (or may). */
export const LIVE_PEERING: ReadonlySet<PeeringStatus> = new Set(['initiating-request', 'pending-acceptance', 'provisioning', 'active']);

const networks = new WeakMap<Ec2State, Ec2Network>();

/** The network resources of an account state, made on first use. */
export function networkOf(state: Ec2State): Ec2Network {
  let network = networks.get(state);
  if (!network) {
    network = new Ec2Network(state);
    networks.set(state, network);
  }
  network.advance();
  return network;
}

/** A new id in EC2's long shape (`vgw-` and 17 hex digits). */
export function newNetworkId(prefix: string): string {
  return `${prefix}-${randomBytes(9).toString('hex').slice(0, 17)}`;
}

/** An id that is the same in every run (default route tables and gateways). */
function stableId(prefix: string, seed: string): string {
  return `${prefix}-${createHash('sha256').update(seed).digest('hex').slice(0, 17)}`;
}

/** The id shape of each network resource: a prefix and 8 or 17 hex digits. */
export function networkIdShape(prefix: string): RegExp {
  return new RegExp(`^${prefix}-([0-9a-f]{8}|[0-9a-f]{17})$`);
}
