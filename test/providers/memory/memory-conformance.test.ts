import { createMemoryImageStore, createMemoryProvider } from '../../../src/index.js';
import { describeProviderConformance } from '../../../src/testing/provider-conformance.js';

const images = createMemoryImageStore();

describeProviderConformance('memory provider', () => createMemoryProvider({ name: 'mem-a', pageSize: 5, imageStore: images }), {
  pageSize: 5,
});

describeProviderConformance(
  'memory provider standing in for AWS, importing into another memory cloud',
  () => createMemoryProvider({ name: 'mem-aws', kind: 'aws', pageSize: 4, provisioningDelayMs: 5, imageStore: images }),
  { pageSize: 4, importTarget: () => createMemoryProvider({ name: 'mem-b', kind: 'gcp', imageStore: images }) },
);
