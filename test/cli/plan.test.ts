import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { FederationManager } from '../../src/index.js';
import { createSqliteStore } from '../../src/state/sqlite/index.js';
import { json, novacron, TWO_CLOUDS, workspace } from './cli-harness.js';

interface Plan {
  considered: number;
  proposals: { vm: { name: string; provider: string; id: string }; from: { provider: string }; to: { provider: string; instanceType: string }; monthlySavings: number; wave: number }[];
  skipped: { name: string; reason: string }[];
}

let dir: string;
let cleanup: () => Promise<void>;
const ids: Record<string, string> = {};

beforeAll(async () => {
  ({ dir, cleanup } = await workspace({ 'federation.yaml': TWO_CLOUDS }));
  // The VMs are made by the library, in this process, into the state file the CLI then reads.
  const store = await createSqliteStore({ path: join(dir, 'state.db') });
  try {
    const manager = await FederationManager.fromConfig(TWO_CLOUDS, { stateStore: store });
    const pinned = { constraints: [{ type: 'provider' as const, operator: 'in' as const, values: ['mem-a'] }] };
    ids.web = (await manager.createVM({ name: 'web-1', cpu: 2, memory: '4Gi', disk: '20Gi' }, { idempotencyKey: 'web-1', request: pinned })).vm.id;
    ids.cheap = (await manager.createVM({ name: 'already-cheap', cpu: 2, memory: '4Gi' }, { idempotencyKey: 'already-cheap' })).vm.id;
  } finally {
    await store.close();
  }
});
afterAll(() => cleanup());

describe('novacron plan', () => {
  it('proposes the move that pays, read from the state file, and says why the other VM stays', async () => {
    const r = await novacron(['plan', '--state', 'state.db', '--strategy', 'cost'], dir);
    expect(r.code).toBe(0);
    expect(r.stdout).toMatch(/^plan plan-\w+: 2 VMs considered, 1 move proposed$/m);
    expect(r.stdout).toMatch(/^VM\s+from\s+to\s+saves\/month\s+one-off\s+payback\s+downtime\s+wave\s+why$/m);
    // (0.20 − 0.05) $/h × 730 h = $109.50 a month.
    expect(r.stdout).toMatch(new RegExp(`^web-1 \\(${ids.web}\\)\\s+mem-a local-1 a\\.large\\s+mem-b local-2 b\\.large\\s+\\$109\\.50\\s+\\$\\d+\\.\\d\\d\\s+\\S+ d\\s+\\S+ min\\s+0\\s+cheaper$`, 'm'));
    expect(r.stdout).toMatch(/^staying:$/m);
    expect(r.stdout).toMatch(new RegExp(`^already-cheap \\(${ids.cheap}\\)\\s+mem-b\\s+\\S`, 'm'));
  });

  it('prints the plan as JSON', async () => {
    const r = await novacron(['plan', '--state', 'state.db', '--json'], dir);
    expect(r.code).toBe(0);
    const plan = json<Plan>(r);
    expect(plan.considered).toBe(2);
    expect(plan.proposals).toHaveLength(1);
    expect(plan.proposals[0]).toMatchObject({ vm: { name: 'web-1', provider: 'mem-a', id: ids.web }, to: { provider: 'mem-b', instanceType: 'b.large' }, wave: 0 });
    expect(plan.proposals[0]!.monthlySavings).toBeCloseTo(109.5, 6);
    expect(plan.skipped.map((s) => s.name)).toEqual(['already-cheap']);
  });

  it('keeps to the providers asked for', async () => {
    const r = await novacron(['plan', '--state', 'state.db', '--provider', 'mem-b', '--json'], dir);
    expect(r.code).toBe(0);
    expect(json<Plan>(r)).toMatchObject({ considered: 1, proposals: [] });
  });

  it('plans nothing on an empty state file, and creates the file and its folder', async () => {
    const r = await novacron(['plan'], dir);
    expect(r.code).toBe(0);
    expect(r.stdout).toMatch(/0 VMs considered, 0 moves proposed/);
    expect(existsSync(join(dir, '.novacron/state.db'))).toBe(true);
    const again = await novacron(['status', '--json'], dir);
    expect(json(again)).toEqual({ vms: [], migrations: [] });
  });

  it('exits 2 on a bad strategy, an unknown flag, a missing configuration', async () => {
    const strategy = await novacron(['plan', '--state', 'state.db', '--strategy', 'fastest'], dir);
    expect(strategy.code).toBe(2);
    expect(strategy.stderr).toContain("argument 'fastest' is invalid");
    const flag = await novacron(['plan', '--dry'], dir);
    expect(flag.code).toBe(2);
    expect(flag.stderr).toContain("unknown option '--dry'");
    const config = await novacron(['plan', '--config', 'nowhere.yaml'], dir);
    expect(config.code).toBe(2);
    expect(config.stderr).toContain('--config: nowhere.yaml: no such file');
  });
});
