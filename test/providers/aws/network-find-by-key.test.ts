/**
 * `findByIdempotencyKey` of the AWS network companion across EC2's eventual consistency: with
 * the emulator's listings lagging new resources (as DescribeVpcs with filters may on EC2), a VPC
 * whose CreateVpc answer was lost is still found, because absence is only reported after the
 * lookup has missed across the provider's consistency window.
 */
import { DescribeVpcsCommand, EC2Client } from '@aws-sdk/client-ec2';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ProviderUnavailableError, TimeoutError } from '../../../src/provider/errors.js';
import { createAwsProvider } from '../../../src/providers/aws/index.js';
import { startEc2Emulator, type Ec2Emulator } from '../../../src/testing/emulators/ec2/index.js';
import { rejectionOf } from '../../helpers.js';

let emu: Ec2Emulator;
let raw: EC2Client;

beforeAll(async () => {
  emu = await startEc2Emulator({ timings: { listingConsistencyWindowMs: 1_000 } });
  raw = new EC2Client({ region: 'us-east-1', endpoint: emu.endpoint, credentials: emu.providerOptions.credentials, maxAttempts: 1 });
});
afterAll(async () => {
  raw.destroy();
  await emu.close();
});

describe('AWS network companion: findByIdempotencyKey', () => {
  it('finds a VPC whose CreateVpc answer was lost although listings do not show it yet', async () => {
    const aws = createAwsProvider({ ...emu.providerOptions, name: 'aws-lag' });
    emu.faults.dropResponse('CreateVpc');
    const error = await rejectionOf(aws.networking.createNetwork({ name: 'lagging', cidrs: ['10.90.0.0/24'] }, { idempotencyKey: 'lagging-1' }));
    expect(ProviderUnavailableError.isInstance(error) || TimeoutError.isInstance(error), String(error)).toBe(true);
    // Filtered listings show it a second after its create: a lookup that looked once would miss it.
    const found = await aws.networking.findByIdempotencyKey('network', 'lagging-1');
    expect(found).toMatchObject({ type: 'network', name: 'lagging', cidrs: ['10.90.0.0/24'] });
    expect(emu.vpcs().filter((v) => v.cidr === '10.90.0.0/24')).toHaveLength(1);
    expect((await raw.send(new DescribeVpcsCommand({ Filters: [{ Name: 'tag:Name', Values: ['lagging'] }] }))).Vpcs?.map((v) => v.VpcId)).toEqual([found!.id]);
    await aws.networking.delete({ type: 'network', id: found!.id });
  });

  it('reports absence for a key nothing was created with, once the window has passed', async () => {
    const aws = createAwsProvider({ ...emu.providerOptions, name: 'aws-lag-2' });
    const calls = emu.stats.count('DescribeVpcs');
    expect(await aws.networking.findByIdempotencyKey('network', 'never-used')).toBeUndefined();
    expect(emu.stats.count('DescribeVpcs') - calls).toBeGreaterThan(1);
  });
});
