/**
 * examples/notebook.mjs, run whole: every cell prints its figures with their source and date,
 * each placement strategy makes a decision, and the near-region constraint explains what it
 * rejected. Loads the built package.
 */
import { execFileSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';

const root = fileURLToPath(new URL('../../', import.meta.url));

describe('node examples/notebook.mjs', () => {
  it('prints recommendations, monthly costs, one decision per strategy, an explanation and a forecast', () => {
    const out = execFileSync(process.execPath, ['examples/notebook.mjs'], { cwd: root, encoding: 'utf8', timeout: 60_000 });
    expect(out).toMatch(/│ 0 +│ '(aws|azure|gcp)' +│/);
    expect(out).toMatch(/^prices: bundled-snapshot:\w+ as of \d{4}-\d\d-\d\d/m);
    expect(out.match(/\/month = compute \$\d+\.\d\d \+ disk \$\d+\.\d\d \+ egress \$\d+\.\d\d$/gm)).toHaveLength(3);
    for (const strategy of ['cost-optimized', 'performance', 'balanced', 'carbon']) {
      expect(out).toMatch(new RegExp(`^${strategy} +→ (aws-east|azure-west|gcp-central) \\S+ \\S+( \\(spot\\))? \\$0\\.\\d{4}/h, score \\d\\.\\d{3}$`, 'm'));
    }
    expect(out).toMatch(/^batch, balanced → \S+ \S+ \S+ \(spot\) .*bonuses: batch-on-spot \+0\.1$/m);
    expect(out).toMatch(/constraint:region-near +europe-west1 is [\d.]+ ms from us-east-1 .*above 40 ms/);
    expect(out).toMatch(/^30 days on (aws|azure|gcp): \$\d+\.\d\d .*model assumed-always-on\)$/m);
  });
});
