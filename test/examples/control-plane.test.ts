/**
 * examples/control-plane.mjs as a user runs it: a child process on port 0, called over HTTP on
 * every endpoint (place, create with an idempotency key, list, migrate, Prometheus metrics, a
 * malformed request), then stopped with SIGTERM. The example loads the built package.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { once } from 'node:events';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

const root = fileURLToPath(new URL('../../', import.meta.url));

describe('node examples/control-plane.mjs', () => {
  let child: ChildProcess;
  let url: string;
  let output = '';

  beforeAll(async () => {
    child = spawn(process.execPath, ['examples/control-plane.mjs'], { cwd: root, env: { ...process.env, PORT: '0' }, stdio: ['ignore', 'pipe', 'pipe'] });
    child.stdout!.setEncoding('utf8').on('data', (text: string) => (output += text));
    child.stderr!.setEncoding('utf8').on('data', (text: string) => (output += text));
    url = await new Promise<string>((resolve, reject) => {
      const onData = (): void => {
        const found = /listening on (http:\/\/127\.0\.0\.1:\d+)/.exec(output)?.[1];
        if (found !== undefined) resolve(found);
      };
      child.stdout!.on('data', onData);
      child.once('exit', (code) => reject(new Error(`the service exited with code ${code} before listening:\n${output}`)));
    });
  });

  afterAll(async () => {
    if (child.exitCode === null && child.signalCode === null) {
      const exited = once(child, 'exit');
      child.kill('SIGTERM');
      await exited;
    }
  });

  const call = async (method: string, path: string, body?: unknown, headers: Record<string, string> = {}): Promise<{ status: number; json: any }> => {
    const res = await fetch(url + path, { method, headers: { 'content-type': 'application/json', ...headers }, body: body === undefined ? undefined : JSON.stringify(body) });
    return { status: res.status, json: await res.json() };
  };

  it('places, creates once per idempotency key, lists, migrates, and exports novacron_ metrics', async () => {
    const spec = { name: 'web-1', cpu: 2, memory: '4Gi', labels: { app: 'web' } };

    const placed = await call('POST', '/place', { spec, request: { strategy: 'cost-optimized' } });
    expect(placed.status).toBe(200);
    expect(placed.json.chosen).toMatchObject({ provider: expect.stringMatching(/^(aws-east|gcp-central)$/), priceSource: expect.stringMatching(/^bundled-snapshot:/) });
    expect(placed.json.explanation).toMatch(/^rank +provider/m);

    const created = await call('POST', '/vms', { spec }, { 'idempotency-key': 'test/web-1' });
    expect(created.status).toBe(201);
    expect(created.json.vm).toMatchObject({ name: 'web-1', state: 'running' });
    const again = await call('POST', '/vms', { spec }, { 'idempotency-key': 'test/web-1' });
    expect(again.status).toBe(200);
    expect(again.json).toMatchObject({ reused: true, vm: { id: created.json.vm.id } });

    const listed = await call('GET', '/vms');
    expect(listed.status).toBe(200);
    expect(listed.json.complete).toBe(true);
    expect(listed.json.vms.map((v: { id: string }) => v.id)).toEqual([created.json.vm.id]);

    const { provider, id } = created.json.vm as { provider: string; id: string };
    const to = provider === 'aws-east' ? 'gcp-central' : 'aws-east';
    const moved = await call('POST', `/vms/${provider}/${id}/migrate`, { provider: to });
    expect(moved.status).toBe(200);
    expect(moved.json).toMatchObject({ status: 'grace-period', path: 'cross-provider', vm: { provider: to, state: 'running', name: 'web-1' } });
    expect(moved.json.steps).toEqual(expect.arrayContaining(['export:succeeded', 'import:succeeded', 'verify:succeeded', 'switch:succeeded']));
    expect(Date.parse(moved.json.graceDeadline)).toBeGreaterThan(Date.now());

    const res = await fetch(`${url}/metrics`);
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toMatch(/^text\/plain/);
    const metrics = await res.text();
    expect(metrics).toMatch(/^# TYPE novacron_federation_vms_total gauge$/m);
    expect(metrics).toMatch(new RegExp(`^novacron_federation_vms_total\\{provider="${provider}",region="[\\w-]+"\\} 1$`, 'm'));
    expect(metrics).toMatch(/^novacron_federation_provider_costs_dollars\{provider="[\w-]+",type="compute"\} \d/m);
    expect(metrics).toMatch(/^# TYPE novacron_federation_migrations_total counter$/m);
  });

  it('answers malformed requests with the novacron error code and the fields at fault', async () => {
    const bad = await call('POST', '/vms', { spec: { name: 'Bad_Name', cpu: 2, memory: '4Gb' } });
    expect(bad.status).toBe(400);
    expect(bad.json.error.code).toBe('INVALID_SPEC');
    expect(bad.json.error.issues.map((i: { field: string }) => i.field)).toEqual(['name', 'memory']);
    const unknown = await call('POST', '/vms/aws-east/vm-00000000000000000/migrate', { provider: 'gcp-central' });
    expect(unknown.status).toBe(404);
    expect(unknown.json.error.code).toBe('NOT_FOUND');
    const refused = await call('POST', '/place', { spec: { name: 'cheap', cpu: 2, memory: '4Gi' }, request: { constraints: [{ type: 'cost', operator: '<', value: 0.001 }] } });
    expect(refused.status).toBe(422);
    expect(refused.json.error).toMatchObject({ code: 'PLACEMENT_REFUSED', explanation: expect.stringMatching(/constraint:cost/) });
    expect((await call('GET', '/nowhere')).status).toBe(404);
  });

  it('stops cleanly on SIGTERM', async () => {
    const exited = once(child, 'exit');
    child.kill('SIGTERM');
    const [code] = await exited;
    expect(code).toBe(0);
    expect(output).toContain('stopped');
  });
});
