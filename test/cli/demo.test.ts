import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { json, novacron, workspace } from './cli-harness.js';

let dir: string;
let cleanup: () => Promise<void>;
beforeAll(async () => ({ dir, cleanup } = await workspace({})));
afterAll(() => cleanup());

describe('novacron demo', () => {
  it('runs the project’s demo to the end and hands back its output and exit code', { timeout: 180_000 }, async () => {
    // Run from an unrelated folder: the demo is found beside the package, not in the working directory.
    const r = await novacron(['demo', '--json'], dir);
    expect(r.code).toBe(0);
    const result = json<{ exitCode: number; output: string }>(r);
    expect(result.exitCode).toBe(0);
    expect(result.output).toMatch(/^novacron demo: aws-us-east \(aws\), azure-west \(azure\), gcp-central \(gcp\), on-prem \(openstack\)$/m);
    expect(result.output).toMatch(/^\*1\s+aws-us-east\s+us-east-1/m);
    expect(result.output).toMatch(/deleted \d+ VMs/);
  });

  it('exits 2 on an unknown flag', async () => {
    const r = await novacron(['demo', '--fast'], dir);
    expect(r.code).toBe(2);
    expect(r.stderr).toContain("unknown option '--fast'");
  });
});
