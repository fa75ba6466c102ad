/** The StateStore specification and the in-memory store (core); SQLite and PostgreSQL live under subpaths. */
export * from './state-store.js';
export { createMemoryStore, type MemoryStoreOptions } from './memory-store.js';
// Building blocks for third-party stores, so that they validate, order and notify exactly as ours do.
export { assertValidKey, compareKeys, normalizePrefix, prefixUpperBound, MAX_KEY_LENGTH } from './key-path.js';
export { WatchHub, type WatchHubOptions } from './watch-hub.js';
