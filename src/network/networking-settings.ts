/**
 * From the configuration's `networking` section to {@link CrossCloudNetwork} options: the mode
 * every pair is joined with, and the overlay's topology (`mesh: true` is a full mesh, `false`
 * hub-and-spoke, whose hub the host names). WireGuard has one cipher, ChaCha20-Poly1305, so
 * `encryption` says what is already true and changes nothing.
 */
import type { CrossCloudNetworkOptions } from './cross-cloud-network.js';

/**
 * The configuration's `networking` section, parsed: how sites are joined and the overlay's
 * settings. `CrossCloudNetwork` takes it through {@link networkOptionsFromSettings}.
 */
export interface NetworkingSettings {
  /** `overlay`, `vpn` or `peering`: the mode every pair of sites is joined with. */
  readonly mode: 'overlay' | 'vpn' | 'peering';
  /** The overlay, when the section describes one. */
  readonly overlay:
    | {
        /** Overlay technology: `wireguard`. */
        readonly type: 'wireguard';
        /** Full mesh (`true`, the default) or hub-and-spoke (`false`). */
        readonly mesh: boolean;
        /** Cipher: WireGuard's only one, ChaCha20-Poly1305. */
        readonly encryption: 'chacha20poly1305';
      }
    | undefined;
}


/** What the section sets, plus the hub for a hub-and-spoke overlay. */
export type NetworkingOptions = Pick<CrossCloudNetworkOptions, 'mode' | 'overlay'>;

/** The {@link CrossCloudNetwork} options a loaded `networking` section stands for. */
export function networkOptionsFromSettings(settings: NetworkingSettings | undefined, extra: { readonly hub?: string | undefined } = {}): NetworkingOptions {
  if (settings === undefined) return {};
  const overlay = settings.overlay;
  return {
    mode: settings.mode,
    overlay: overlay === undefined ? undefined : { topology: overlay.mesh ? 'mesh' : 'hub-and-spoke', hub: overlay.mesh ? undefined : extra.hub },
  };
}
