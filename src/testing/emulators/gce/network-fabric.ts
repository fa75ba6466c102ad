/**
 * The world that several Compute Engine emulators share for networking: the projects whose
 * networks can peer with one another, the external addresses handed to HA VPN gateway
 * interfaces (unique across the emulators that share a fabric), and the far ends of tunnels. A
 * tunnel is `ESTABLISHED` when some project of the fabric has the mirror tunnel — its gateway
 * interface is this tunnel's peer address and the other way round — with the same shared
 * secret; a mirror with another secret is `AUTHORIZATION_ERROR`; no mirror, `NO_INCOMING_PACKETS`
 * (VpnTunnel `status`, Compute Engine REST reference, read 2026-12).
 *
 * Pass one fabric to `startGceEmulator({ networkFabric })` of each emulator that should see the
 * others; by default every emulator has a fabric of its own.
 */
import type { GceNetworkState, VpnTunnelRecord } from './network-state.js';

/** What a tunnel finds at its far end. */
export type TunnelFarEnd = 'agrees' | 'other-secret' | 'nothing';

/** Projects that see one another's networks and tunnels. */
export class GceNetworkFabric {
  /** URLs of networks with a peering operation running (GCE refuses a second one meanwhile). @internal */
  readonly peeringOperations = new Set<string>();
  private readonly projects = new Map<string, GceNetworkState>();
  private nextAddress = 0;

  /** Adds a project's networking (an emulator does it at start). @internal */
  register(state: GceNetworkState): void {
    if (this.projects.has(state.project)) throw new Error(`[novacron] [gce-emulator] project ${state.project} is already in this network fabric`);
    this.projects.set(state.project, state);
  }

  /** Takes a project's networking out (its emulator closed). @internal */
  unregister(state: GceNetworkState): void {
    if (this.projects.get(state.project) === state) this.projects.delete(state.project);
  }

  /** A project's networking, when it is in the fabric. @internal */
  project(project: string): GceNetworkState | undefined {
    return this.projects.get(project);
  }

  /**
   * A new external address for an HA VPN gateway interface. Google's own ranges are used
   * (35.220.0.0/14 is Google's); no two interfaces of the fabric get the same one.
   */
  vpnAddress(): string {
    const n = this.nextAddress++;
    return `35.${220 + (Math.floor(n / 65_024) % 4)}.${Math.floor(n / 254) % 256}.${(n % 254) + 1}`;
  }

  /** What the far end of `tunnel` (of `owner`) is, across the fabric. @internal */
  farEnd(owner: GceNetworkState, tunnel: VpnTunnelRecord): TunnelFarEnd {
    let found: TunnelFarEnd = 'nothing';
    for (const state of this.projects.values()) {
      for (const [key, other] of state.vpnTunnels) {
        if (state === owner && key === `${tunnel.region}/${tunnel.name}`) continue;
        if (other.localIp !== tunnel.peerIp || other.peerIp !== tunnel.localIp) continue;
        if (other.sharedSecretHash === tunnel.sharedSecretHash) return 'agrees';
        found = 'other-secret';
      }
    }
    return found;
  }
}
