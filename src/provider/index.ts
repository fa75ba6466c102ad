/** The Provider specification, version 1: types, errors, validation and the shared portable logic. */
export * from './types.js';
export * from './provider-v1.js';
export * from './errors.js';
export * from './redact.js';
export * from './events.js';
export * from './abort.js';
export * from './retry.js';
export * from './quantity.js';
export * from './images.js';
export * from './spec-schema.js';
export * from './offer-selection.js';
