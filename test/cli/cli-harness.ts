/**
 * Runs the built `novacron` command as a user does: `node dist/cli/novacron.js …` in a folder of
 * its own (`npm test` builds first; alone, run `npx tsup` before these tests). Also the
 * configurations the CLI tests share: clouds of `type: memory`, so that nothing leaves the machine.
 */
import { execFile } from 'node:child_process';
import { existsSync } from 'node:fs';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';

export const root = resolve(import.meta.dirname, '../..');
export const cliPath = join(root, 'dist/cli/novacron.js');
export const exampleVm = join(root, 'examples/virtual-machine.yaml');

/** What one run of the command left. */
export interface CliResult {
  readonly code: number;
  readonly stdout: string;
  readonly stderr: string;
}

/** Runs `novacron …args` in `cwd`; resolves with the exit code whatever it is. */
export function novacron(args: readonly string[], cwd: string, env: NodeJS.ProcessEnv = {}): Promise<CliResult> {
  if (!existsSync(cliPath)) throw new Error(`${cliPath} is missing: build first (npx tsup; npm test does it)`);
  return new Promise((done, fail) => {
    execFile(process.execPath, [cliPath, ...args], { cwd, env: { ...process.env, ...env }, timeout: 170_000, maxBuffer: 16 * 1024 * 1024 }, (error, stdout, stderr) => {
      if (error && typeof error.code !== 'number') return fail(error);
      done({ code: error ? Number(error.code) : 0, stdout, stderr });
    });
  });
}

/** Parses stdout as the one JSON document `--json` promises. */
export function json<T = Record<string, unknown>>(result: CliResult): T {
  return JSON.parse(result.stdout) as T;
}

/** A temporary folder with `files` written into it; `cleanup` removes it. */
export async function workspace(files: Readonly<Record<string, string>>): Promise<{ dir: string; cleanup: () => Promise<void> }> {
  const dir = await mkdtemp(join(tmpdir(), 'novacron-cli-'));
  for (const [name, text] of Object.entries(files)) await writeFile(join(dir, name), text);
  return { dir, cleanup: () => rm(dir, { recursive: true, force: true }) };
}

/**
 * Three memory clouds standing in for AWS, Azure and GCP, priced from the bundled list-price
 * snapshot, named as the specification's VirtualMachine example expects.
 */
export const SNAPSHOT_FEDERATION = `apiVersion: novacron.io/v1alpha1
kind: FederationConfig
metadata:
  name: local-clouds
spec:
  providers:
    - name: aws-us-east
      type: memory
      config:
        kind: aws
        regions: [us-east-1]
        defaults: { spotEnabled: true }
    - name: azure-west
      type: memory
      config: { kind: azure, regions: [eastus] }
    - name: gcp-central
      type: memory
      config: { kind: gcp, regions: [us-central1] }
`;

/** Two memory clouds with rate cards of their own: the same size costs four times more on mem-a. */
export const TWO_CLOUDS = `apiVersion: novacron.io/v1alpha1
kind: FederationConfig
metadata:
  name: two-clouds
spec:
  providers:
    - name: mem-a
      type: memory
      config:
        provisioningDelay: 5ms
        offers:
          - { region: local-1, instanceType: a.large, vcpus: 2, memoryGiB: 4, onDemandHourly: 0.20, source: test-rate-card, asOf: "2026-12-01" }
    - name: mem-b
      type: memory
      config:
        provisioningDelay: 5ms
        offers:
          - { region: local-2, instanceType: b.large, vcpus: 2, memoryGiB: 4, onDemandHourly: 0.05, source: test-rate-card, asOf: "2026-12-01" }
`;

/** A VM pinned to the expensive cloud, so that a plan has a move to propose. */
export const WEB_ON_MEM_A = `apiVersion: novacron.io/v1alpha1
kind: VirtualMachine
metadata:
  name: web-1
spec:
  federation:
    placement:
      constraints:
        - { type: provider, operator: in, values: [mem-a] }
  template:
    spec:
      resources: { cpu: 2, memory: 4Gi, disk: 20Gi }
`;

/** A VirtualMachine without memory: invalid, on `spec.template.spec.resources.memory`. */
export const VM_WITHOUT_MEMORY = `apiVersion: novacron.io/v1alpha1
kind: VirtualMachine
metadata:
  name: broken
spec:
  template:
    spec:
      resources: { cpu: 2 }
`;
