/** Address planning: non-overlap, pools, reserved and in-use ranges, determinism, stability, typed refusals. */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { AddressSpaceExhaustedError, DEFAULT_RESERVED_RANGES, planAddresses, readInUseRanges, type AddressPlanInput, type NetworkRequest } from '../../src/network/index.js';
import { cidrContains, cidrsOverlap, parseCidr } from '../../src/provider/cidr.js';
import { InvalidSpecError } from '../../src/provider/errors.js';
import { createMemoryProvider } from '../../src/providers/memory/index.js';
import { thrownBy } from '../helpers.js';

const ranges = (plan: ReturnType<typeof planAddresses>) => plan.allocations.map((a) => parseCidr(a.cidr));

describe('parseCidr', () => {
  it('canonicalizes ranges and refuses host bits, bad prefixes and garbage', () => {
    expect(parseCidr('10.1.0.0/16')).toMatchObject({ text: '10.1.0.0/16', version: 4, prefix: 16 });
    expect(parseCidr('fd00:1::/48').text).toBe('fd00:1::/48');
    expect(parseCidr('10.1.2.3/16', { lenient: true }).text).toBe('10.1.0.0/16');
    for (const bad of ['10.1.2.3/16', '10.0.0.0/33', '10.0.0.0/08', '10.0.0/8', '300.0.0.0/8', '', 'x']) {
      expect(InvalidSpecError.isInstance(thrownBy(() => parseCidr(bad))), bad).toBe(true);
    }
  });
});

describe('planAddresses', () => {
  it('places networks first-fit around reserved and in-use ranges, and says why', () => {
    const plan = planAddresses({
      reserved: [...DEFAULT_RESERVED_RANGES, { cidr: '10.0.0.0/16', reason: 'on-prem' }],
      inUse: [{ cidr: '10.1.0.0/16', owner: 'aws-east/vpc-1' }],
      networks: [
        { key: 'aws-east/main', provider: 'aws-east', prefix: 16, subnets: [{ key: 'web', prefix: 24 }, { key: 'db', prefix: 24 }] },
        { key: 'gcp/main', prefix: 20 },
      ],
    });
    expect(plan.allocations.map((a) => a.cidr)).toEqual(['10.2.0.0/16', '10.3.0.0/20']);
    expect(plan.allocations[0]!.reason).toBe('first free /16 in pool private-10 (10.0.0.0/8), after 10.0.0.0/16 (reserved: on-prem), 10.1.0.0/16 (in use: aws-east/vpc-1)');
    expect(plan.allocations[0]!.subnets.map((s) => s.cidr)).toEqual(['10.2.0.0/24', '10.2.1.0/24']);
    expect(plan.allocations[1]!.rule).toBe('first-fit');
  });

  it('uses several pools in order, IPv6 pools for IPv6 networks, and a named pool when asked', () => {
    const plan = planAddresses({
      pools: [{ cidr: '10.0.0.0/15', name: 'small' }, { cidr: '172.16.0.0/12', name: 'big' }, { cidr: 'fd00::/40', name: 'v6' }],
      networks: [{ key: 'a', prefix: 15 }, { key: 'b', prefix: 16 }, { key: 'c', prefix: 16, pool: 'big' }, { key: 'v6', version: 6, prefix: 48, subnets: [{ key: 's', prefix: 64 }] }],
    });
    expect(plan.allocations.map((a) => [a.cidr, a.pool])).toEqual([
      ['10.0.0.0/15', 'small'],
      ['172.16.0.0/16', 'big'],
      ['172.18.0.0/16', 'big'], // 172.17/16 is Docker's bridge, reserved by default
      ['fd00::/48', 'v6'],
    ]);
    expect(plan.allocations[3]!.subnets[0]!.cidr).toBe('fd00::/64');
  });

  it('refuses with AddressSpaceExhaustedError rather than overlap, naming the network and what is taken', () => {
    const error = thrownBy(() => planAddresses({ pools: [{ cidr: '10.0.0.0/15' }], reserved: [{ cidr: '10.0.0.0/16', reason: 'on-prem' }], networks: [{ key: 'a' }, { key: 'b' }] }));
    expect(AddressSpaceExhaustedError.isInstance(error), String(error)).toBe(true);
    expect((error as AddressSpaceExhaustedError).allocationKey).toBe('b');
    expect((error as Error).message).toMatch(/no free \/16 left for "b" in 10\.0\.0\.0\/15 \(taken: 10\.0\.0\.0\/16 \(reserved: on-prem\), 10\.1\.0\.0\/16 \(planned: a\)\)/);
    const subnets = thrownBy(() => planAddresses({ networks: [{ key: 'a', prefix: 24, subnets: [{ key: 'x', prefix: 25 }, { key: 'y', prefix: 25 }, { key: 'z', prefix: 26 }] }] }));
    expect((subnets as AddressSpaceExhaustedError).allocationKey).toBe('a/z');
  });

  it('refuses malformed input naming the field', () => {
    const cases: [AddressPlanInput, string][] = [
      [{ networks: [{ key: 'a' }, { key: 'a' }] }, 'networks[1].key'],
      [{ networks: [{ key: 'a', prefix: 40 }] }, 'networks[0].prefix'],
      [{ pools: [{ cidr: '10.0.0.1/8' }], networks: [] }, 'pools[0].cidr'],
      [{ networks: [{ key: 'a', pool: 'nope' }] }, 'networks[0].pool'],
      [{ networks: [{ key: 'a', cidr: '172.17.0.0/16' }] }, 'networks[0].cidr'],
      [{ networks: [{ key: 'a', prefix: 24, subnets: [{ key: 's', prefix: 20 }] }] }, 'networks[0].subnets[0].prefix'],
    ];
    for (const [input, field] of cases) {
      const error = thrownBy(() => planAddresses(input));
      expect(InvalidSpecError.isInstance(error), String(error)).toBe(true);
      expect((error as InvalidSpecError).field).toBe(field);
    }
  });

  it('reads the ranges in use through the providers’ network companions', async () => {
    const aws = createMemoryProvider({ name: 'aws-1', kind: 'aws', network: true });
    const vpc = await aws.networking!.createNetwork({ name: 'existing', cidrs: ['10.0.0.0/16'] });
    const inUse = await readInUseRanges([aws.networking!]);
    expect(inUse).toEqual([{ cidr: '10.0.0.0/16', owner: `aws-1/${vpc.id}` }]);
    expect(planAddresses({ inUse, networks: [{ key: 'new' }] }).allocations[0]!.cidr).toBe('10.1.0.0/16');
  });

  const requestArb = fc.record({ prefix: fc.integer({ min: 12, max: 26 }), subnets: fc.array(fc.integer({ min: 0, max: 4 }), { maxLength: 3 }) });
  const inputArb = fc.record({
    networks: fc.array(requestArb, { minLength: 1, maxLength: 12 }),
    reserved: fc.array(fc.record({ third: fc.integer({ min: 0, max: 255 }), second: fc.integer({ min: 0, max: 255 }), prefix: fc.integer({ min: 9, max: 24 }) }), { maxLength: 5 }),
  });
  const toInput = (x: { networks: { prefix: number; subnets: number[] }[]; reserved: { third: number; second: number; prefix: number }[] }): AddressPlanInput => ({
    pools: [{ cidr: '10.0.0.0/8' }, { cidr: '172.16.0.0/12' }],
    reserved: [...DEFAULT_RESERVED_RANGES, ...x.reserved.map((r, i) => ({ cidr: parseCidr(`10.${r.second}.${r.third}.0/${r.prefix}`, { lenient: true }).text, reason: `r${i}` }))],
    networks: x.networks.map((n, i): NetworkRequest => ({ key: `net-${i}`, prefix: n.prefix, subnets: n.subnets.map((extra, j) => ({ key: `s${j}`, prefix: Math.min(28, n.prefix + 2 + extra) })) })),
  });
  const planOrError = (input: AddressPlanInput) => {
    try {
      return planAddresses(input);
    } catch (error) {
      if (AddressSpaceExhaustedError.isInstance(error)) return undefined;
      throw error;
    }
  };

  it('property: no two allocations overlap, all lie in a pool, none touches a reserved range, subnets lie in their network', () => {
    fc.assert(
      fc.property(inputArb, (x) => {
        const input = toInput(x);
        const plan = planOrError(input);
        if (plan === undefined) return;
        const all = ranges(plan);
        const pools = input.pools!.map((p) => parseCidr(p.cidr));
        const reserved = input.reserved!.map((r) => parseCidr(r.cidr));
        all.forEach((r, i) => {
          expect(pools.some((p) => cidrContains(p, r))).toBe(true);
          expect(reserved.some((q) => cidrsOverlap(q, r))).toBe(false);
          all.slice(i + 1).forEach((o) => expect(cidrsOverlap(r, o)).toBe(false));
          const subs = plan.allocations[i]!.subnets.map((s) => parseCidr(s.cidr));
          subs.forEach((s, j) => {
            expect(cidrContains(r, s)).toBe(true);
            subs.slice(j + 1).forEach((t) => expect(cidrsOverlap(s, t)).toBe(false));
          });
        });
      }),
      { numRuns: 200 },
    );
  });

  it('property: the same input gives the same plan', () => {
    fc.assert(
      fc.property(inputArb, (x) => {
        expect(planOrError(toInput(x))).toEqual(planOrError(toInput(x)));
      }),
      { numRuns: 100 },
    );
  });

  it('property: a re-plan with one more network (anywhere in the list) keeps every existing allocation', () => {
    fc.assert(
      fc.property(inputArb, requestArb, fc.nat(), (x, extra, at) => {
        const input = toInput(x);
        const previous = planOrError(input);
        if (previous === undefined) return;
        const networks = [...input.networks];
        networks.splice(at % (networks.length + 1), 0, { key: 'added', prefix: extra.prefix });
        const next = planOrError({ ...input, networks, previous });
        if (next === undefined) return;
        for (const before of previous.allocations) {
          const after = next.allocations.find((a) => a.key === before.key)!;
          expect(after.cidr).toBe(before.cidr);
          expect(after.subnets).toEqual(before.subnets.map((s) => ({ ...s, reason: 'kept from the previous plan' })));
          expect(after.rule).toBe('kept');
        }
      }),
      { numRuns: 200 },
    );
  });

  it('property: appending a network keeps the others even without the previous plan (no reordering)', () => {
    fc.assert(
      fc.property(inputArb, requestArb, (x, extra) => {
        const input = toInput(x);
        const before = planOrError(input);
        if (before === undefined) return;
        const after = planOrError({ ...input, networks: [...input.networks, { key: 'added', prefix: extra.prefix }] });
        if (after === undefined) return;
        expect(after.allocations.slice(0, -1).map((a) => a.cidr)).toEqual(before.allocations.map((a) => a.cidr));
      }),
      { numRuns: 100 },
    );
  });
});
