/**
 * The memory provider speaks the emulator kit's fault vocabulary (`controls.faults`): each kind
 * of fault becomes the novacron error an adapter raises for it, quotas and capacity use the
 * EC2 emulator's resource names and launch semantics, and a ready `Error` is thrown as it is.
 */
import { describe, expect, it } from 'vitest';
import {
  AuthError,
  CapacityError,
  ConflictError,
  InvalidSpecError,
  NotFoundError,
  ProviderUnavailableError,
  QuotaError,
  ThrottledError,
} from '../../../src/provider/errors.js';
import { createMemoryProvider } from '../../../src/providers/memory/index.js';
import type { FaultKind } from '../../../src/testing/emulators/kit/fault-plan.js';

const small = { cpu: 1, memory: 1 } as const;

async function rejectionOf(promise: Promise<unknown>): Promise<unknown> {
  try {
    await promise;
  } catch (error) {
    return error;
  }
  throw new Error('expected the call to fail, but it succeeded');
}

describe('memory provider: fault kinds become novacron errors', () => {
  const cases: readonly [FaultKind, (e: unknown) => boolean][] = [
    ['capacity', CapacityError.isInstance],
    ['quota', QuotaError.isInstance],
    ['throttled', ThrottledError.isInstance],
    ['unavailable', ProviderUnavailableError.isInstance],
    ['internal', ProviderUnavailableError.isInstance],
    ['auth', AuthError.isInstance],
    ['invalid', InvalidSpecError.isInstance],
    ['not-found', NotFoundError.isInstance],
    ['conflict', ConflictError.isInstance],
  ];
  for (const [kind, is] of cases) {
    it(`${kind}: refuses the create, which takes no effect`, async () => {
      const p = createMemoryProvider({ provisioningDelayMs: 0, retry: { maxAttempts: 1 } });
      p.controls.faults.failNext('createVM', { kind, message: `injected ${kind}` });
      const error = await rejectionOf(p.createVM({ name: 'a', ...small }));
      expect(is(error), String(error)).toBe(true);
      expect((error as Error).message).toContain(`createVM: injected ${kind}`);
      expect(p.controls.vmCount).toBe(0);
      expect((await p.createVM({ name: 'b', ...small })).state).toBe('running');
    });
  }

  it('names the asked zone in a CapacityError, the retry-after in a ThrottledError, and says a throttled call sent nothing', async () => {
    const p = createMemoryProvider({ provisioningDelayMs: 0, retry: { maxAttempts: 1 } });
    p.controls.faults.failNext('createVM', { kind: 'capacity' });
    const capacity = await rejectionOf(p.createVM({ name: 'a', ...small, region: 'local-1', zone: 'local-1b' }));
    expect(capacity).toMatchObject({ zone: 'local-1b', region: 'local-1' });
    p.controls.faults.failNext('createVM', { kind: 'throttled', retryAfterMs: 250 });
    const throttled = await rejectionOf(p.createVM({ name: 'a', ...small }));
    expect(throttled).toMatchObject({ retryAfterMs: 250, requestSent: false });
    p.controls.faults.failNext('getVM', { kind: 'not-found' });
    expect(await rejectionOf(p.getVM('vm-x'))).toMatchObject({ resourceId: 'vm-x' });
  });

  it('fails as many calls as `times` says, in order with ready errors', async () => {
    const p = createMemoryProvider({ provisioningDelayMs: 0 });
    const ready = new ConflictError({ message: 'exactly this one' });
    p.controls.faults.failNext('getVM', { kind: 'unavailable' }, { times: 2 });
    p.controls.faults.failNext('getVM', ready);
    const vm = await p.createVM({ name: 'a', ...small });
    for (let i = 0; i < 2; i++) expect(ProviderUnavailableError.isInstance(await rejectionOf(p.getVM(vm.id)))).toBe(true);
    expect(await rejectionOf(p.getVM(vm.id))).toBe(ready);
    expect((await p.getVM(vm.id)).id).toBe(vm.id);
  });

  it('refuses every call while the credentials are expired, and answers again once restored', async () => {
    const p = createMemoryProvider({ provisioningDelayMs: 0 });
    p.controls.faults.expireCredentials();
    expect(AuthError.isInstance(await rejectionOf(p.createVM({ name: 'a', ...small })))).toBe(true);
    p.controls.faults.restoreCredentials();
    expect((await p.createVM({ name: 'a', ...small })).state).toBe('running');
  });

  it('delays the answers of an operation, and reset() clears every fault', async () => {
    const p = createMemoryProvider({ provisioningDelayMs: 0 });
    const vm = await p.createVM({ name: 'a', ...small });
    p.controls.faults.delay('getVM', 60);
    const started = Date.now();
    await p.getVM(vm.id);
    expect(Date.now() - started).toBeGreaterThanOrEqual(50);
    p.controls.faults.expireCredentials();
    p.controls.faults.hang('all');
    p.controls.faults.reset();
    const again = Date.now();
    await p.getVM(vm.id);
    expect(Date.now() - again).toBeLessThan(50);
  });
});

describe('memory provider: quotas and capacity in the shared vocabulary', () => {
  it('caps vcpus (on-demand) and spot-instances per region, as the EC2 emulator does', async () => {
    const p = createMemoryProvider({ provisioningDelayMs: 0 });
    p.controls.faults.quota('vcpus', 4);
    p.controls.faults.quota('spot-instances', 1);
    await p.createVM({ name: 'a', cpu: 4, memory: 8 });
    const vcpus = await rejectionOf(p.createVM({ name: 'b', ...small }));
    expect(vcpus).toMatchObject({ quotaName: 'vcpus', region: 'local-1' });
    expect(QuotaError.isInstance(vcpus)).toBe(true);
    // Spot VMs count toward their own quota, not toward the on-demand vCPUs.
    await p.createVM({ name: 'c', cpu: 4, memory: 8, spot: true });
    expect(await rejectionOf(p.createVM({ name: 'd', ...small, spot: true }))).toMatchObject({ quotaName: 'spot-instances' });
    p.controls.faults.quota('vcpus', undefined);
    expect((await p.createVM({ name: 'e', ...small })).state).toBe('running');
  });

  it('caps instances, the lower of the options and the fault winning', async () => {
    const p = createMemoryProvider({ provisioningDelayMs: 0, quotas: { instancesPerRegion: 3 } });
    p.controls.faults.quota('instances', 1);
    await p.createVM({ name: 'a', ...small });
    expect(await rejectionOf(p.createVM({ name: 'b', ...small }))).toMatchObject({ quotaName: 'instances' });
    p.controls.faults.quota('instances', 10);
    await p.createVM({ name: 'b', ...small });
    await p.createVM({ name: 'c', ...small });
    expect(await rejectionOf(p.createVM({ name: 'd', ...small }))).toMatchObject({ quotaName: 'instances' });
  });

  it('counts capacity in launches: a deleted VM gives none back', async () => {
    const p = createMemoryProvider({ provisioningDelayMs: 0, transitionDelayMs: 0, regions: [{ name: 'r1', zones: ['r1a'] }] });
    p.controls.faults.capacity({ zone: 'r1a' }, 1);
    const vm = await p.createVM({ name: 'a', ...small });
    await p.deleteVM(vm.id);
    const error = await rejectionOf(p.createVM({ name: 'b', ...small }));
    expect(CapacityError.isInstance(error)).toBe(true);
    expect(error).toMatchObject({ zone: 'r1a', region: 'r1' });
    p.controls.faults.capacity({ zone: 'r1a' }, undefined);
    expect((await p.createVM({ name: 'b', ...small })).zone).toBe('r1a');
  });
});
