/**
 * Test helpers for novacron users and adapters: conformance suites (vitest) that prove a
 * provider or a state store. The local cloud emulators, which need no test framework, are at
 * `novacron/testing/emulators`.
 *
 * @module novacron/testing
 * @packageDocumentation
 */
export { describeProviderConformance, type ProviderConformanceOptions } from './provider-conformance.js';
export {
  describeStateStoreConformance,
  type ChildCallError,
  type ChildStoreDescriptor,
  type StateStoreConformanceOptions,
} from './state-store-conformance.js';
export { describeArtifactStoreConformance, type ArtifactStoreConformanceOptions, type PresignedReader } from './artifact-store-conformance.js';
export { describeNetworkProviderConformance, type NetworkConformanceOptions } from './network-conformance.js';
