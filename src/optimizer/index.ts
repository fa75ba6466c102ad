/**
 * The cost optimizer: a versioned price catalog with loaders (bundled snapshot, provider
 * adapters, Azure Retail Prices, GCP Cloud Billing Catalog, OpenStack rate cards, SkyPilot CSVs),
 * a columnar offer index, recommendations with spot risk and reserved terms, usage forecasts and
 * carbon estimates. This list is what a host sees (the root entry re-exports it); the index's
 * query internals, the forecasting models and the loaders' wire formats stay internal.
 */
export {
  CostOptimizer,
  type ComparedOffer,
  type CompareOptions,
  type CostComparison,
  type CostInterval,
  type CostOptimizerOptions,
  type CostPrediction,
  type CurrentCost,
  type InstanceRequirements,
  type PredictCostOptions,
  type ProviderCostForecast,
  type RankBy,
  type OfferShape,
  type Recommendation,
  type ReservedOption,
  type SpotOption,
  type UsageHistorySource,
  type UsageSample,
} from './cost-optimizer.js';
export {
  Catalog,
  type CatalogOptions,
  type CatalogRefreshReport,
  type CatalogSnapshot,
  type CatalogStatus,
  type CatalogStore,
  type LoaderStatus,
  type OfferLoader,
} from './catalog.js';
export { OfferIndex, type OfferIndexOptions, type OfferIndexStats } from './offer-index.js';
export { PRICE_BASES, type GpuRequirement, type OfferQuery, type PriceBasis } from './offer-query.js';
export { rankOffers, type OfferRankingOptions, type OfferRankingStrategy, type RankedOffer } from './offer-ranking.js';
export type { SpotRiskFactors, SpotRiskOptions } from './spot-risk.js';
export { DEFAULT_MAX_PRICE_AGE_DAYS, type PriceAge } from './price-age.js';
export { carbonGramsPerHour, type CarbonEstimate, type CarbonOptions, type CloudEnergyCoefficients } from './carbon.js';
export type { ForecastModel } from './forecast.js';
export type { EnterpriseDiscount, PriceAdjustments, PriceOverride } from './loaders/adjustments.js';
export { bundledSnapshotLoader, providerOffersLoader, staticOffersLoader, type ProviderOffersLoaderOptions } from './loaders/provider-offers.js';
export type { FetchLike } from './loaders/fetch-json.js';
export { skypilotCsvLoader, type SkippedRow, type SkyPilotCloud, type SkyPilotCsvLoaderOptions, type SkyPilotCsvOptions } from './loaders/skypilot-csv.js';
export { azureRetailPricesLoader, type AzureRetailPricesLoaderOptions, type VmShape } from './loaders/azure-retail-prices.js';
export { gcpBillingCatalogLoader, type GcpBillingCatalogLoaderOptions, type GcpMachineType } from './loaders/gcp-billing-catalog.js';
export { openstackRateCardLoader, rateCardLoader, type Flavor, type OpenStackRateCardLoaderOptions, type RateCard } from './loaders/openstack-rate-card.js';
// Types only: the snapshot's data stays behind a dynamic import (see bundledSnapshotLoader).
export type { BundledOfferFilter, BundledProvider, BundledStoragePrices } from '../catalog/bundled-snapshot.js';
