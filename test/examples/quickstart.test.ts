/**
 * examples/quickstart.mjs, run as a user runs it: a placement with its explanation, a create that
 * fails over when the chosen cloud refuses (and is not repeated for the same key), a listing
 * across clouds, and monthly costs with their price source and date. Loads the built package.
 */
import { execFileSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';

const root = fileURLToPath(new URL('../../', import.meta.url));

describe('node examples/quickstart.mjs', () => {
  it('places, creates with failover, lists and prices the VMs', () => {
    const out = execFileSync(process.execPath, ['examples/quickstart.mjs'], { cwd: root, encoding: 'utf8', timeout: 60_000 });
    const chosen = /PlacementDecision: (\S+) \S+ \S+, \$0\.\d{4}\/h, score \d\.\d{4} \(balanced\)/.exec(out)?.[1];
    expect(chosen).toBeDefined();
    expect(out).toMatch(/^rank +provider +region\/zone +instance type/m);
    // The chosen provider refuses on quota; the request lands elsewhere, in two attempts.
    expect(out).toContain(`${chosen} `);
    expect(out).toMatch(new RegExp(`refused \\(QUOTA\\); failing over`));
    const attempts = /attempts: (.*)/.exec(out)?.[1] ?? '';
    expect(attempts).toMatch(new RegExp(`^${chosen} \\S+: failed → (?!${chosen})\\S+ \\S+: created$`));
    const id = /VM web-1 \((vm-\w+)\) running on /.exec(out)?.[1];
    expect(out).toContain(`the same key again: ${id} (reused: true)`);
    // Both VMs are listed, from all clouds, and the listing is complete.
    expect(out).toMatch(new RegExp(`^ +\\S+ +${id} +web-1 +running`, 'm'));
    expect(out).toMatch(/^ +\S+ +vm-\w+ +batch-1 +running +\S+ \(spot\)$/m);
    expect(out).toContain('complete: true');
    // Costs carry their source and date; the total is the sum of the lines.
    const lines = [...out.matchAll(/\$ *(\d+\.\d\d)\/month +bundled-snapshot:\w+\S* \(\d{4}-\d\d-\d\d\)/g)].map((m) => Number(m[1]));
    expect(lines).toHaveLength(2);
    const total = Number(/total \$(\d+\.\d\d)\/month/.exec(out)?.[1]);
    expect(total).toBeCloseTo(lines[0]! + lines[1]!, 1);
  });
});
