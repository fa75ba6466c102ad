/** Missing optional packages: the adapter names every missing @azure package in one error, before sending anything. */
import { execFile } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { describe, expect, it } from 'vitest';

async function run(hidden: readonly string[], withCredential: boolean): Promise<{ error?: string; errorName?: string }> {
  const child = fileURLToPath(new URL('./sdk-probe-child.ts', import.meta.url));
  const { stdout } = await promisify(execFile)(process.execPath, ['--import', 'tsx', child], {
    env: { ...process.env, NOVACRON_HIDE_PACKAGES: hidden.join(','), NOVACRON_WITH_CREDENTIAL: withCredential ? '1' : '0' },
  });
  return JSON.parse(stdout) as { error?: string; errorName?: string };
}

describe('missing optional Azure packages', () => {
  it('names all three at once when all are missing and no credential is given', async () => {
    const { error, errorName } = await run(['@azure/arm-compute', '@azure/arm-network', '@azure/identity'], false);
    expect(errorName).toBe('ProviderUnavailableError');
    expect(error).toMatch(/cannot load @azure\/arm-compute and @azure\/arm-network and @azure\/identity; install them \(npm i @azure\/arm-compute @azure\/arm-network @azure\/identity\)/);
  }, 30_000);

  it('does not ask for @azure/identity when a credential is given', async () => {
    const { error } = await run(['@azure/arm-network', '@azure/identity'], true);
    expect(error).toMatch(/cannot load @azure\/arm-network; install it \(npm i @azure\/arm-network\)/);
  }, 30_000);
});
