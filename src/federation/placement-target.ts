/**
 * Where one VM goes, in the federation's words: the tuple that placement chooses, that a create
 * attempt records, that failover reports and that the inventory keeps.
 */

/**
 * A place for one VM: which registered provider, and where and what at that provider.
 * `provider` is the provider's registered *name* (`aws-east`), the one callers use to address
 * it; its cloud kind is `Offer.provider` / `ProviderV1.kind`.
 */
export interface PlacementTarget {
  /** Registered provider name. */
  readonly provider: string;
  /** Region. */
  readonly region: string;
  /** Zone, when one is named; `undefined` lets the provider choose. */
  readonly zone: string | undefined;
  /** Instance type / VM size / machine type. */
  readonly instanceType: string;
  /** Runs on spot capacity. */
  readonly spot: boolean;
}
