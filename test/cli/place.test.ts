import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { exampleVm, json, novacron, SNAPSHOT_FEDERATION, VM_WITHOUT_MEMORY, workspace } from './cli-harness.js';

let dir: string;
let cleanup: () => Promise<void>;
beforeAll(async () => {
  ({ dir, cleanup } = await workspace({
    'federation.yaml': SNAPSHOT_FEDERATION,
    'broken.yaml': VM_WITHOUT_MEMORY,
    'not-yaml.yaml': 'a: [\n',
    'gcp-only.yaml': SNAPSHOT_FEDERATION.split('    - name: aws-us-east')[0]! + '    - name: gcp-central\n      type: memory\n      config: { kind: gcp, regions: [us-central1] }\n',
  }));
});
afterAll(() => cleanup());

describe('novacron place', () => {
  it('places the specification’s VirtualMachine on a memory federation and prints the explanation table', async () => {
    const r = await novacron(['place', '-f', exampleVm], dir);
    expect(r.code).toBe(0);
    // AWS spot is the only candidate under $0.10/h within 10 ms of us-east-1; the rest are rejected by rule.
    expect(r.stdout).toMatch(/^PlacementDecision: aws-us-east us-east-1 \S+ \(spot\), \$0\.\d{4}\/h/);
    expect(r.stdout).toMatch(/^rank\s+provider\s+region\/zone\s+instance type/m);
    expect(r.stdout).toMatch(/^\*1\s+aws-us-east\s+us-east-1/m);
    expect(r.stdout).toMatch(/gcp-central\s+\*\s+constraint:provider/);
    expect(r.stdout).toContain('bundled-snapshot:aws');
    expect(r.stderr).toBe('');
  });

  it('prints the decision as one JSON document with --json', async () => {
    const r = await novacron(['place', '-f', exampleVm, '--config', 'federation.yaml', '--json'], dir);
    expect(r.code).toBe(0);
    const d = json<{ vm: string; chosen: { provider: string; spot: boolean; priceSource: string; priceAsOf: string }; rejected: { provider: string; rule: string }[] }>(r);
    expect(d.vm).toBe('multi-cloud-app');
    expect(d.chosen).toMatchObject({ provider: 'aws-us-east', spot: true, priceSource: 'bundled-snapshot:aws' });
    expect(d.chosen.priceAsOf).toMatch(/^\d{4}-\d\d-\d\d/);
    expect(d.rejected.map((x) => x.rule)).toContain('constraint:provider');
  });

  it('takes --strategy over the manifest’s', async () => {
    const r = await novacron(['place', '-f', exampleVm, '--strategy', 'balanced', '--json'], dir);
    expect(r.code).toBe(0);
    expect(json(r).strategy).toBe('balanced');
  });

  it('exits 1 with the explanation when nothing fits', async () => {
    const r = await novacron(['place', '-f', exampleVm, '--config', 'gcp-only.yaml'], dir);
    expect(r.code).toBe(1);
    expect(r.stdout).toBe('');
    expect(r.stderr).toMatch(/no feasible placement for multi-cloud-app/);
    expect(r.stderr).toMatch(/provider gcp-central \(gcp\) is not in \[aws, azure\]/);
  });

  it('gives up at --timeout with a timeout error (exit 1)', async () => {
    // Loading three clouds' price catalogs takes far longer than a millisecond.
    const r = await novacron(['place', '-f', exampleVm, '--timeout', '1ms'], dir);
    expect(r.code).toBe(1);
    expect(r.stderr).toMatch(/timed out|gave up after 1 ms/);
  });

  it('exits 2 naming the field of an invalid spec, and never prints a stack', async () => {
    const r = await novacron(['place', '-f', 'broken.yaml'], dir);
    expect(r.code).toBe(2);
    expect(r.stderr).toContain('invalid input in broken.yaml');
    expect(r.stderr).toContain('spec.template.spec.resources.memory: is required');
    expect(r.stderr).not.toMatch(/\n\s+at /);
    const j = await novacron(['place', '-f', 'broken.yaml', '--json'], dir);
    expect(j.code).toBe(2);
    expect(JSON.parse(j.stderr)).toMatchObject({ error: { code: 'INVALID_SPEC', source: 'broken.yaml', issues: [{ field: 'spec.template.spec.resources.memory' }] } });
  });

  it('exits 2 on YAML that does not parse, naming the line', async () => {
    const r = await novacron(['place', '-f', 'not-yaml.yaml'], dir);
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/line 2, column 1: YAML syntax error/);
  });

  it('exits 2 on a missing file, an unknown flag, a missing flag and a bad strategy', async () => {
    const missing = await novacron(['place', '-f', 'nope.yaml'], dir);
    expect(missing.code).toBe(2);
    expect(missing.stderr).toContain('--file: nope.yaml: no such file');
    const noConfig = await novacron(['place', '-f', exampleVm, '--config', 'absent.yaml'], dir);
    expect(noConfig.code).toBe(2);
    expect(noConfig.stderr).toContain('--config: absent.yaml: no such file');
    const flag = await novacron(['place', '-f', exampleVm, '--bogus'], dir);
    expect(flag.code).toBe(2);
    expect(flag.stderr).toContain("unknown option '--bogus'");
    const noFile = await novacron(['place'], dir);
    expect(noFile.code).toBe(2);
    expect(noFile.stderr).toContain("required option '-f, --file <vm.yaml>' not specified");
    const strategy = await novacron(['place', '-f', exampleVm, '--strategy', 'cheapest'], dir);
    expect(strategy.code).toBe(2);
    expect(strategy.stderr).toMatch(/--strategy <name>' argument 'cheapest' is invalid\. expected one of cost-optimized/);
  });

  it('reads a named secret from the environment and never prints it', async () => {
    const withSecret = SNAPSHOT_FEDERATION.replace('kind: azure, regions: [eastus]', 'kind: azure, regions: [eastus], credentials: { secret: azure-key } ');
    const { dir: here, cleanup: done } = await workspace({ 'federation.yaml': withSecret });
    try {
      const unset = await novacron(['place', '-f', exampleVm], here);
      expect(unset.code).toBe(2);
      expect(unset.stderr).toContain('secret "azure-key" is not set; export NOVACRON_SECRET_AZURE_KEY');
      const set = await novacron(['place', '-f', exampleVm, '--json'], here, { NOVACRON_SECRET_AZURE_KEY: '{"clientSecret":"pa55-do-not-print"}' });
      // A memory cloud takes no credentials: refused by field, the value nowhere.
      expect(set.code).toBe(2);
      expect(JSON.parse(set.stderr)).toMatchObject({ error: { issues: [{ field: 'spec.providers[1].config.credentials', message: 'a memory provider takes no credentials' }] } });
      expect(set.stdout + set.stderr).not.toContain('pa55-do-not-print');
    } finally {
      await done();
    }
  });

  it('exits 2 on an invalid configuration, naming its field', async () => {
    const { dir: bad, cleanup: done } = await workspace({ 'federation.yaml': SNAPSHOT_FEDERATION.replace('kind: aws', 'kind: aws\n        offerz: []') });
    try {
      const r = await novacron(['place', '-f', exampleVm], bad);
      expect(r.code).toBe(2);
      expect(r.stderr).toContain('invalid input in federation.yaml');
      expect(r.stderr).toContain('spec.providers[0].config.offerz: unknown field');
    } finally {
      await done();
    }
  });
});
