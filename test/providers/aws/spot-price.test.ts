/**
 * A spot VM reports what it is charged now: the current spot price of its zone and type, from
 * createVM, getVM (also in a fresh provider that never saw the create) and listVMs.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { collect } from '../../helpers.js';
import { startEmulatedAws, type EmulatedAws } from './emulated-aws.js';

let env: EmulatedAws;
beforeAll(async () => {
  env = await startEmulatedAws();
});
afterAll(() => env.close());

describe('spot VM prices', () => {
  it('createVM, getVM and listVMs report the spot price of the zone and type', async () => {
    const vm = await env.aws.createVM({ name: 'spot-priced', cpu: 2, memory: 4, spot: true });
    expect(vm.spot).toBe(true);
    expect(vm.hourlyPrice?.source).toBe('aws-ec2-spot-price-history');
    const offer = (await collect(env.aws.offers(vm.region))).find((o) => o.zone === vm.zone && o.instanceType === vm.instanceType)!;
    expect(vm.hourlyPrice?.amount).toBe(offer.spotHourly);
    expect(vm.hourlyPrice!.amount).toBeLessThan(offer.onDemandHourly);

    const fresh = env.provider();
    expect((await fresh.getVM(vm.id)).hourlyPrice).toEqual(vm.hourlyPrice && { ...vm.hourlyPrice, asOf: expect.any(String) });
    const listed = (await collect(env.provider().listVMs())).find((v) => v.id === vm.id)!;
    expect(listed.hourlyPrice?.amount).toBe(vm.hourlyPrice!.amount);
    await env.aws.deleteVM(vm.id, { wait: false });
  });

  it('an on-demand VM reports the list price', async () => {
    const vm = await env.aws.createVM({ name: 'od-priced', cpu: 2, memory: 4 });
    expect(vm.hourlyPrice?.source).toBe('aws-pricing-api');
    // Reads do not load the catalog for a price; once it is loaded, a fresh provider reports it too.
    const fresh = env.provider();
    await collect(fresh.offers(vm.region));
    expect((await fresh.getVM(vm.id)).hourlyPrice?.amount).toBe(vm.hourlyPrice!.amount);
    await env.aws.deleteVM(vm.id, { wait: false });
  });
});
