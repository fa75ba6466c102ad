/** The explanation's bonus column shows what `prefer` policies added, and is left out when none added anything. */
import { describe, expect, it } from 'vitest';
import { FederationManager } from '../../src/index.js';
import { cloud, EAST2, offer, WEST } from './fixtures.js';

function manager() {
  return new FederationManager({
    providers: [
      cloud('aws-east', 'aws', [EAST2], [offer('aws', 'east-2', 'm.large', 2, 8, 0.592, { spotHourly: 0.0312, spotInterruption: '<5%' })]),
      cloud('gcp-west', 'gcp', [WEST], [offer('gcp', 'west-1', 'e2-standard-2', 2, 8, 0.6)]),
    ],
    policies: [
      { name: 'batch-on-spot', condition: { type: 'workload', value: 'batch' }, action: { type: 'prefer', providers: ['spot-instances'] } },
      { name: 'batch-near-gcp', condition: { type: 'workload', value: 'batch' }, action: { type: 'prefer', providers: ['gcp'], weight: 0.05 } },
    ],
  });
}

/** The ranked table of an explanation: from its header to the line before `rejected`. */
function rankedTable(explanation: string): string[] {
  const lines = explanation.split('\n');
  return lines.slice(lines.findIndex((l) => l.startsWith('rank')), lines.findIndex((l) => l.startsWith('rejected')));
}

describe('the explanation bonus column', () => {
  it('shows the score each prefer policy added, and which policies', async () => {
    const decision = await manager().place({ name: 'report', cpu: 2, memory: 4, labels: { workload: 'batch' } });
    expect(rankedTable(decision.explain())).toEqual([
      'rank  provider  region/zone  instance type   $/h     rtt ms  cost   perf   compl  loc    carbon  bonus                    score',
      '----  --------  -----------  --------------  ------  ------  -----  -----  -----  -----  ------  -----------------------  ------',
      '*1    aws-east  east-2       m.large (spot)  0.0312  -       1.000  0.829  1.000  1.000  0.751   +0.100 (batch-on-spot)   1.0486',
      '2     gcp-west  west-1       e2-standard-2   0.6000  -       0.052  1.000  1.000  1.000  0.732   +0.050 (batch-near-gcp)  0.6708',
      '3     aws-east  east-2       m.large         0.5920  -       0.053  1.000  1.000  1.000  0.751                            0.6211',
    ]);
    expect(decision.chosen.bonuses).toEqual([{ policy: 'batch-on-spot', weight: 0.1 }]);
  });

  it('is left out when no candidate shown has a bonus', async () => {
    const decision = await manager().place({ name: 'web', cpu: 2, memory: 4 });
    const [header] = rankedTable(decision.explain());
    expect(header).toBe('rank  provider  region/zone  instance type  $/h     rtt ms  cost   perf   compl  loc    carbon  score');
    expect(decision.explain()).toContain('policies: batch-near-gcp (prefer, not applicable); batch-on-spot (prefer, not applicable)');
  });
});
