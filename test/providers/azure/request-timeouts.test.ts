/**
 * Bounded time: every HTTP attempt has a deadline besides the caller's signal. A read that gets no
 * answer is ProviderUnavailableError; a mutating call that gets none is TimeoutError (Azure may
 * have acted) naming the resource; the caller's abort is an AbortError.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { isAbortError, ProviderUnavailableError, TimeoutError } from '../../../src/provider/errors.js';
import { resourceNamesFor } from '../../../src/providers/azure/naming.js';
import { rejectionOf } from '../../helpers.js';
import { startEmulatedAzure, type EmulatedAzure } from './emulated-azure.js';

let env: EmulatedAzure;
beforeAll(async () => {
  env = await startEmulatedAzure({ provider: { requestTimeoutMs: 300, maxRetries: 0 } });
  await env.azure.estimateCost({ name: 'warm', cpu: 1, memory: 1 });
});
afterAll(() => env.close());

describe('Azure request deadlines', () => {
  it('a read that hangs is ProviderUnavailableError', async () => {
    env.emu.faults.hang('virtualMachines.get');
    try {
      const error = await rejectionOf(env.azure.getVM(`/subscriptions/${env.emu.providerOptions.subscriptionId}/resourceGroups/${env.emu.providerOptions.resourceGroup}/providers/Microsoft.Compute/virtualMachines/nc-000000000000`));
      expect(ProviderUnavailableError.isInstance(error), String(error)).toBe(true);
    } finally {
      env.emu.faults.hang('virtualMachines.get', false);
    }
  });

  it('a VM PUT that hangs is TimeoutError naming the VM (it may exist)', async () => {
    env.emu.faults.hang('virtualMachines.createOrUpdate');
    try {
      const error = await rejectionOf(env.azure.createVM({ name: 'hung', cpu: 1, memory: 1 }, { idempotencyKey: 'hung-1' }));
      expect(TimeoutError.isInstance(error), String(error)).toBe(true);
      expect((error as TimeoutError).resourceId).toMatch(new RegExp(`/virtualMachines/${resourceNamesFor('hung-1').vm}$`));
    } finally {
      env.emu.faults.hang('virtualMachines.createOrUpdate', false);
    }
  });

  it('the caller\'s abort while a call hangs is an AbortError', async () => {
    env.emu.faults.hang('virtualMachines.list');
    try {
      const azure = env.provider({ requestTimeoutMs: 30_000 });
      const controller = new AbortController();
      setTimeout(() => controller.abort(), 50);
      const error = await rejectionOf((async () => {
        for await (const _ of azure.listVMs({}, { signal: controller.signal })) void _;
      })());
      expect(isAbortError(error), String(error)).toBe(true);
    } finally {
      env.emu.faults.hang('virtualMachines.list', false);
    }
  });
});
