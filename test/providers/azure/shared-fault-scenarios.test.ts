/**
 * The durable core's shared fault scenarios (test/federation/safety/fault-scenarios.ts) with the
 * Azure adapter on the ARM emulator as the primary cloud: the same fault calls, said in ARM's
 * words, give the same outcomes as on the memory provider and the EC2 emulator — the same
 * provider role, the same attempt outcomes, exactly one VM.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createAzureProvider } from '../../../src/providers/azure/index.js';
import { startArmEmulator, type ArmEmulator, type FaultControls } from '../../../src/testing/emulators/index.js';
import { expected, play, scenarios } from '../../federation/safety/fault-scenarios.js';
import { fastOptions } from './emulated-azure.js';

const EASTUS = { name: 'eastus', zones: ['1'], geo: { country: 'US', area: 'north-america', lat: 37.4, lon: -79.4 } } as const;
// ARM's Retry-After is in whole seconds and the pipeline honours it: under 30 % throttling a
// create waits out several seconds, so the create deadline is longer than the memory twin's.
const options = { region: EASTUS, createMs: 12_000 };

describe('the shared fault scenarios on the Azure adapter and the ARM emulator', () => {
  let emu: ArmEmulator;
  beforeAll(async () => {
    emu = await startArmEmulator({ location: 'eastus', locations: ['eastus'] });
  });
  afterAll(async () => {
    await emu?.close();
  });

  /** The kit's vocabulary, with Azure's zone numbers spelled as the emulator's capacity scopes (`eastus-2`). */
  const armFaults = (): FaultControls =>
    new Proxy(emu.faults, {
      get(target, prop, receiver) {
        if (prop === 'capacity') return (scope: { zone: string; type?: string }, n: number | undefined) => target.capacity({ ...scope, zone: /^[1-9]$/.test(scope.zone) ? `eastus-${scope.zone}` : scope.zone }, n);
        const value: unknown = Reflect.get(target, prop, receiver);
        return typeof value === 'function' ? (value as (...a: unknown[]) => unknown).bind(target) : value;
      },
    });

  const target = () => {
    const provider = createAzureProvider({ ...emu.providerOptions, ...fastOptions(emu), name: 'primary', consistencyWindowMs: 200, retryDelayMs: 1 });
    return {
      provider,
      faults: armFaults(),
      createOperation: 'virtualMachines.createOrUpdate',
      cleanUp: async () => {
        for await (const vm of provider.listVMs()) await provider.deleteVM(vm.id);
      },
    };
  };

  for (const scenario of scenarios) {
    it(`${scenario.name}: ${JSON.stringify(expected[scenario.name])}`, async () => {
      expect(await play(target(), scenario, options)).toEqual(expected[scenario.name]);
    }, 60_000);
  }
});
