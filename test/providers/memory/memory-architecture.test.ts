import { describe, expect, it } from 'vitest';
import { createMemoryProvider, InvalidSpecError, type Offer } from '../../../src/index.js';
import { offer as baseOffer } from '../../federation/fixtures.js';

const offer = (instanceType: string, o: Partial<Offer> = {}): Offer => baseOffer('memory', 'r1', instanceType, 2, 8, 0.1, o);

// t7g.large and t7i.large at the same price: the case where arm64 used to win on the name order.
const offers = [
  offer('t7i.large', {}),
  offer('t7g.large', { arch: 'arm64' }),
  offer('m7g.large', { arch: 'arm64', onDemandHourly: 0.06 }),
  offer('g.1x', { vcpus: 4, memoryGiB: 16, gpu: { model: 't4', count: 1 }, onDemandHourly: 0.5 }),
  offer('g.4x', { vcpus: 16, memoryGiB: 64, gpu: { model: 't4', count: 4 }, onDemandHourly: 2 }),
];

const refusal = async (promise: Promise<unknown>): Promise<InvalidSpecError> => {
  const error = await promise.then(
    () => undefined,
    (e: unknown) => e,
  );
  expect(InvalidSpecError.isInstance(error), String(error)).toBe(true);
  return error as InvalidSpecError;
};

describe('memory provider: architecture and GPU counts', () => {
  const provider = () => createMemoryProvider({ name: 'mem', offers, provisioningDelayMs: 0 });

  it('keeps a spec without arch on x86_64, even where arm64 is cheaper or tied', async () => {
    const vm = await provider().createVM({ name: 'default-arch', cpu: 2, memory: 8 });
    expect(vm.instanceType).toBe('t7i.large');
  });

  it('lands on arm64 when arch asks for it or allows it and it is cheaper', async () => {
    const p = provider();
    expect((await p.createVM({ name: 'arm', cpu: 2, memory: 8, arch: 'arm64' })).instanceType).toBe('m7g.large');
    expect((await p.createVM({ name: 'any', cpu: 2, memory: 8, arch: 'any' })).instanceType).toBe('m7g.large');
    expect((await p.createVM({ name: 'x86', cpu: 2, memory: 8, arch: ['x86_64'] })).instanceType).toBe('t7i.large');
  });

  it('names arch when only the architecture stands in the way', async () => {
    const armOnly = createMemoryProvider({ name: 'arm-only', offers: [offer('m7g.large', { arch: 'arm64' })] });
    const error = await refusal(armOnly.createVM({ name: 'x', cpu: 2, memory: 8 }));
    expect(error.field).toBe('arch');
    expect(error.message).toMatch(/only arm64 instance types fit .*arch allows only x86_64 \(the default\)/);
    const fixed = await refusal(armOnly.createVM({ name: 'y', cpu: 2, memory: 8, instanceType: 'm7g.large', arch: 'x86_64' }));
    expect(fixed.field).toBe('arch');
    // A fixed instance type without arch decides the architecture itself.
    expect((await armOnly.createVM({ name: 'z', cpu: 2, memory: 8, instanceType: 'm7g.large' })).instanceType).toBe('m7g.large');
  });

  it('reads a GPU count as at least, or exactly with exact: true', async () => {
    const p = provider();
    expect((await p.createVM({ name: 'two', cpu: 1, memory: 1, gpu: { count: 2 } })).instanceType).toBe('g.4x');
    expect((await p.createVM({ name: 'four', cpu: 1, memory: 1, gpu: { count: 4, exact: true } })).instanceType).toBe('g.4x');
    expect((await p.createVM({ name: 'one', cpu: 1, memory: 1, gpu: { count: 1, exact: true } })).instanceType).toBe('g.1x');
    const error = await refusal(p.createVM({ name: 'two-exact', cpu: 1, memory: 1, gpu: { count: 2, exact: true } }));
    expect(error.field).toBe('gpu');
    expect(error.message).toMatch(/exactly 2× any GPU/);
  });
});
