/** The FederationManager: placement, failover, inventory and configuration. */
export * from './federation-manager.js';
export * from './federation-errors.js';
export * from './placement/index.js';
export * from './config.js';
export * from './merged-listing.js';
export * from './cron-schedule.js';
export * from './built-in-factories.js';
