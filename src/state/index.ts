/** The StateStore specification and the in-memory store (core); SQLite and PostgreSQL live under subpaths. */
export * from './state-store.js';
export { createMemoryStore, type MemoryStoreOptions } from './memory-store.js';
export { compareKeys, normalizePrefix, MAX_KEY_LENGTH } from './key-path.js';
