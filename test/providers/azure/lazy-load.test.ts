/** `novacron/azure` loads the Azure SDK on first use, never on import or construction, and @azure/identity only without a credential. */
import { execFile } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { describe, expect, it } from 'vitest';

async function probe(env: Record<string, string>): Promise<{ afterImport: string[]; afterCreate: string[]; afterFirstCall: string[]; error?: string; errorName?: string }> {
  const child = fileURLToPath(new URL('./sdk-probe-child.ts', import.meta.url));
  const { stdout } = await promisify(execFile)(process.execPath, ['--import', 'tsx', child], { env: { ...process.env, ...env } });
  return JSON.parse(stdout) as Awaited<ReturnType<typeof probe>>;
}

describe('novacron/azure entry', () => {
  it('loads the SDK modules on the first call, not on import or construction; @azure/identity not at all with a credential', async () => {
    const report = await probe({ NOVACRON_WITH_CREDENTIAL: '1' });
    expect(report.afterImport).toEqual([]);
    expect(report.afterCreate).toEqual([]);
    expect(report.afterFirstCall).toEqual(['@azure/arm-compute', '@azure/arm-network']);
    expect(report.errorName).toBe('ProviderUnavailableError'); // nothing listens on port 9
  }, 30_000);

  it('loads @azure/identity for DefaultAzureCredential when no credential is given', async () => {
    const report = await probe({});
    expect(report.afterFirstCall).toEqual(['@azure/arm-compute', '@azure/arm-network', '@azure/identity']);
  }, 30_000);
});
