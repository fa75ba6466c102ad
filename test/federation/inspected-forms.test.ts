/**
 * What a person sees of the manager's results: `util.inspect` (what `console.log` prints) and
 * `String()` of decisions, VMs, create results, groups, cost estimates and errors, asserted
 * exactly. The forms round money in the text only, name providers, regions and instance types
 * (never an idempotency token), and leave the values' fields — JSON, structural equality — as
 * they were.
 */
import { inspect } from 'node:util';
import { describe, expect, it } from 'vitest';
import { CapacityError, FederationManager, PlacementRefusedError, RefusedDecision, STRATEGY_WEIGHTS } from '../../src/index.js';
import { cloud, EAST2, offer, WEST } from './fixtures.js';

const web = { name: 'web', cpu: 2, memory: 4 } as const;

function federation() {
  // 0.592 × 730 h is 432.15999999999997 in floating point: the text says $432.16, the number stays.
  const aws = cloud('aws-east', 'aws', [EAST2], [offer('aws', 'east-2', 'm.large', 2, 8, 0.592, { spotHourly: 0.0312, spotInterruption: '<5%' })]);
  const gcp = cloud('gcp-west', 'gcp', [WEST], [offer('gcp', 'west-1', 'e2-standard-2', 2, 8, 0.6)]);
  const manager = new FederationManager({
    providers: [aws, gcp],
    policies: [{ name: 'batch-on-spot', condition: { type: 'workload', value: 'batch' }, action: { type: 'prefer', providers: ['spot-instances'] } }],
  });
  return { aws, gcp, manager };
}

describe('a placement decision', () => {
  it('inspects as its choice and first candidates, and reads as one line', async () => {
    const { manager } = federation();
    const decision = await manager.place(web);
    expect(inspect(decision)).toBe(
      [
        'PlacementDecision: aws-east east-2 m.large, $0.5920/h, score 1.0000 (balanced)',
        '  *1  aws-east  east-2  m.large        $0.5920/h  score 1.0000',
        '   2  gcp-west  west-1  e2-standard-2  $0.6000/h  score 0.9947',
        '  2 feasible candidates, 0 rejected; explain() shows every score and rejection',
      ].join('\n'),
    );
    expect(String(decision)).toBe('PlacementDecision: aws-east east-2 m.large, $0.5920/h, score 1.0000 (balanced)');
    expect(`${decision}`).toBe(String(decision));
  });

  it('marks spot capacity and lists at most three candidates', async () => {
    const { manager } = federation();
    const decision = await manager.place({ ...web, name: 'report', labels: { workload: 'batch' } });
    expect(inspect(decision)).toBe(
      [
        'PlacementDecision: aws-east east-2 m.large (spot), $0.0312/h, score 1.0486 (balanced)',
        '  *1  aws-east  east-2  m.large (spot)  $0.0312/h  score 1.0486',
        '   2  aws-east  east-2  m.large         $0.5920/h  score 0.6211',
        '   3  gcp-west  west-1  e2-standard-2   $0.6000/h  score 0.6208',
        '  3 feasible candidates, 1 rejected; explain() shows every score and rejection',
      ].join('\n'),
    );
  });

  it('a refusal inspects as its first rejections', () => {
    const refused = new RefusedDecision({
      rejected: [
        { provider: 'aws-east', region: 'east-2', rule: 'constraint:region', reason: 'region east-2 is not in [mars-1]' },
        { provider: 'gcp-west', region: 'west-1', rule: 'constraint:region', reason: 'region west-1 is not in [mars-1]' },
        { provider: 'gcp-west', region: undefined, rule: 'catalog', reason: 'catalog unavailable' },
        { provider: 'azure-main', region: 'eastus', rule: 'blocked', reason: 'blocked after CAPACITY' },
      ],
      strategy: 'balanced',
      weights: STRATEGY_WEIGHTS.balanced,
      spot: 'provider-default',
      policies: [],
      explained: true,
    });
    expect(inspect(refused)).toBe(
      [
        'RefusedDecision: no feasible placement (balanced); 4 rejected',
        '  aws-east  east-2  constraint:region  region east-2 is not in [mars-1]',
        '  gcp-west  west-1  constraint:region  region west-1 is not in [mars-1]',
        '  gcp-west  *       catalog            catalog unavailable',
        '  1 more; explain() shows the table',
      ].join('\n'),
    );
    expect(String(refused)).toBe('RefusedDecision: no feasible placement (balanced); 4 rejected');
  });
});

describe('a created VM', () => {
  it('inspects with its attempts by provider, region and instance type, never by token', async () => {
    const { aws, manager } = federation();
    aws.controls.faults.capacity({ zone: 'east-2a' }, 0);
    const result = await manager.createVM(web, { idempotencyKey: 'inspect-1' });
    const id = result.vm.id;
    expect(inspect(result)).toBe(
      [
        `CreateVMResult: VM web (${id}) running on gcp-west west-1/west-1a, e2-standard-2, $0.6000/h; 2 attempts`,
        '  1  aws-east  east-2  m.large        failed (CAPACITY)',
        `  2  gcp-west  west-1  e2-standard-2  created ${id}`,
      ].join('\n'),
    );
    expect(String(result)).toBe(`CreateVMResult: VM web (${id}) running on gcp-west west-1/west-1a, e2-standard-2, $0.6000/h; 2 attempts`);
    expect(inspect(result.attempts)).toBe(`[\n  aws-east east-2 m.large: failed (CAPACITY),\n  gcp-west west-1 e2-standard-2: created ${id}\n]`);
    expect(inspect(result)).not.toContain(result.attempts[0]!.providerKey);
    expect(inspect(result.vm)).toBe(`VM web (${id}) running on gcp-west west-1/west-1a, e2-standard-2, $0.6000/h`);
    expect(String(await manager.getVM('gcp-west', id))).toBe(`VM web (${id}) running on gcp-west west-1/west-1a, e2-standard-2, $0.6000/h`);

    const again = await manager.createVM(web, { idempotencyKey: 'inspect-1' });
    expect(String(again)).toBe(`CreateVMResult: VM web (${id}) running on gcp-west west-1/west-1a, e2-standard-2, $0.6000/h; reused (an earlier run of this request created it)`);
  });

  it('keeps its fields as they were: JSON, keys and structural equality see no display methods', async () => {
    const { manager } = federation();
    const result = await manager.createVM(web, { idempotencyKey: 'inspect-2' });
    expect(Object.keys(result)).toEqual(['vm', 'decision', 'attempts', 'reused']);
    expect(JSON.parse(JSON.stringify(result.vm))).toEqual(result.vm);
    expect(result.vm).toStrictEqual({ ...result.vm });
    expect(result.attempts[0]).toStrictEqual({ ...result.attempts[0]! });
    expect(JSON.parse(JSON.stringify(result.attempts[0]))).toHaveProperty('providerKey', result.attempts[0]!.providerKey);
    expect(structuredClone(result.vm)).toEqual(result.vm);
  });

  it('a group lists its VMs', async () => {
    const { manager } = federation();
    const group = await manager.createGroup({ ...web, name: 'db' }, { replicas: 2, minProviders: 2 });
    const [a, b] = group.vms.map((vm) => vm.id);
    expect(inspect(group)).toBe(
      [
        'GroupResult: 2 VMs on 2 providers (aws-east, gcp-west)',
        `  VM db-0 (${a}) running on aws-east east-2/east-2a, m.large, $0.5920/h`,
        `  VM db-1 (${b}) running on gcp-west west-1/west-1a, e2-standard-2, $0.6000/h`,
      ].join('\n'),
    );
  });

  it('listed VMs read as a line each', async () => {
    const { manager } = federation();
    const { vm } = await manager.createVM(web);
    const listed = [];
    for await (const v of manager.listVMs()) listed.push(String(v));
    expect(listed).toEqual([`VM web (${vm.id}) running on aws-east east-2/east-2a, m.large, $0.5920/h`]);
  });
});

describe('a cost estimate', () => {
  it('rounds money to cents and hourly prices to four places in its text only', async () => {
    const { aws } = federation();
    const estimate = await aws.estimateCost(web);
    expect(estimate.breakdown.compute).toBe(0.592 * 730);
    expect(estimate.breakdown.compute).not.toBe(432.16);
    expect(inspect(estimate)).toBe(
      [
        'CostEstimate m.large in east-2 (on-demand): $433.76/month, $0.5942/h',
        '  compute $432.16, storage $1.60, network $0.00 per month; prices from test-catalog+list-prices-snapshot as of 2026-11-27',
      ].join('\n'),
    );
    expect(String(estimate)).toBe('CostEstimate m.large in east-2 (on-demand): $433.76/month, $0.5942/h');
  });
});

describe('a novacron error', () => {
  it('inspects as class, code and message, its frames, then its cause and operation in a line each', () => {
    const cause = Object.assign(new Error('We currently do not have sufficient m.large capacity'), { name: 'InsufficientInstanceCapacity', $metadata: { httpStatusCode: 500, requestId: 'req-1' } });
    const error = new CapacityError({ message: 'no m.large left in east-2a', provider: 'aws-east', zone: 'east-2a', cause, operationId: 'create-0123' });
    error.stack = 'Error: [novacron] [aws-east] no m.large left in east-2a\n    at launch (aws-provider.ts:10:5)';
    expect(inspect(error)).toBe(
      [
        'CapacityError [CAPACITY, retryable]: [novacron] [aws-east] no m.large left in east-2a',
        '    at launch (aws-provider.ts:10:5)',
        '  cause: InsufficientInstanceCapacity: We currently do not have sufficient m.large capacity (HTTP 500, request req-1)',
        '  operation: create-0123',
      ].join('\n'),
    );
    expect(String(error)).toBe('CapacityError [CAPACITY]: [novacron] [aws-east] no m.large left in east-2a');
  });

  it('a refusal says why in its first line', async () => {
    const { manager } = federation();
    const error = await manager.place({ ...web, region: 'mars-1' }).catch((e: unknown) => e);
    expect(PlacementRefusedError.isInstance(error)).toBe(true);
    const [head, ...frames] = inspect(error).split('\n');
    expect(head).toBe(
      'PlacementRefusedError [PLACEMENT_REFUSED]: [novacron] no feasible placement for web (2 vCPU / 4 GiB): region mars-1 is not offered by any provider (regions: east-2, west-1); see rejected and explanation',
    );
    expect(frames[0]).toMatch(/^ {4}at /);
  });
});
