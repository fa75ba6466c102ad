/**
 * Test helpers for novacron users and adapters: conformance suites that prove a provider or
 * a state store, and local cloud emulators that speak the clouds' wire protocols.
 *
 * @packageDocumentation
 */
export * from './provider-conformance.js';
