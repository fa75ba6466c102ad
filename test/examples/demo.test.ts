import { execFileSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';

const root = fileURLToPath(new URL('../../', import.meta.url));

describe('npm run demo', () => {
  it('runs the federation showcase end to end against the local emulators', () => {
    const out = execFileSync(process.execPath, ['examples/demo.mjs'], { cwd: root, encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'], timeout: 120_000 });
    expect(out).toMatch(/\*1\s+aws-us-east\s+us-east-1\/us-east-1\w\s+t3\.\w+ \(spot\)/); // the spec's VM goes to AWS spot
    expect(out).toMatch(/reused: true\); RunInstances calls so far: 1/);
    expect(out).toMatch(/landed in us-east-1\w after 2 attempts: us-east-1\w:failed → us-east-1\w:created/);
    expect(out).toMatch(/lost: aws-us-east\/i-/);
    expect(out).toMatch(/deleted \d+ VMs/);
    expect(out).not.toMatch(/emulator-secret-access-key|AKIAEMULATOR/);
  });
});
