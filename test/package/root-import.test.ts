import { execFileSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';

const root = fileURLToPath(new URL('../../', import.meta.url));
const fixture = fileURLToPath(new URL('../fixtures/import-entry.mjs', import.meta.url));
const HEAVY = /[\\/]node_modules[\\/](@aws-sdk|@smithy|@azure|@google-cloud|google-gax|better-sqlite3|pg|pg-pool|prom-client|@opentelemetry|yaml|vitest)[\\/]/;

function importInFreshProcess(format: 'esm' | 'cjs', entry: string): { loaded: string[]; exports: number } {
  const out = execFileSync(process.execPath, [fixture, format, entry], { cwd: root, encoding: 'utf8' });
  return JSON.parse(out.trim().split('\n').at(-1)!) as { loaded: string[]; exports: number };
}

describe('the built root entry', () => {
  it('exists (npm test builds it first)', () => {
    expect(existsSync(`${root}dist/index.js`)).toBe(true);
    expect(existsSync(`${root}dist/index.cjs`)).toBe(true);
  });

  it.each(['esm', 'cjs'] as const)('loads no cloud SDK, database driver or metrics library (%s)', (format) => {
    const entry = format === 'esm' ? new URL('dist/index.js', `file://${root}`).href : `${root}dist/index.cjs`;
    const { loaded, exports } = importInFreshProcess(format, entry);
    expect(exports).toBeGreaterThan(20);
    // The recorder saw the entry itself, so an empty list cannot pass for a clean one.
    expect(loaded.some((m) => m.includes('dist'))).toBe(true);
    expect(loaded.filter((m) => HEAVY.test(m))).toEqual([]);
  });

  it('would notice a heavy module if one were loaded', () => {
    const probe = new URL('node_modules/pg/lib/index.js', `file://${root}`).href;
    const { loaded } = importInFreshProcess('esm', probe);
    expect(loaded.filter((m) => HEAVY.test(m)).length).toBeGreaterThan(0);
  });
});
