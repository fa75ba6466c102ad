/**
 * novacron: multi-cloud VM federation for TypeScript.
 *
 * The root entry holds the core: the Provider specification, the in-memory provider, the
 * FederationManager, the CostOptimizer, and the state-store and metrics specifications with
 * their in-memory defaults. Importing it loads no cloud SDK, database driver or metrics
 * library; adapters live under subpaths (`novacron/aws`, `novacron/sqlite`, ...) and load
 * their dependencies on first use.
 *
 * @packageDocumentation
 */
export * from './provider/index.js';
export * from './providers/memory/index.js';
export * from './state/index.js';
export * from './metrics/index.js';
export * from './optimizer/index.js';
export * from './federation/index.js';
