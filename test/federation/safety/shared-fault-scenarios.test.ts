/**
 * The shared fault scenarios (fault-scenarios.ts), said with the same calls to the in-memory
 * provider (`controls.faults`) and to the EC2 emulator (`emu.faults`): both end as expected, and
 * the same way.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createAwsProvider } from '../../../src/providers/aws/index.js';
import { startEc2Emulator, type Ec2Emulator } from '../../../src/testing/emulators/index.js';
import { cloud, offer } from '../fixtures.js';
import { expected, play, scenarios, type Target } from './fault-scenarios.js';

const US_EAST = { name: 'us-east-1', zones: ['us-east-1a', 'us-east-1b'], geo: { country: 'US', area: 'north-america', lat: 38.9, lon: -77.4 } } as const;
const options = { region: US_EAST, createMs: 1_500 };

describe('the same fault calls give the same outcome on the memory provider and on the EC2 emulator', () => {
  let emu: Ec2Emulator;
  beforeAll(async () => {
    emu = await startEc2Emulator({ region: 'us-east-1' });
  });
  afterAll(async () => {
    await emu?.close();
  });

  const memoryTarget = (): Target => {
    const provider = cloud('primary', 'aws', [US_EAST], [
      offer('aws', 'us-east-1', 'm.large', 2, 8, 0.08, { zone: 'us-east-1a' }),
      offer('aws', 'us-east-1', 'm.large', 2, 8, 0.08, { zone: 'us-east-1b' }),
    ]);
    return { provider, faults: provider.controls.faults, createOperation: 'createVM', cleanUp: async () => undefined };
  };
  const ec2Target = (): Target => {
    const provider = createAwsProvider({ ...emu.providerOptions, name: 'primary', consistencyWindowMs: 200, maxAttempts: 4, retryBaseDelayMs: 1, waiter: { minDelaySeconds: 0.02, maxDelaySeconds: 0.1 } });
    return {
      provider,
      faults: emu.faults,
      createOperation: 'RunInstances',
      cleanUp: async () => {
        for await (const vm of provider.listVMs()) await provider.deleteVM(vm.id, { wait: false });
      },
    };
  };

  for (const scenario of scenarios) {
    it(`${scenario.name}: ${JSON.stringify(expected[scenario.name])}`, async () => {
      const onMemory = await play(memoryTarget(), scenario, options);
      const onEc2 = await play(ec2Target(), scenario, options);
      expect(onMemory).toEqual(expected[scenario.name]);
      expect(onEc2).toEqual(onMemory);
    }, 30_000);
  }
});
