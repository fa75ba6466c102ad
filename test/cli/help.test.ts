import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { novacron, root, workspace } from './cli-harness.js';

const COMMANDS = ['place', 'create', 'prices', 'plan', 'migrate', 'resume', 'status', 'demo'];

let dir: string;
let cleanup: () => Promise<void>;
beforeAll(async () => ({ dir, cleanup } = await workspace({})));
afterAll(() => cleanup());

describe('novacron --help', () => {
  it('lists every command and documents configuration, state, secrets and the exit codes', async () => {
    const r = await novacron(['--help'], dir);
    expect(r.code).toBe(0);
    for (const command of COMMANDS) expect(r.stdout).toMatch(new RegExp(`^ {2}${command} `, 'm'));
    expect(r.stdout).toMatch(/^ {2}0 {2}success$/m);
    expect(r.stdout).toMatch(/^ {2}1 {2}runtime failure/m);
    expect(r.stdout).toMatch(/^ {2}2 {2}bad usage or input \(unknown command or flag, missing file, invalid YAML or spec\)$/m);
    expect(r.stdout).toContain('NOVACRON_SECRET_NAME');
    expect(r.stdout).toContain('.novacron/state.db');
  });

  it.each(COMMANDS)('novacron %s --help exits 0 with its usage, --json and the exit codes', async (command) => {
    const r = await novacron([command, '--help'], dir);
    expect(r.code).toBe(0);
    expect(r.stdout).toMatch(new RegExp(`^Usage: novacron ${command} `, 'm'));
    expect(r.stdout).toContain('--json');
    expect(r.stdout).toContain('Exit codes: 0 success, 1 runtime failure, 2 bad usage or input.');
    expect(r.stderr).toBe('');
  });

  it('answers `help <command>` and --version', async () => {
    const help = await novacron(['help', 'migrate'], dir);
    expect(help.code).toBe(0);
    expect(help.stdout).toMatch(/^Usage: novacron migrate \[options\] <vm>/m);
    const version = await novacron(['--version'], dir);
    expect(version.code).toBe(0);
    const pkg = JSON.parse(readFileSync(join(root, 'package.json'), 'utf8')) as { version: string };
    expect(version.stdout.trim()).toBe(pkg.version);
  });

  it('exits 2 with usage on stderr when no command or an unknown one is given', async () => {
    const none = await novacron([], dir);
    expect(none.code).toBe(2);
    expect(none.stdout).toBe('');
    expect(none.stderr).toMatch(/^Usage: novacron/m);
    const unknown = await novacron(['statsu'], dir);
    expect(unknown.code).toBe(2);
    expect(unknown.stderr).toContain("unknown command 'statsu'");
    expect(unknown.stderr).toContain('(Did you mean status?)');
  });
});
