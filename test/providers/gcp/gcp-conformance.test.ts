/** The provider conformance suite, run against the GCE adapter on the Compute Engine emulator through the real @google-cloud/compute client. */
import { describeProviderConformance } from '../../../src/testing/provider-conformance.js';
import { createGcpProvider } from '../../../src/providers/gcp/index.js';
import { startGceEmulator, type GceEmulator } from '../../../src/testing/emulators/index.js';
import { fastOptions } from './emulated-gcp.js';

let emu: GceEmulator | undefined;

describeProviderConformance(
  'gcp (Compute Engine emulator)',
  async () => {
    emu = await startGceEmulator({ operationPendingMs: 5, operationRunningMs: 20 });
    return createGcpProvider({ ...emu.providerOptions, ...fastOptions, pageSize: 5 });
  },
  {
    pageSize: 5,
    unknownId: 'projects/novacron-emulator/zones/us-central1-a/instances/nc-0000000000000000',
    teardown: async () => {
      await emu?.close();
    },
  },
);
