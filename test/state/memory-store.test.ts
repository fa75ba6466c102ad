import { createMemoryStore } from '../../src/state/index.js';
import { describeStateStoreConformance } from '../../src/testing/state-store-conformance.js';

// The memory store lives in one object: contenders share it, and the lease race runs in-process.
describeStateStoreConformance('memory', () => createMemoryStore(), { sharedAcrossInstances: false });
