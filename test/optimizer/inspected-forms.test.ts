/**
 * What a person sees of the optimizer's answers: `util.inspect` and `String()` of
 * recommendations, comparisons, their estimates and cost forecasts, asserted exactly, on a
 * fixed catalog and clock. Money is rounded in the text only.
 */
import { inspect } from 'node:util';
import { describe, expect, it } from 'vitest';
import { CostOptimizer, staticOffersLoader, type Offer } from '../../src/index.js';

const offer = (provider: string, region: string, instanceType: string, price: number, extra: Partial<Offer> = {}): Offer => ({
  provider,
  region,
  instanceType,
  vcpus: 4,
  memoryGiB: 16,
  arch: 'x86_64',
  onDemandHourly: price,
  currency: 'USD',
  source: `test:${provider}`,
  asOf: '2026-05-01',
  ...extra,
});

const offers = [
  offer('aws', 'us-east-1', 'm5.xlarge', 0.192, { spotHourly: 0.0712, spotInterruption: '<5%', reserved3yHourly: 0.0832 }),
  offer('gcp', 'us-central1', 'n2-standard-4', 0.1942, { asOf: '2026-01-01' }),
  offer('azure', 'eastus', 'Standard_D4s_v5', 0.592),
];

function optimizer(): CostOptimizer {
  return new CostOptimizer({
    loaders: [staticOffersLoader('test', offers)],
    clock: () => Date.parse('2026-06-01T00:00:00Z'),
    storagePrices: (provider) => (provider === 'azure' ? undefined : { ssdPerGBMonth: 0.08, standardPerGBMonth: 0.045, egressPerGB: 0.09, currency: 'USD', source: 'test-storage', asOf: '2026-05-01' }),
  });
}

describe('optimizer answers', () => {
  it('a recommendation reads as rank, where and what, its prices and their source and age', async () => {
    const [best, , last] = await optimizer().recommendInstanceType({ cpu: 4, memory: 16 });
    expect(inspect(best)).toBe(
      'Recommendation #1: aws us-east-1 m5.xlarge (4 vCPU / 16 GiB), $0.1920/h on-demand ($140.16/month), spot $0.0712/h (<5%), 3y $0.0832/h; test:aws as of 2026-05-01',
    );
    expect(String(last)).toBe('Recommendation #3: azure eastus Standard_D4s_v5 (4 vCPU / 16 GiB), $0.5920/h on-demand ($432.16/month); test:azure as of 2026-05-01');
    expect(last!.onDemandMonthly).toBe(0.592 * 730); // 432.15999999999997: rounded in the text only
  });

  it('a stale price says how old it is', async () => {
    const recs = await optimizer().recommendInstanceType({ cpu: 4, memory: 16 });
    expect(String(recs[1])).toBe('Recommendation #2: gcp us-central1 n2-standard-4 (4 vCPU / 16 GiB), $0.1942/h on-demand ($141.77/month); test:gcp as of 2026-01-01 (151 days old)');
  });

  it('a comparison inspects as its cheapest entry, one line per cloud, and its warnings', async () => {
    const comparison = await optimizer().compare({ name: 'api', cpu: 4, memory: '16Gi', disk: 100, egressGBPerMonth: 10 });
    expect(inspect(comparison)).toBe(
      [
        'CostComparison for api (4 vCPU / 16 GiB): cheapest aws us-east-1 m5.xlarge at $149.06/month, 3 entries',
        '  aws    us-east-1    m5.xlarge        $149.06/month  on-demand $0.1920/h  spot $0.0712/h (<5%)',
        '  gcp    us-central1  n2-standard-4    $150.67/month  on-demand $0.1942/h  no spot',
        '  azure  eastus       Standard_D4s_v5  $432.16/month  on-demand $0.5920/h  no spot',
        '  warning: price from test:gcp as of 2026-01-01 is 151 days old (older than 90 days)',
        '  warning: no storage or egress prices for azure: its estimates count compute only',
      ].join('\n'),
    );
    expect(String(comparison)).toBe('CostComparison for api (4 vCPU / 16 GiB): cheapest aws us-east-1 m5.xlarge at $149.06/month, 3 entries');
    expect(String(comparison.entries[1])).toBe('gcp us-central1 n2-standard-4 (4 vCPU / 16 GiB): $150.67/month with disk and egress; on-demand $0.1942/h (151 days old)');
    expect(comparison.cheapest).toBe(comparison.entries[0]);
    expect(inspect(comparison.entries[0]!.estimate)).toBe(
      [
        'CostEstimate m5.xlarge in us-east-1 (on-demand): $149.06/month, $0.2042/h',
        '  compute $140.16, storage $8.00, network $0.90 per month; prices from test:aws+test-storage as of 2026-05-01',
      ].join('\n'),
    );
    expect(JSON.parse(JSON.stringify(comparison.entries[0]))).toEqual(comparison.entries[0]);
  });

  it('a forecast inspects as the cheapest cloud, its interval, and one line per cloud', async () => {
    const prediction = await optimizer().predictCost({ name: 'api', cpu: 4, memory: '16Gi' }, 730);
    expect(inspect(prediction)).toBe(
      [
        'CostPrediction over 730 h: $140.16 ($140.16–$140.16) on aws, 95% interval; usage assumed-always-on',
        '  aws    us-east-1    m5.xlarge        $0.1920/h  $140.16 ($140.16–$140.16)',
        '  gcp    us-central1  n2-standard-4    $0.1942/h  $141.77 ($141.77–$141.77)',
        '  azure  eastus       Standard_D4s_v5  $0.5920/h  $432.16 ($432.16–$432.16)',
        '  warning: price from test:gcp as of 2026-01-01 is 151 days old (older than 90 days)',
      ].join('\n'),
    );
    expect(prediction.providers[2]!.point).toBe(0.592 * 730);
  });
});
