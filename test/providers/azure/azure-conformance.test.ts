/** The provider conformance suite, run against the Azure provider on the ARM emulator through the real Azure SDKs. */
import { describeProviderConformance } from '../../../src/testing/provider-conformance.js';
import { createAzureProvider } from '../../../src/providers/azure/index.js';
import { startArmEmulator, type ArmEmulator } from '../../../src/testing/emulators/index.js';
import { fastOptions } from './emulated-azure.js';

let emu: ArmEmulator | undefined;

describeProviderConformance(
  'azure (ARM emulator)',
  async () => {
    emu = await startArmEmulator({ pageSize: 5 });
    return createAzureProvider({ ...emu.providerOptions, ...fastOptions(emu) });
  },
  {
    pageSize: 5,
    unknownId: '/subscriptions/5f0c7d5e-2a4b-4c1e-9d7a-0e1f2a3b4c5d/resourceGroups/novacron-rg/providers/Microsoft.Compute/virtualMachines/nc-000000000000',
    teardown: async () => {
      await emu?.close();
    },
  },
);
