/** The in-memory provider. */
export * from './memory-provider.js';
export * from './memory-image-store.js';
export { syntheticOffers, STORAGE_PRICE_PER_GIB_MONTH, EGRESS_PRICE_PER_GB } from './memory-rate-card.js';
