/**
 * Read-only views of the emulated project's networking, so tests can prove what an adapter did
 * and that a teardown left nothing behind: every network resource as the REST API returns it
 * (a tunnel with `sharedSecretHash`, never the secret), and counts per kind. The views are
 * frozen copies: they cannot change the emulator's state.
 */
import type { GceState } from './gce-state.js';
import { frozen, type GceReadonly } from './gce-views.js';
import type { GceJsonObject } from './gce-shapes.js';
import { NetworkRenderer } from './network-render.js';
import type { GceNetworkState, NetworkResourceKind } from './network-state.js';

/** Read-only views of the emulated project's VPC networking. */
export class GceNetworkViews {
  private readonly render: NetworkRenderer;

  /**
   * Views of `network` (operations due are settled through `state` first). Made by the emulator (`emu.networks`).
   *
   * @internal
   */
  constructor(
    private readonly state: GceState,
    private readonly network: GceNetworkState,
  ) {
    this.render = new NetworkRenderer(network);
  }

  private all<T>(items: Iterable<T>, render: (item: T) => GceJsonObject): GceReadonly<GceJsonObject>[] {
    this.state.advance();
    return [...items].map((item) => frozen(render(item)));
  }

  /** Every network. */
  networks(): GceReadonly<GceJsonObject>[] {
    return this.all(this.network.networks.values(), (n) => this.render.network(n));
  }

  /** Every subnetwork. */
  subnetworks(): GceReadonly<GceJsonObject>[] {
    return this.all(this.network.subnetworks.values(), (s) => this.render.subnetwork(s));
  }

  /** Every HA VPN gateway. */
  vpnGateways(): GceReadonly<GceJsonObject>[] {
    return this.all(this.network.vpnGateways.values(), (g) => this.render.vpnGateway(g));
  }

  /** Every external VPN gateway. */
  externalVpnGateways(): GceReadonly<GceJsonObject>[] {
    return this.all(this.network.externalVpnGateways.values(), (g) => this.render.externalVpnGateway(g));
  }

  /** Every VPN tunnel (`sharedSecretHash`, never the secret). */
  vpnTunnels(): GceReadonly<GceJsonObject>[] {
    return this.all(this.network.vpnTunnels.values(), (t) => this.render.vpnTunnel(t));
  }

  /** Every Cloud Router. */
  routers(): GceReadonly<GceJsonObject>[] {
    return this.all(this.network.routers.values(), (r) => this.render.router(r));
  }

  /** Every route (the networks' default routes included). */
  routes(): GceReadonly<GceJsonObject>[] {
    return this.all(this.network.routes.values(), (r) => this.render.route(r));
  }

  /** How many resources of each kind the project holds now. */
  counts(): Readonly<Record<NetworkResourceKind, number>> {
    this.state.advance();
    return this.network.counts();
  }
}
