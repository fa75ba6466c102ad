/** The provider conformance suite, run against the OpenStack adapter on the OpenStack emulator over HTTPS (its CA trusted through undici). */
import { describeProviderConformance } from '../../../src/testing/provider-conformance.js';
import { createOpenStackProvider } from '../../../src/providers/openstack/index.js';
import { startOpenStackEmulator, type OpenStackEmulator } from '../../../src/testing/emulators/index.js';
import { fastOptions, withStoragePrices } from './emulated-openstack.js';

let emu: OpenStackEmulator | undefined;

describeProviderConformance(
  'openstack (OpenStack emulator)',
  async () => {
    emu = await startOpenStackEmulator({ timings: { buildMs: 30, stopMs: 10, startMs: 10, rebootMs: 10, deleteMs: 10, snapshotMs: 30 } });
    return createOpenStackProvider({ ...emu.providerOptions, rateCard: withStoragePrices(emu.providerOptions.rateCard), ...fastOptions, pageSize: 5 });
  },
  {
    pageSize: 5,
    unknownId: '00000000-0000-4000-8000-000000000000',
    teardown: async () => {
      await emu?.close();
    },
  },
);
