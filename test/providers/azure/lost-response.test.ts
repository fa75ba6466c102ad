/**
 * A VM PUT whose answer is lost after Azure applied it: the SDK pipeline retries the PUT on the
 * same (deterministic) name, which Azure takes as an update, so one VM results; when every answer
 * is lost the create fails without claiming nothing was sent, `findByIdempotencyKey` finds the VM,
 * and a retry of the key adopts it.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { resourceNamesFor } from '../../../src/providers/azure/naming.js';
import { rejectionOf } from '../../helpers.js';
import { startEmulatedAzure, type EmulatedAzure } from './emulated-azure.js';

let env: EmulatedAzure;
beforeAll(async () => {
  env = await startEmulatedAzure();
  await env.azure.estimateCost({ name: 'warm', cpu: 1, memory: 1 });
});
afterAll(() => env.close());

const ofKey = (key: string) => {
  const names = resourceNamesFor(key);
  return {
    vms: env.emu.state.virtualMachines().filter((v) => v.name === names.vm),
    nics: env.emu.state.networkInterfaces().filter((n) => n.name.startsWith(names.vm)),
    ips: env.emu.state.publicIPAddresses().filter((n) => n.name.startsWith(names.vm)),
  };
};

describe('lost Azure PUT answers', () => {
  it('a lost PUT answer, retried by the SDK pipeline on the same name: one VM', async () => {
    env.emu.faults.dropResponse('virtualMachines.createOrUpdate');
    env.emu.stats.reset();
    const vm = await env.azure.createVM({ name: 'dropped', cpu: 1, memory: 1, network: { publicIp: true } }, { idempotencyKey: 'drop-1' });
    expect(env.emu.stats.count('virtualMachines.createOrUpdate')).toBe(2);
    expect(vm.state).toBe('running');
    expect((await env.azure.getVM(vm.id))?.state).toBe('running');
    const { vms, nics, ips } = ofKey('drop-1');
    expect(vms.map((v) => v.id)).toEqual([vm.id]);
    expect([nics.length, ips.length]).toEqual([1, 1]);
  });

  it('every PUT answer lost: the create fails uncertain, findByIdempotencyKey finds the VM, and the retry adopts it', async () => {
    const azure = env.provider({ maxRetries: 1 });
    env.emu.faults.dropResponse('virtualMachines.createOrUpdate', { times: 2 });
    const error = await rejectionOf(azure.createVM({ name: 'lost', cpu: 1, memory: 1 }, { idempotencyKey: 'lost-1' }));
    expect((error as { name: string }).name).toMatch(/ProviderUnavailableError|TimeoutError/);
    expect((error as { requestSent?: boolean }).requestSent).toBeUndefined();
    const { vms } = ofKey('lost-1');
    expect(vms).toHaveLength(1);
    expect((await azure.findByIdempotencyKey('lost-1'))?.id).toBe(vms[0]!.id);
    const again = await env.provider().createVM({ name: 'lost', cpu: 1, memory: 1 }, { idempotencyKey: 'lost-1' });
    expect(again.id).toBe(vms[0]!.id);
    expect(again.state).toBe('running');
    expect(ofKey('lost-1').vms).toHaveLength(1);
  });
});
