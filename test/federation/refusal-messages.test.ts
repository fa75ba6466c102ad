/** A refusal says why in its message: unknown provider names first, then the commonest reasons. */
import { inspect } from 'node:util';
import { describe, expect, it, vi } from 'vitest';
import { PlacementEngine } from '../../src/federation/placement/index.js';
import { FederationManager, PlacementRefusedError } from '../../src/federation/index.js';
import { InvalidSpecError } from '../../src/index.js';
import { cloud, EAST, offer, WEST } from './fixtures.js';

const providers = () => [cloud('aws-east', 'aws', [EAST], [offer('aws', 'east-1', 'm.large', 2, 8, 0.08)]), cloud('gcp-west', 'gcp', [WEST], [offer('gcp', 'west-1', 'e2-standard-2', 2, 8, 0.09)])];
const spec = { name: 'web', cpu: 2, memory: 4 } as const;

async function refusal(request: object, s: object = spec): Promise<PlacementRefusedError> {
  const error = await new FederationManager({ providers: providers() }).place(s as typeof spec, { request: request as never }).catch((e: unknown) => e);
  expect(PlacementRefusedError.isInstance(error), String(error)).toBe(true);
  return error as PlacementRefusedError;
}

describe('refusal messages', () => {
  it('names a provider constraint that matches no registered provider', async () => {
    const error = await refusal({ constraints: [{ type: 'provider', operator: 'in', values: ['azure-west'] }] });
    expect(error.message).toContain('no provider named "azure-west" is registered (providers: aws-east, gcp-west)');
  });

  it('names the reasons of a region nobody offers', async () => {
    const error = await refusal({}, { ...spec, region: 'mars-1' });
    expect(error.message).toMatch(/no feasible placement for web \(2 vCPU \/ 4 GiB\): .*mars-1.*; see rejected and explanation/);
  });

  it('names the reason when nothing fits', async () => {
    const error = await refusal({}, { ...spec, cpu: 64 });
    expect(error.message).toMatch(/: .+; see rejected and explanation$/);
    expect(error.message.length).toBeLessThan(1_200);
  });

  it('works out the reasons only when the message is read, and says the same in String, stack and inspect', async () => {
    const manager = new FederationManager({ providers: providers() });
    await manager.ready();
    const decide = vi.spyOn(PlacementEngine.prototype, 'decide');
    try {
      const error = (await manager.place({ ...spec, cpu: 64 }, { explain: false }).catch((e: unknown) => e)) as PlacementRefusedError;
      expect(PlacementRefusedError.isInstance(error)).toBe(true);
      // The fast decision refused; no explained decision ran for a message nobody has read yet.
      expect(decide.mock.calls.map((c) => c[2]?.explain === true)).toEqual([false]);
      const message = error.message;
      expect(decide.mock.calls.map((c) => c[2]?.explain === true)).toEqual([false, true]);
      expect(message).toMatch(/^\[novacron\] no feasible placement for web \(64 vCPU \/ 4 GiB\): .*no offer fits.*; see rejected and explanation$/);
      expect(error.stack?.split('\n')[0]).toBe(`PlacementRefusedError: ${message}`);
      expect(String(error)).toBe(`PlacementRefusedError [PLACEMENT_REFUSED]: ${message}`);
      expect(inspect(error)).toContain(message);
      expect(error.message).toBe(message);
      expect(decide).toHaveBeenCalledTimes(2);
    } finally {
      decide.mockRestore();
    }
  });

  it('refuses a failover priority naming a provider that is not registered, before anything is created', async () => {
    const manager = new FederationManager({ providers: providers() });
    const error = await manager.createVM(spec, { request: { failoverPriority: ['gcp-west', 'aws-eats'] } }).catch((e: unknown) => e);
    expect(InvalidSpecError.isInstance(error), String(error)).toBe(true);
    expect((error as InvalidSpecError).issues).toEqual([{ field: 'failoverPriority[1]', message: 'no provider named "aws-eats" is registered (did you mean "aws-east"?)' }]);
    const group = await manager.createGroup(spec, { replicas: 2, request: { failoverPriority: ['azure'] } }).catch((e: unknown) => e);
    expect((group as InvalidSpecError).issues?.[0]?.message).toBe('no provider named "azure" is registered (providers: aws-east, gcp-west)');
    const vms = [];
    for await (const vm of manager.listVMs()) vms.push(vm);
    expect(vms).toEqual([]);
  });
});
