import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { json, novacron, workspace } from './cli-harness.js';

interface PricedOffer {
  rank: number;
  provider: string;
  region: string;
  vcpus: number;
  memoryGiB: number;
  onDemandHourly: number;
  spot?: { hourly: number; expectedHourly: number };
  source: string;
  asOf: string;
}

let dir: string;
let cleanup: () => Promise<void>;
beforeAll(async () => ({ dir, cleanup } = await workspace({})));
afterAll(() => cleanup());

describe('novacron prices', () => {
  it('lists the cheapest fitting offers across clouds, with the prices’ source and date, without any configuration', async () => {
    const r = await novacron(['prices', '--cpu', '4', '--memory', '8Gi', '--limit', '5'], dir);
    expect(r.code).toBe(0);
    const lines = r.stdout.split('\n');
    expect(lines[0]).toBe('cheapest offers for 4 vCPU / 8Gi (on-demand; per month is 730 h)');
    expect(lines[1]).toMatch(/^rank\s+provider\s+region\s+instance type\s+vCPU\s+GiB\s+on-demand\s+spot\s+per month\s+price source\s+as of$/);
    const rows = lines.filter((l) => /^\s+\d+\s/.test(l));
    expect(rows).toHaveLength(5);
    for (const row of rows) expect(row).toMatch(/bundled-snapshot:(aws|azure|gcp)\s+\d{4}-\d\d-\d\d$/);
  });

  it('prints the same offers as JSON, cheapest first, each fitting and dated', async () => {
    const table = await novacron(['prices', '--cpu', '4', '--memory', '8Gi', '--limit', '5'], dir);
    const r = await novacron(['prices', '--cpu', '4', '--memory', '8Gi', '--limit', '5', '--json'], dir);
    expect(r.code).toBe(0);
    const { offers } = json<{ offers: PricedOffer[] }>(r);
    expect(offers.map((o) => o.rank)).toEqual([1, 2, 3, 4, 5]);
    for (const [i, o] of offers.entries()) {
      expect(o.vcpus).toBeGreaterThanOrEqual(4);
      expect(o.memoryGiB).toBeGreaterThanOrEqual(8);
      expect(o.source).toMatch(/^bundled-snapshot:/);
      expect(Date.parse(o.asOf)).not.toBeNaN();
      if (i > 0) expect(o.onDemandHourly).toBeGreaterThanOrEqual(offers[i - 1]!.onDemandHourly);
      // The table and the document say the same thing.
      expect(table.stdout).toContain(`$${o.onDemandHourly.toFixed(4)}/h`);
    }
  });

  it('keeps to the clouds and regions asked for, and ranks spot offers by expected cost', async () => {
    const r = await novacron(['prices', '--cpu', '2', '--memory', '4Gi', '--provider', 'aws,gcp', '--region', 'us-east-1', '--region', 'us-central1', '--spot', '--json'], dir);
    expect(r.code).toBe(0);
    const { offers } = json<{ offers: PricedOffer[] }>(r);
    expect(offers.length).toBeGreaterThan(0);
    expect(new Set(offers.map((o) => `${o.provider}/${o.region}`))).toEqual(new Set(['aws/us-east-1', 'gcp/us-central1']));
    for (const [i, o] of offers.entries()) {
      expect(o.spot).toBeDefined();
      if (i > 0) expect(o.spot!.expectedHourly).toBeGreaterThanOrEqual(offers[i - 1]!.spot!.expectedHourly);
    }
  });

  it('says so when nothing fits', async () => {
    const r = await novacron(['prices', '--cpu', '4', '--memory', '8Gi', '--provider', 'nocloud'], dir);
    expect(r.code).toBe(0);
    expect(r.stdout).toContain('no offer fits 4 vCPU / 8Gi on nocloud');
  });

  it('exits 2 on bad values, naming the flag, on a missing flag and on an unknown one', async () => {
    const cpu = await novacron(['prices', '--cpu', 'lots', '--memory', '8Gi'], dir);
    expect(cpu.code).toBe(2);
    expect(cpu.stderr).toMatch(/--cpu: expected a positive number of vCPUs/);
    const limit = await novacron(['prices', '--cpu', '4', '--memory', '8Gi', '--limit', '0'], dir);
    expect(limit.code).toBe(2);
    expect(limit.stderr).toContain("option '--limit <n>' argument '0' is invalid");
    const missing = await novacron(['prices', '--cpu', '4'], dir);
    expect(missing.code).toBe(2);
    expect(missing.stderr).toContain("required option '--memory <size>' not specified");
    const unknown = await novacron(['prices', '--cpu', '4', '--memory', '8Gi', '--cheap'], dir);
    expect(unknown.code).toBe(2);
    expect(unknown.stderr).toContain("unknown option '--cheap'");
    const machine = await novacron(['prices', '--cpu', '4', '--memory', '8Gi', '--cheap', '--json'], dir);
    expect(machine.code).toBe(2);
    expect(machine.stdout).toBe('');
    expect(JSON.parse(machine.stderr)).toEqual({ error: { code: 'USAGE', message: expect.stringMatching(/^unknown option '--cheap'/) } });
  });
});
