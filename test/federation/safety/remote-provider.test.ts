/** The crash matrix's HTTP bridge keeps what failover decides from: error classes, `requestSent`, ids, listings. */
import { afterEach, describe, expect, it } from 'vitest';
import {
  CapacityError,
  createMemoryProvider,
  NotFoundError,
  ProviderUnavailableError,
  ThrottledError,
  type MemoryProvider,
  type VM,
} from '../../../src/index.js';
import { ProviderHost, RemoteProvider } from './remote-provider.js';

let host: ProviderHost | undefined;
afterEach(async () => {
  await host?.close();
  host = undefined;
});

async function bridged(): Promise<{ memory: MemoryProvider; remote: RemoteProvider }> {
  const memory = createMemoryProvider({ name: 'mem', provisioningDelayMs: 20 });
  host = await ProviderHost.start([memory]);
  return { memory, remote: await RemoteProvider.connect(host.url, 'mem') };
}

describe('remote provider bridge', () => {
  it('creates remotely, calls onProvisioned here before the wait, and waits for running', async () => {
    const { memory, remote } = await bridged();
    const seen: string[] = [];
    const vm = await remote.createVM({ name: 'a', cpu: 1, memory: 1 }, { idempotencyKey: 'k', onProvisioned: (v) => void seen.push(`${v.id}:${v.state}`) });
    expect(vm.state).toBe('running');
    expect(seen).toEqual([`${vm.id}:pending`]);
    expect((await remote.findByIdempotencyKey('k'))?.id).toBe(vm.id);
    expect(await remote.findByIdempotencyKey('other')).toBeUndefined();
    const listed: VM[] = [];
    for await (const v of remote.listVMs()) listed.push(v);
    expect(listed.map((v) => v.id)).toEqual([vm.id]);
    expect(memory.controls.calls.createVM).toBe(1);
  });

  it('rebuilds errors as their novacron classes, requestSent and fields included', async () => {
    const { memory, remote } = await bridged();
    memory.controls.faults.failNext('createVM', new CapacityError({ provider: 'mem', message: 'full', region: 'r', zone: 'z', instanceType: 't' }));
    memory.controls.faults.failNext('createVM', new ProviderUnavailableError({ provider: 'mem', message: '503' }));
    const spec = { name: 'a', cpu: 1, memory: 1 };
    const capacity = await remote.createVM(spec).catch((e: unknown) => e);
    expect(CapacityError.isInstance(capacity)).toBe(true);
    expect(capacity).toMatchObject({ region: 'r', zone: 'z', instanceType: 't', requestSent: undefined });
    expect(ProviderUnavailableError.isInstance(await remote.createVM(spec).catch((e: unknown) => e))).toBe(true);
    expect(NotFoundError.isInstance(await remote.getVM('vm-none').catch((e: unknown) => e))).toBe(true);
    memory.controls.faults.throttle(1, { retryAfterMs: 7 });
    const throttled = await remote.createVM(spec).catch((e: unknown) => e);
    expect(ThrottledError.isInstance(throttled)).toBe(true);
    expect(throttled).toMatchObject({ requestSent: false, retryAfterMs: 7, provider: 'mem', message: '[novacron] [mem] createVM: request rate exceeded' });
  });

  it('a host that is gone is unavailable, and provably not reached', async () => {
    const { remote } = await bridged();
    await host!.close();
    host = undefined;
    const error = await remote.getVM('vm-x').catch((e: unknown) => e);
    expect(ProviderUnavailableError.isInstance(error)).toBe(true);
    expect((error as ProviderUnavailableError).requestSent).toBe(false);
  });
});
