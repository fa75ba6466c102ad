/**
 * The durable core's shared fault scenarios (test/federation/safety/fault-scenarios.ts) with the
 * OpenStack adapter on the OpenStack emulator as the primary cloud: the same fault calls, said in
 * Nova's words, give the same outcomes as on the memory provider and the other clouds' emulators.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createOpenStackProvider } from '../../../src/providers/openstack/index.js';
import { startOpenStackEmulator, type OpenStackEmulator } from '../../../src/testing/emulators/index.js';
import { expected, play, scenarios } from '../../federation/safety/fault-scenarios.js';
import { fastOptions } from './emulated-openstack.js';

/** The emulator's two availability zones, each with its own hosts: "no capacity in the chosen zone" moves the VM to the other one. */
const REGION_ONE = { name: 'RegionOne', zones: ['az-1', 'az-2'], geo: { country: 'US', area: 'north-america', lat: 41.3, lon: -95.9 } } as const;
const options = { region: REGION_ONE, createMs: 5_000 };

describe('the shared fault scenarios on the OpenStack adapter and the OpenStack emulator', () => {
  let emu: OpenStackEmulator;
  beforeAll(async () => {
    emu = await startOpenStackEmulator({ timings: { buildMs: 20, deleteMs: 5 } });
  });
  afterAll(async () => {
    await emu?.close();
  });

  const target = () => {
    const provider = createOpenStackProvider({ ...emu.providerOptions, ...fastOptions, name: 'primary', geo: REGION_ONE.geo, retryDelayMs: 1, requestTimeoutMs: 5_000 });
    return {
      provider,
      faults: emu.faults,
      createOperation: 'servers.create',
      cleanUp: async () => {
        for await (const vm of provider.listVMs()) await provider.deleteVM(vm.id);
      },
    };
  };

  for (const scenario of scenarios) {
    it(`${scenario.name}: ${JSON.stringify(expected[scenario.name])}`, async () => {
      expect(await play(target(), scenario, options)).toEqual(expected[scenario.name]);
      expect(emu.state.servers().filter((s) => s.status !== 'DELETED')).toHaveLength(0); // cleaned up, the ERROR server of a refused create included
    }, 30_000);
  }
});
