/**
 * A provider as placement sees it: the provider itself, the defaults its configuration sets
 * (instance families, spot), its regions and its catalog. The rules, the search and the engine all read this
 * one shape, so it sits below them.
 */
import type { ProviderV1 } from '../../provider/provider-v1.js';
import type { Offer, Region } from '../../provider/types.js';

/** Provider-wide defaults, as in the configuration's `providers[].config.defaults`. */
export interface ProviderDefaults {
  /** Instance families this provider may use (`t3`, `m5`, `Standard_D`); all when absent. */
  readonly instanceFamilies?: readonly string[] | undefined;
  /** Spot capacity may be chosen for VMs that do not forbid it. */
  readonly spotEnabled?: boolean | undefined;
}

/** A provider as placement sees it. */
export interface PlacementProvider {
  /** The provider. */
  readonly provider: ProviderV1;
  /** Its defaults. */
  readonly defaults: ProviderDefaults;
  /** Its regions, by name. */
  readonly regions: ReadonlyMap<string, Region>;
  /**
   * Its offers, as its catalog lists them: `offer.provider` is the cloud kind. Placement keys
   * them by `provider.name`, so two providers of one kind stay apart.
   */
  readonly offers: readonly Offer[];
}
