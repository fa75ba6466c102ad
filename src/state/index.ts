/** The StateStore specification and the in-memory store (core); SQLite and PostgreSQL live under subpaths. */
export type {
  DeleteOptions,
  FencingGuard,
  JsonValue,
  Lease,
  LeaseRef,
  ListOptions,
  PutOptions,
  StateStore,
  StoredRecord,
  TransactionCheck,
  TransactionDelete,
  TransactionOp,
  TransactionOpResult,
  TransactionOptions,
  TransactionPut,
  WatchDeleteEvent,
  WatchEvent,
  WatchGapEvent,
  WatchPutEvent,
} from './state-store.js';
export { createMemoryStore, type MemoryStoreOptions } from './memory-store.js';
export { FencedError } from './fenced-error.js';
// Building blocks for third-party stores (novacron/provider-utils), so that they validate, order and
// notify exactly as ours do.
export { assertValidKey, compareKeys, normalizePrefix, prefixUpperBound, MAX_KEY_LENGTH } from './key-path.js';
export { WatchHub, type WatchHubOptions } from './watch-hub.js';
