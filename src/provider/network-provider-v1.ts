/**
 * The network companion of {@link ProviderV1}, version 1: what cross-cloud networking needs of a
 * cloud, and no more. A provider offers it as `provider.networking` and says so in its
 * capabilities (`vpn`, `peering`); {@link networkOf} finds it.
 *
 * Small like ProviderV1: typed creates, and one `get`/`list`/`delete` for every resource type,
 * so that an orchestrator can record `{ type, id }` and poll or tear down any of them the same
 * way. Creates never wait: a resource that takes long (an Azure gateway, 30–45 minutes) comes
 * back `provisioning`, and the caller polls `get` against a deadline it recorded (the
 * `waitForNetworkResource` waiter in `novacron/network` does that), so a wait survives a crash.
 * Every create takes an idempotency key, and `findByIdempotencyKey` settles a create whose
 * answer was lost, as `ProviderV1.findByIdempotencyKey` does for VMs.
 */
import type { CallOptions, ProviderV1 } from './provider-v1.js';
import type {
  Network,
  NetworkCapabilities,
  NetworkInput,
  NetworkListFilter,
  NetworkResourceMap,
  NetworkResourceRef,
  NetworkResourceType,
  Peering,
  PeeringAcceptanceInput,
  PeeringRequestInput,
  PeerGateway,
  PeerGatewayInput,
  Route,
  RouteInput,
  SecretReader,
  Subnet,
  SubnetInput,
  VpnConnection,
  VpnConnectionInput,
  VpnGateway,
  VpnGatewayInput,
} from './network-types.js';
import type { ProviderKind } from './types.js';

/** Options of every network create. */
export interface NetworkCreateOptions extends CallOptions {
  /**
   * Makes the create safe to repeat: the same key with the same input returns the same resource
   * and creates nothing; the same key with other input is a `ConflictError`. Adapters map it to
   * the cloud's mechanism (EC2 ClientToken, deterministic Azure names, GCE requestId).
   */
  idempotencyKey?: string | undefined;
}

/** Options of `createVpnConnection`: the pre-shared keys are read through `secrets`, for this call only. */
export interface VpnConnectionCreateOptions extends NetworkCreateOptions {
  /** Reads the tunnels' pre-shared keys by reference. */
  readonly secrets: SecretReader;
}

/** The network specification, version 1. */
export interface NetworkProviderV1 {
  /** Version of this specification the adapter implements. */
  readonly specificationVersion: 'v1';
  /** Name of the provider instance it belongs to (its `ProviderV1.name`). */
  readonly provider: string;
  /** Kind of cloud. */
  readonly kind: ProviderKind;
  /** The account, subscription or project the networks live in (for cross-account peering). */
  readonly account: string;
  /** What it supports. */
  readonly capabilities: NetworkCapabilities;

  /** Reads one resource; `NotFoundError` once it is gone. */
  get<T extends NetworkResourceType>(ref: NetworkResourceRef<T>, options?: CallOptions): Promise<NetworkResourceMap[T]>;
  /** Streams resources of one type, paging as needed. */
  list<T extends NetworkResourceType>(type: T, filter?: NetworkListFilter, options?: CallOptions): AsyncIterable<NetworkResourceMap[T]>;
  /**
   * Starts deleting a resource; resolves once the cloud accepted (it may stay `deleting` for a
   * while: poll `get` until `NotFoundError`). Deleting what is already gone succeeds. A resource
   * still in use (a network with subnets, a gateway with connections) is a `ConflictError`.
   */
  delete(ref: NetworkResourceRef, options?: CallOptions): Promise<void>;
  /**
   * The resource a create with this key made, or `undefined` for a confirmed absence (see
   * `ProviderV1.findByIdempotencyKey` for what that must mean); rejects when it cannot tell.
   */
  findByIdempotencyKey<T extends NetworkResourceType>(type: T, idempotencyKey: string, options?: CallOptions): Promise<NetworkResourceMap[T] | undefined>;

  /** Creates a network (VPC, VNet). A malformed or non-canonical CIDR is an `InvalidSpecError`. */
  createNetwork(input: NetworkInput, options?: NetworkCreateOptions): Promise<Network>;
  /** Creates a subnet inside a network's ranges; a range overlapping another subnet is a `ConflictError`. */
  createSubnet(input: SubnetInput, options?: NetworkCreateOptions): Promise<Subnet>;
  /** Creates a VPN gateway for a network; resolves at once, usually `provisioning`. */
  createVpnGateway(input: VpnGatewayInput, options?: NetworkCreateOptions): Promise<VpnGateway>;
  /** Records the far side of a VPN (customer gateway, local network gateway, external VPN gateway). */
  createPeerGateway(input: PeerGatewayInput, options?: NetworkCreateOptions): Promise<PeerGateway>;
  /** Creates a VPN connection; its gateway must be `available`. Pre-shared keys are read through `options.secrets`. */
  createVpnConnection(input: VpnConnectionInput, options: VpnConnectionCreateOptions): Promise<VpnConnection>;
  /**
   * Asks to peer one of this provider's networks with another network. Resolves with the
   * requester's side in `pending-acceptance` (or `failed` when the cloud refuses asynchronously,
   * as AWS does for overlapping CIDRs); the other side's {@link NetworkProviderV1.acceptPeering} completes it.
   */
  requestPeering(input: PeeringRequestInput, options?: NetworkCreateOptions): Promise<Peering>;
  /** Accepts a peering request on the other side (AWS: accepts it; Azure, GCP: creates the reverse link). */
  acceptPeering(input: PeeringAcceptanceInput, options?: NetworkCreateOptions): Promise<Peering>;
  /** Adds a route; one with the same destination in the same table is a `ConflictError`. */
  createRoute(input: RouteInput, options?: NetworkCreateOptions): Promise<Route>;
}

/** The network companion of a provider, when it has one; `undefined` otherwise. */
export function networkOf(provider: ProviderV1): NetworkProviderV1 | undefined {
  const network = provider.networking;
  return network !== undefined && network.specificationVersion === 'v1' ? network : undefined;
}

/** Re-exported shapes, so that an adapter imports the companion from one module. */
export type { NetworkCapabilities, NetworkResourceRef, VpnConnection, VpnGateway, PeerGateway, Peering, Route, Subnet, Network };
