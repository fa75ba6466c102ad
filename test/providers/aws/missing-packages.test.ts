/**
 * Missing optional packages: without @aws-sdk/client-ec2 the adapter names every missing
 * @aws-sdk package in one error; without @aws-sdk/client-pricing alone it still works, with
 * list prices from the bundled snapshot.
 */
import { execFile } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startEc2Emulator, type Ec2Emulator } from '../../../src/testing/emulators/ec2/index.js';

let emu: Ec2Emulator;
beforeAll(async () => {
  emu = await startEc2Emulator();
});
afterAll(() => emu.close());

async function run(hidden: readonly string[]): Promise<{ error?: string; sources?: string[] }> {
  const child = fileURLToPath(new URL('./missing-packages-child.ts', import.meta.url));
  const { stdout } = await promisify(execFile)(process.execPath, ['--import', 'tsx', child], {
    env: { ...process.env, AWS_EC2_METADATA_DISABLED: 'true', NOVACRON_HIDE_PACKAGES: hidden.join(','), NOVACRON_PROVIDER_OPTIONS: JSON.stringify(emu.providerOptions) },
  });
  return JSON.parse(stdout) as { error?: string; sources?: string[] };
}

describe('missing optional AWS packages', () => {
  it('names both packages at once when both are missing', async () => {
    const { error } = await run(['@aws-sdk/client-ec2', '@aws-sdk/client-pricing']);
    expect(error).toMatch(/cannot load @aws-sdk\/client-ec2 and @aws-sdk\/client-pricing; install them \(npm i @aws-sdk\/client-ec2 @aws-sdk\/client-pricing\)/);
  }, 30_000);

  it('names only the EC2 client when pricing is installed', async () => {
    const { error } = await run(['@aws-sdk/client-ec2']);
    expect(error).toMatch(/cannot load @aws-sdk\/client-ec2; install it/);
    expect(error).not.toMatch(/client-pricing/);
  }, 30_000);

  it('works without the Price List client, on snapshot prices', async () => {
    const { sources, error } = await run(['@aws-sdk/client-pricing']);
    expect(error).toBeUndefined();
    expect(sources!.length).toBeGreaterThan(0);
    expect(sources!.every((s) => s.startsWith('bundled-snapshot:aws'))).toBe(true);
  }, 30_000);
});
