/**
 * The memory provider's lost responses (`faults.dropResponse`), hangs (`faults.hang`) and lookups by
 * idempotency key: the faults a federation's create must survive without creating a VM twice.
 */
import { describe, expect, it } from 'vitest';
import { ConflictError, isAbortError, ProviderUnavailableError } from '../../../src/provider/errors.js';
import { createMemoryProvider } from '../../../src/providers/memory/index.js';
import { rejectionOf } from '../../helpers.js';

const small = { cpu: 1, memory: 1 } as const;

/** `'pending'` when `promise` has not settled after a few turns of the event loop. */
async function stateOf(promise: Promise<unknown>): Promise<'pending' | 'settled'> {
  const settled = promise.then(
    () => 'settled' as const,
    () => 'settled' as const,
  );
  return Promise.race([settled, new Promise<'pending'>((resolve) => setTimeout(() => resolve('pending'), 30))]);
}

describe('memory provider: lost responses', () => {
  it('creates the VM and then loses the answer, and a repeat with the same key adopts it', async () => {
    const p = createMemoryProvider({ provisioningDelayMs: 0 });
    p.controls.faults.dropResponse('createVM');
    const error = await rejectionOf(p.createVM({ name: 'lost', ...small }, { idempotencyKey: 'lost-1' }));
    expect(ProviderUnavailableError.isInstance(error), String(error)).toBe(true);
    expect((error as Error).message).toMatch(/response was lost/);
    expect(p.controls.vmCount).toBe(1);

    const found = await p.findByIdempotencyKey('lost-1');
    expect(found).toMatchObject({ name: 'lost', state: 'running' });
    const again = await p.createVM({ name: 'lost', ...small }, { idempotencyKey: 'lost-1' });
    expect(again.id).toBe(found!.id);
    expect(p.controls.vmCount).toBe(1);
  });

  it('drops as many answers as asked, then answers again', async () => {
    const p = createMemoryProvider({ provisioningDelayMs: 0 });
    const vm = await p.createVM({ name: 'a', ...small });
    p.controls.faults.dropResponse('getVM', { times: 2 });
    for (let i = 0; i < 2; i++) expect(ProviderUnavailableError.isInstance(await rejectionOf(p.getVM(vm.id)))).toBe(true);
    expect((await p.getVM(vm.id)).id).toBe(vm.id);
    expect(p.controls.calls.getVM).toBe(3);
  });

  it('keeps a drop for the next call that takes effect: a refused call loses nothing', async () => {
    const p = createMemoryProvider({ provisioningDelayMs: 0 });
    p.controls.faults.dropResponse('createVM');
    p.controls.faults.failNext('createVM', new ConflictError({ message: 'injected' }));
    expect(ConflictError.isInstance(await rejectionOf(p.createVM({ name: 'a', ...small })))).toBe(true);
    expect(p.controls.vmCount).toBe(0);
    expect(ProviderUnavailableError.isInstance(await rejectionOf(p.createVM({ name: 'b', ...small })))).toBe(true);
    expect(p.controls.vmCount).toBe(1);
    expect((await p.createVM({ name: 'c', ...small })).name).toBe('c');
  });
});

describe('memory provider: hangs', () => {
  it('never answers a hung operation until the signal aborts, and it takes no effect', async () => {
    const p = createMemoryProvider({ provisioningDelayMs: 0 });
    p.controls.faults.hang('createVM');
    const controller = new AbortController();
    const pending = p.createVM({ name: 'hung', ...small }, { idempotencyKey: 'hung-1', signal: controller.signal });
    expect(await stateOf(pending)).toBe('pending');
    expect(p.controls.calls.createVM).toBe(1);
    // Other operations still answer.
    expect(await p.findByIdempotencyKey('hung-1')).toBeUndefined();
    controller.abort();
    expect(isAbortError(await rejectionOf(pending))).toBe(true);
    expect(p.controls.vmCount).toBe(0);

    p.controls.faults.hang('createVM', false);
    expect((await p.createVM({ name: 'after', ...small })).state).toBe('running');
  });

  it("rejects with the signal's own reason", async () => {
    const p = createMemoryProvider();
    p.controls.faults.hang('getVM');
    const reason = new Error('deadline of the caller');
    const controller = new AbortController();
    const pending = p.getVM('vm-1', { signal: controller.signal });
    controller.abort(reason);
    expect(await rejectionOf(pending)).toBe(reason);
    const timedOut = await rejectionOf(p.getVM('vm-1', { signal: AbortSignal.timeout(5) }));
    expect((timedOut as Error).name).toBe('TimeoutError');
  });

  it("hangs every operation with 'all', lookups by key included, until lifted", async () => {
    const p = createMemoryProvider({ provisioningDelayMs: 0 });
    const vm = await p.createVM({ name: 'a', ...small }, { idempotencyKey: 'k' });
    p.controls.faults.hang('all');
    expect(await stateOf(p.getVM(vm.id))).toBe('pending'); // no signal: waits forever
    expect(await stateOf(p.findByIdempotencyKey('k'))).toBe('pending');
    const controller = new AbortController();
    setTimeout(() => controller.abort(), 5);
    expect(isAbortError(await rejectionOf(p.findByIdempotencyKey('k', { signal: controller.signal })))).toBe(true);
    p.controls.faults.hang('all', false);
    expect((await p.findByIdempotencyKey('k'))?.id).toBe(vm.id);
  });
});

describe('memory provider: findByIdempotencyKey', () => {
  it('returns the VM a key created, terminated ones until their retention ends, then undefined', async () => {
    let now = 1_000;
    const p = createMemoryProvider({ clock: () => now, provisioningDelayMs: 0, transitionDelayMs: 0, terminatedRetentionMs: 10_000 });
    const vm = await p.createVM({ name: 'kept', ...small }, { idempotencyKey: 'kept-1' });
    expect(await p.findByIdempotencyKey('kept-2')).toBeUndefined();
    await p.deleteVM(vm.id);
    expect(await p.findByIdempotencyKey('kept-1')).toMatchObject({ id: vm.id, state: 'terminated' });
    now += 10_001;
    expect(await p.findByIdempotencyKey('kept-1')).toBeUndefined();
  });

  it('finds a VM imported with a key', async () => {
    const p = createMemoryProvider({ provisioningDelayMs: 0 });
    const source = await p.createVM({ name: 'src', ...small, disk: 10 });
    const artifact = await p.exportVM(source.id);
    const imported = await p.importVM(artifact, { name: 'copy', ...small, disk: 10 }, { idempotencyKey: 'import-1' });
    expect((await p.findByIdempotencyKey('import-1'))?.id).toBe(imported.id);
  });

  it('goes through the same fault path as every other call', async () => {
    const p = createMemoryProvider();
    p.controls.faults.failNext('findByIdempotencyKey', new ProviderUnavailableError({ message: 'injected' }));
    expect(ProviderUnavailableError.isInstance(await rejectionOf(p.findByIdempotencyKey('x')))).toBe(true);
    p.controls.setAvailable(false);
    expect(ProviderUnavailableError.isInstance(await rejectionOf(p.findByIdempotencyKey('x')))).toBe(true);
    p.controls.setAvailable(true);
    expect(await p.findByIdempotencyKey('x')).toBeUndefined();
    expect(p.controls.calls.findByIdempotencyKey).toBe(3);
  });
});
