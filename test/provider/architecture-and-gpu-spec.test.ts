import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { DEFAULT_ARCHITECTURES, InvalidSpecError, type Offer, type VMSpecInput } from '../../src/index.js';
import { offerFits, parseVMSpec, requirementOf, selectOffer, specArchitectures, specFingerprint } from '../../src/provider-utils/index.js';
import { offer as baseOffer } from '../federation/fixtures.js';

const base: VMSpecInput = { name: 'app-1', cpu: 2, memory: '8Gi' };

function refusal(input: Record<string, unknown>): { field: string; message: string } {
  try {
    parseVMSpec({ ...base, ...input } as VMSpecInput);
  } catch (error) {
    expect(InvalidSpecError.isInstance(error), String(error)).toBe(true);
    return { field: (error as InvalidSpecError).field, message: (error as InvalidSpecError).issues[0]!.message };
  }
  throw new Error(`expected ${JSON.stringify(input)} to be refused`);
}

const offer = (instanceType: string, o: Partial<Offer> = {}): Offer => baseOffer('aws', 'us-east-1', instanceType, 2, 8, 0.1, o);

describe('arch in a VM spec', () => {
  it('is undefined when omitted, which means x86_64 only', () => {
    const spec = parseVMSpec(base);
    expect(spec.arch).toBeUndefined();
    expect(DEFAULT_ARCHITECTURES).toEqual(['x86_64']);
    expect(specArchitectures(spec)).toEqual(['x86_64']);
  });

  it.each([
    ['x86_64', ['x86_64']],
    ['arm64', ['arm64']],
    ['any', ['x86_64', 'arm64']],
    [['arm64'], ['arm64']],
    [['arm64', 'x86_64', 'arm64'], ['x86_64', 'arm64']],
  ] as const)('normalizes %j to %j', (arch, expected) => {
    const spec = parseVMSpec({ ...base, arch });
    expect(spec.arch).toEqual(expected);
    expect(Object.isFrozen(spec.arch)).toBe(true);
    // A normalized spec parses to itself.
    expect(parseVMSpec({ ...spec }).arch).toEqual(expected);
  });

  it.each([
    ['arm', 'arch', /must be x86_64, arm64 or any, or a list of x86_64 and arm64, got "arm"/],
    ['aarch64', 'arch', /got "aarch64"/],
    [64, 'arch', /got 64/],
    [[], 'arch', /at least one architecture/],
    [['x86_64', 'any'], 'arch[1]', /must be x86_64 or arm64, got "any"/],
    [['x86_64', 7], 'arch[1]', /must be x86_64 or arm64, got 7/],
  ])('refuses arch %j on %s', (arch, field, message) => {
    const issue = refusal({ arch });
    expect(issue.field).toBe(field);
    expect(issue.message).toMatch(message);
  });

  it('refuses every value that is not an architecture, a list of them or any, naming arch (property)', () => {
    fc.assert(
      fc.property(fc.anything().filter((a) => a !== undefined && a !== 'x86_64' && a !== 'arm64' && a !== 'any' && !Array.isArray(a)), (arch) => {
        // (a key such as `__proto__` inside is refused at its own path, `arch.__proto__`)
        expect(refusal({ arch }).field).toMatch(/^arch(\.|$)/);
      }),
    );
  });

  it('fingerprints an omitted arch like the explicit default for an image alias, not for a native image', () => {
    const fp = (input: Partial<VMSpecInput>): string => specFingerprint(parseVMSpec({ ...base, ...input }));
    expect(fp({})).toBe(fp({ arch: 'x86_64' }));
    expect(fp({})).toBe(fp({ arch: ['x86_64'] }));
    expect(fp({ arch: 'any' })).toBe(fp({ arch: ['arm64', 'x86_64'] }));
    expect(fp({})).not.toBe(fp({ arch: 'arm64' }));
    expect(fp({})).not.toBe(fp({ arch: 'any' }));
    // With a native image an omitted arch follows the image; an explicit one must match it.
    expect(fp({ image: 'ami-0123456789abcdef0' })).not.toBe(fp({ image: 'ami-0123456789abcdef0', arch: 'x86_64' }));
  });
});

describe('gpu.exact in a VM spec', () => {
  it('is kept only when true', () => {
    expect(parseVMSpec({ ...base, gpu: { count: 2, type: 'T4', exact: true } }).gpu).toEqual({ count: 2, type: 't4', exact: true });
    const atLeast = parseVMSpec({ ...base, gpu: { count: 2, exact: false } });
    expect(atLeast.gpu).toEqual({ count: 2, type: undefined });
    expect('exact' in atLeast.gpu!).toBe(false);
    expect(specFingerprint(atLeast)).toBe(specFingerprint(parseVMSpec({ ...base, gpu: { count: 2 } })));
  });

  it('refuses a non-boolean exact naming gpu.exact', () => {
    const issue = refusal({ gpu: { count: 1, exact: 'yes' } });
    expect(issue).toEqual({ field: 'gpu.exact', message: 'must be true or false' });
  });
});

describe('offerFits and selectOffer with arch and exact GPU counts', () => {
  const x86 = offer('t7i.large', { onDemandHourly: 0.1 });
  const arm = offer('t7g.large', { arch: 'arm64', onDemandHourly: 0.1 });
  const cheaperArm = offer('m7g.large', { arch: 'arm64', onDemandHourly: 0.05 });
  const offers = [x86, arm, cheaperArm];

  it('never picks arm64 for a spec without arch, even when it is cheaper or tied', () => {
    expect(selectOffer(offers, requirementOf(parseVMSpec(base), undefined))).toBe(x86);
    expect(offerFits(cheaperArm, requirementOf(parseVMSpec(base), undefined))).toBe(false);
  });

  it('picks the cheapest of the allowed architectures', () => {
    expect(selectOffer(offers, requirementOf(parseVMSpec({ ...base, arch: 'arm64' }), undefined))).toBe(cheaperArm);
    expect(selectOffer(offers, requirementOf(parseVMSpec({ ...base, arch: 'any' }), undefined))).toBe(cheaperArm);
    expect(selectOffer([x86, arm], requirementOf(parseVMSpec({ ...base, arch: 'any' }), undefined))).toBe(arm); // tie: name order
    expect(selectOffer(offers, { cpu: 1, memoryGiB: 1 })).toBe(cheaperArm); // a requirement without arch allows any
  });

  it('lets a fixed instance type decide the architecture unless arch excludes it', () => {
    expect(selectOffer(offers, requirementOf(parseVMSpec({ ...base, instanceType: 'm7g.large' }), undefined))).toBe(cheaperArm);
    expect(selectOffer(offers, requirementOf(parseVMSpec({ ...base, instanceType: 'm7g.large', arch: 'x86_64' }), undefined))).toBeUndefined();
  });

  it('reads a GPU count as "at least", or "exactly" with exact', () => {
    const one = offer('g.1', { gpu: { model: 't4', count: 1 }, onDemandHourly: 0.5 });
    const four = offer('g.4', { gpu: { model: 't4', count: 4 }, onDemandHourly: 2 });
    const gpus = [one, four];
    const req = (gpu: VMSpecInput['gpu']) => requirementOf(parseVMSpec({ ...base, gpu }), undefined);
    expect(selectOffer(gpus, req({ count: 2 }))).toBe(four);
    expect(selectOffer(gpus, req({ count: 2, exact: true }))).toBeUndefined();
    expect(selectOffer(gpus, req({ count: 4, exact: true }))).toBe(four);
    expect(selectOffer(gpus, req({ count: 1, exact: true }))).toBe(one);
    expect(offerFits(four, req({ count: 1, exact: true }))).toBe(false);
    expect(offerFits(four, req({ count: 1 }))).toBe(true);
  });

  it('agrees with a plain reading of the rules for any offer (property)', () => {
    const arbOffer = fc.record({
      arch: fc.constantFrom('x86_64' as const, 'arm64' as const),
      gpus: fc.integer({ min: 0, max: 8 }),
      vcpus: fc.integer({ min: 1, max: 16 }),
    });
    const arbSpec = fc.record({
      arch: fc.option(fc.constantFrom('x86_64' as const, 'arm64' as const, 'any' as const), { nil: undefined }),
      gpu: fc.option(fc.record({ count: fc.integer({ min: 1, max: 8 }), exact: fc.boolean() }), { nil: undefined }),
    });
    fc.assert(
      fc.property(arbOffer, arbSpec, (o, s) => {
        const candidate = offer('x.large', { arch: o.arch, vcpus: o.vcpus, gpu: o.gpus > 0 ? { model: 't4', count: o.gpus } : undefined });
        const spec = parseVMSpec({ ...base, cpu: 1, memory: 1, arch: s.arch, gpu: s.gpu });
        const archOk = s.arch === 'any' || o.arch === (s.arch ?? 'x86_64');
        const gpuOk = s.gpu === undefined ? o.gpus === 0 : s.gpu.exact ? o.gpus === s.gpu.count : o.gpus >= s.gpu.count;
        expect(offerFits(candidate, requirementOf(spec, undefined))).toBe(archOk && gpuOk);
      }),
    );
  });
});
