import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { json, novacron, TWO_CLOUDS, WEB_ON_MEM_A, workspace } from './cli-harness.js';

interface Status {
  vms: { name: string; provider: string; vmId: string; status: string; state: string; region: string }[];
  migrations: { id: string; status: string; source: { provider: string; id: string }; targetVm?: { provider: string; id: string } }[];
}

let dir: string;
let cleanup: () => Promise<void>;
const status = async (...flags: string[]): Promise<Status> => json<Status>(await novacron(['status', '--json', ...flags], dir));

beforeAll(async () => ({ dir, cleanup } = await workspace({ 'federation.yaml': TWO_CLOUDS, 'web.yaml': WEB_ON_MEM_A })));
afterAll(() => cleanup());

describe('novacron create, migrate, resume and status between two memory clouds', () => {
  let first: string;
  let second: string;

  it('creates a VM that later commands find, and creates it once however often it is asked', async () => {
    const r = await novacron(['create', '-f', 'web.yaml'], dir);
    expect(r.code).toBe(0);
    expect(r.stdout).toMatch(/^created: web-1 \(vm-\w+\) running on mem-a local-1\/local-1\w, a\.large, \$0\.2000\/h$/m);
    const again = await novacron(['create', '-f', 'web.yaml', '--json'], dir);
    expect(again.code).toBe(0);
    const { vms } = await status();
    expect(vms).toHaveLength(1);
    expect(json<{ reused: boolean; vm: { id: string } }>(again)).toMatchObject({ reused: true, vm: { id: vms[0]!.vmId } });
    first = vms[0]!.vmId;
  });

  it('moves the VM, printing each step, and status shows it at the target', async () => {
    const r = await novacron(['migrate', `mem-a/${first}`, '--to', 'mem-b', '--grace', '0s', '--wait'], dir);
    expect(r.code).toBe(0);
    const steps = [...r.stdout.matchAll(/^ {2}(\S+)\s+succeeded$/gm)].map((m) => m[1]);
    expect(steps).toEqual(['lock', 'stop-source', 'export', 'import', 'verify', 'switch', 'grace', 'delete-source', 'release-lock', 'cleanup']);
    expect(r.stdout).toMatch(/^migration-\w+: succeeded \(cross-provider\)$/m);
    expect(r.stdout).toMatch(/^now: web-1 \(vm-\w+\) running on mem-b local-2\/local-2\w, b\.large, \$0\.0500\/h$/m);

    const after = await status();
    expect(after.vms).toHaveLength(1);
    expect(after.vms[0]).toMatchObject({ name: 'web-1', provider: 'mem-b', region: 'local-2', status: 'active', state: 'running' });
    expect(after.migrations).toEqual([]);
    second = after.vms[0]!.vmId;
    const all = await status('--all');
    expect(all.vms.find((v) => v.vmId === first)).toMatchObject({ provider: 'mem-a', status: 'deleted' });
    expect(all.migrations).toHaveLength(1);
    expect(all.migrations[0]).toMatchObject({ status: 'succeeded', source: { provider: 'mem-a', id: first }, targetVm: { provider: 'mem-b', id: second } });

    const table = await novacron(['status'], dir);
    expect(table.code).toBe(0);
    expect(table.stdout).toMatch(new RegExp(`^web-1\\s+mem-b\\s+local-2/local-2\\w\\s+b\\.large\\s+running\\s+active\\s+\\S+\\s+${second}$`, 'm'));
    expect(table.stdout).toContain('no migrations under way');
  });

  it('leaves the source in its grace period by default; resume finishes the migration in a later run', async () => {
    const r = await novacron(['migrate', `mem-b/${second}`, '--to', 'mem-a/local-1', '--grace', '1s', '--json'], dir);
    expect(r.code).toBe(0);
    const result = json<{ status: string; vm: { provider: string; id: string }; events: { event: string; step?: string; status: string }[] }>(r);
    expect(result.status).toBe('grace-period');
    expect(result.vm.provider).toBe('mem-a');
    expect(result.events.filter((e) => e.event === 'migration.step' && e.status === 'succeeded').map((e) => e.step)).toContain('export');

    const during = await status();
    expect(during.vms.map((v) => v.provider).sort()).toEqual(['mem-a', 'mem-b']);
    expect(during.migrations).toMatchObject([{ status: 'grace-period', source: { provider: 'mem-b', id: second } }]);

    const resumed = await novacron(['resume', '--wait'], dir);
    expect(resumed.code).toBe(0);
    expect(resumed.stdout).toMatch(/^migration-\w+\s+finished\s+succeeded/m);
    const after = await status();
    expect(after.vms).toEqual([expect.objectContaining({ provider: 'mem-a', vmId: result.vm.id, status: 'active' })]);
    expect(after.migrations).toEqual([]);
  });

  it('rolls back a migration the target refuses, exits 1, and the VM stays where it was', async () => {
    const { vms } = await status();
    const vm = vms[0]!;
    const r = await novacron(['migrate', `mem-a/${vm.vmId}`, '--to', 'mem-b/nowhere'], dir);
    expect(r.code).toBe(1);
    expect(r.stdout).toMatch(/: rolled-back$/m);
    expect(r.stderr).toMatch(/rolled back after import failed .*unknown region "nowhere"/);
    const after = await status();
    expect(after.vms).toEqual([expect.objectContaining({ provider: 'mem-a', vmId: vm.vmId, status: 'active' })]);
  });

  it('exits 2 on bad usage and input, 1 on a VM that does not exist', async () => {
    const ref = await novacron(['migrate', 'just-an-id', '--to', 'mem-b'], dir);
    expect(ref.code).toBe(2);
    expect(ref.stderr).toContain('<vm>: expected <provider>/<id>, got "just-an-id"');
    const to = await novacron(['migrate', 'mem-a/vm-1'], dir);
    expect(to.code).toBe(2);
    expect(to.stderr).toContain("required option '--to <provider[/region]>' not specified");
    const target = await novacron(['migrate', 'mem-a/vm-1', '--to', 'mem-z'], dir);
    expect(target.code).toBe(2);
    expect(target.stderr).toContain('no provider named "mem-z" is registered (did you mean "mem-a"?)');
    const grace = await novacron(['migrate', 'mem-a/vm-1', '--to', 'mem-b', '--grace', 'soon'], dir);
    expect(grace.code).toBe(2);
    expect(grace.stderr).toContain("option '--grace <duration>' argument 'soon' is invalid");
    const missing = await novacron(['migrate', 'mem-a/vm-00000000000000000', '--to', 'mem-b', '--json'], dir);
    expect(missing.code).toBe(1);
    expect(JSON.parse(missing.stderr)).toMatchObject({ error: { code: 'NOT_FOUND' } });
    expect(missing.stdout).toBe('');
  });

  it('status and resume exit 2 on bad usage and input too', async () => {
    const flag = await novacron(['status', '--verbose'], dir);
    expect(flag.code).toBe(2);
    expect(flag.stderr).toContain("unknown option '--verbose'");
    const config = await novacron(['status', '--config', 'missing.yaml'], dir);
    expect(config.code).toBe(2);
    expect(config.stderr).toContain('--config: missing.yaml: no such file');
    const resume = await novacron(['resume', '--now'], dir);
    expect(resume.code).toBe(2);
    const create = await novacron(['create', '-f', 'web.yaml', '--state'], dir);
    expect(create.code).toBe(2);
    expect(create.stderr).toContain("option '-s, --state <path>' argument missing");
  });
});
