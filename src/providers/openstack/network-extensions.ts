/**
 * What this Neutron offers, read from `GET /v2.0/extensions` (Networking API v2.0 "Extensions",
 * read 2026-12) once and kept: VPNaaS (`vpnaas`, with `vpn-endpoint-groups`) is optional and
 * absent from many clouds, and the atomic extra-route calls (`extraroute-atomic`, Neutron
 * Ussuri and later) replace a read-modify-write of a router's `routes` when present. Until the
 * first read, {@link NeutronExtensions.known} is `undefined` and callers assume what their
 * options say.
 */
import { LoadCache } from '../../provider/load-cache.js';
import type { NeutronCalls } from './network-neutron.js';
import type { NeutronExtensionView } from './network-wire-types.js';

/** The optional features the network companion uses. */
export interface NeutronFeatures {
  /** Site-to-site IPsec VPN (`vpnaas` and `vpn-endpoint-groups`). */
  readonly vpnaas: boolean;
  /** `add_extraroutes` / `remove_extraroutes` (`extraroute-atomic`). */
  readonly atomicExtraRoutes: boolean;
}

/** The extensions of one Neutron, read once per `ttlMs`. */
export class NeutronExtensions {
  private readonly cache: LoadCache;
  private last: NeutronFeatures | undefined;

  /** Reads through `calls`; keeps the answer `ttlMs`. */
  constructor(
    private readonly calls: NeutronCalls,
    ttlMs: number,
  ) {
    this.cache = new LoadCache(ttlMs);
  }

  /** The features read last, `undefined` before the first read. */
  get known(): NeutronFeatures | undefined {
    return this.last;
  }

  /** The features (read now, or kept from an earlier read). */
  async features(signal?: AbortSignal): Promise<NeutronFeatures> {
    const features = await this.cache.get('extensions', async () => {
      const extensions = (await this.calls.get<NeutronExtensionView[]>('/extensions', 'extensions', { operation: 'discoverExtensions', resourceType: 'extension' }, signal)) ?? [];
      const aliases = new Set(extensions.map((e) => e.alias));
      return { vpnaas: aliases.has('vpnaas') && aliases.has('vpn-endpoint-groups'), atomicExtraRoutes: aliases.has('extraroute-atomic') } satisfies NeutronFeatures;
    });
    this.last = features;
    return features;
  }
}
