/**
 * The cost optimizer: a versioned price catalog with loaders (bundled snapshot, provider
 * adapters, Azure Retail Prices, GCP Cloud Billing Catalog, OpenStack rate cards, SkyPilot CSVs),
 * a columnar offer index, recommendations with spot risk and reserved terms, usage forecasts and
 * carbon estimates.
 */
export * from './offer-query.js';
export * from './offer-index.js';
export * from './reference-query.js';
export * from './catalog.js';
export * from './cost-optimizer.js';
export * from './spot-risk.js';
export * from './forecast.js';
export * from './carbon.js';
export * from './loaders/adjustments.js';
export * from './loaders/provider-offers.js';
export * from './loaders/fetch-json.js';
export * from './loaders/skypilot-csv.js';
export * from './loaders/azure-retail-prices.js';
export * from './loaders/gcp-billing-catalog.js';
export * from './loaders/openstack-rate-card.js';
export * from './offer-ranking.js';
// Types only: the snapshot's data stays behind a dynamic import (see bundledSnapshotLoader).
export type { BundledOfferFilter, BundledProvider } from '../catalog/bundled-snapshot.js';
