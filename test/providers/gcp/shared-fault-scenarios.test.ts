/**
 * The durable core's shared fault scenarios (test/federation/safety/fault-scenarios.ts) with the
 * GCE adapter on the Compute Engine emulator as the primary cloud: the same fault calls, said in
 * GCE's words, give the same outcomes as on the memory provider, the EC2 and the ARM emulators.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createGcpProvider } from '../../../src/providers/gcp/index.js';
import { startGceEmulator, type GceEmulator } from '../../../src/testing/emulators/index.js';
import { expected, play, scenarios } from '../../federation/safety/fault-scenarios.js';
import { fastOptions } from './emulated-gcp.js';

const US_CENTRAL1 = { name: 'us-central1', zones: ['us-central1-a'], geo: { country: 'US', area: 'north-america', lat: 41.3, lon: -95.9 } } as const;
const options = { region: US_CENTRAL1, createMs: 5_000 };

describe('the shared fault scenarios on the GCE adapter and the Compute Engine emulator', () => {
  let emu: GceEmulator;
  beforeAll(async () => {
    emu = await startGceEmulator({ operationPendingMs: 5, operationRunningMs: 20 });
  });
  afterAll(async () => {
    await emu?.close();
  });

  const target = () => {
    const provider = createGcpProvider({ ...emu.providerOptions, ...fastOptions, name: 'primary', consistencyWindowMs: 200, retryDelayMs: 1, requestTimeoutMs: 5_000 });
    return {
      provider,
      faults: emu.faults,
      createOperation: 'instances.insert',
      cleanUp: async () => {
        for await (const vm of provider.listVMs()) await provider.deleteVM(vm.id);
      },
    };
  };

  for (const scenario of scenarios) {
    it(`${scenario.name}: ${JSON.stringify(expected[scenario.name])}`, async () => {
      expect(await play(target(), scenario, options)).toEqual(expected[scenario.name]);
    }, 30_000);
  }
});
