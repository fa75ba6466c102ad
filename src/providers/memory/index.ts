/** The in-memory provider. */
export {
  createMemoryProvider,
  MemoryProvider,
  type MemoryProviderControls,
  type MemoryProviderOptions,
  type MemoryThrottle,
} from './memory-provider.js';
export type { MemoryFaultControls, MemoryOperation } from './memory-faults.js';
export type { MemoryCapacity, MemoryQuotas } from './memory-limits.js';
export { createMemoryImageStore, type MemoryImageStore } from './memory-image-store.js';
export { syntheticOffers, STORAGE_PRICE_PER_GIB_MONTH, EGRESS_PRICE_PER_GB } from './memory-rate-card.js';
export { createMemoryNetworkFabric, MemoryNetwork, MemoryNetworkFabric, type MemoryNetworkContext, type MemoryNetworkDelays, type MemoryNetworkOptions } from './memory-network.js';
