/**
 * examples/custom-provider.mjs: the bare-metal pool a host writes itself passes the provider
 * conformance suite, imported from `novacron/testing` as a third party would, and its demo runs.
 * The example and the suite load the built package (`npm run build` first).
 */
import { execFileSync } from 'node:child_process';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { describe, expect, it } from 'vitest';
import type { ProviderV1 } from 'novacron';
import { describeProviderConformance } from 'novacron/testing';

const root = fileURLToPath(new URL('../../', import.meta.url));
const example = `${root}examples/custom-provider.mjs`;
const { createBareMetalPool } = (await import(pathToFileURL(example).href)) as { createBareMetalPool: (options?: { name?: string; pageSize?: number }) => ProviderV1 };

describeProviderConformance('bare-metal pool (examples/custom-provider.mjs)', () => createBareMetalPool({ name: 'conformance-metal', pageSize: 4 }), { pageSize: 4, timeoutMs: 20_000 });

describe('node examples/custom-provider.mjs', () => {
  it('keeps the ledger on the pool by policy and puts the web server on the cheaper cloud', () => {
    const out = execFileSync(process.execPath, [example], { cwd: root, encoding: 'utf8', timeout: 60_000 });
    expect(out).toMatch(/policies: ledgers-on-prem \(restrict, applied\)/);
    expect(out).toMatch(/aws-frankfurt\s+\*\s+policy:ledgers-on-prem/);
    expect(out).toMatch(/created VM ledger-1 \(bm-[0-9a-f]{17}\) running on lyon-metal dc-lyon\/rack-[ab], bm\.small/);
    expect(out).toMatch(/web: VM web-1 \(vm-\w+\) running on aws-frankfurt eu-central-1/);
    expect(out).toMatch(/from bare-metal-chargeback-2026 \(2026-12-01\)/);
    expect(out).toContain('deleted every VM');
  });
});
