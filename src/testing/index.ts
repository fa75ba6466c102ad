/**
 * Test helpers for novacron users and adapters: conformance suites (vitest) that prove a
 * provider or a state store, and local cloud emulators that speak the clouds' wire protocols.
 * The emulators alone, without vitest, are at `novacron/testing/emulators`.
 *
 * @packageDocumentation
 */
export * from './provider-conformance.js';
export * from './state-store-conformance.js';
export * from './emulators/index.js';
