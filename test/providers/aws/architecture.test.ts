import { DescribeImagesCommand, EC2Client } from '@aws-sdk/client-ec2';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { InvalidSpecError } from '../../../src/index.js';
import { startEmulatedAws, type EmulatedAws } from './emulated-aws.js';

let env: EmulatedAws;
let armAmi: string;
let x86Ami: string;

beforeAll(async () => {
  env = await startEmulatedAws();
  const client = new EC2Client({ endpoint: env.emu.endpoint, region: 'us-east-1', credentials: env.emu.providerOptions.credentials });
  const out = await client.send(new DescribeImagesCommand({ Owners: ['099720109477'], Filters: [{ Name: 'name', Values: ['*jammy-22.04-*-server-20250516'] }] }));
  client.destroy();
  armAmi = out.Images!.find((i) => i.Architecture === 'arm64')!.ImageId!;
  x86Ami = out.Images!.find((i) => i.Architecture === 'x86_64')!.ImageId!;
});
afterAll(() => env.close());

const refusal = async (promise: Promise<unknown>): Promise<InvalidSpecError> => {
  const error = await promise.then(
    () => undefined,
    (e: unknown) => e,
  );
  expect(InvalidSpecError.isInstance(error), String(error)).toBe(true);
  return error as InvalidSpecError;
};

describe('aws adapter: architecture', () => {
  it('never launches arm64 for a spec without arch, though m6g.large is cheaper than t3.large', async () => {
    const vm = await env.aws.createVM({ name: 'default', cpu: 2, memory: 8 }, { wait: false });
    expect(env.emu.instance(vm.id)!.instanceType).toBe('t3.large');
    const estimate = await env.aws.estimateCost({ name: 'default', cpu: 2, memory: 8 });
    expect(estimate.instanceType).toBe('t3.large');
  });

  it('launches arm64 with the alias build for it when arch says arm64', async () => {
    const vm = await env.aws.createVM({ name: 'arm', cpu: 2, memory: 8, arch: 'arm64', image: 'ubuntu-22.04' }, { wait: false });
    expect(env.emu.instance(vm.id)!.instanceType).toBe('m6g.large');
    expect(env.emu.instance(vm.id)!.imageId).toBe(armAmi);
  });

  it('follows a native AMI when arch is omitted, and refuses one that arch excludes, naming both', async () => {
    const arm = await env.aws.createVM({ name: 'native-arm', cpu: 2, memory: 8, image: armAmi }, { wait: false });
    expect(env.emu.instance(arm.id)!.instanceType).toBe('m6g.large');
    const before = env.emu.instances().length;
    const excluded = await refusal(env.aws.createVM({ name: 'native-arm-x86', cpu: 2, memory: 8, image: armAmi, arch: 'x86_64' }, { wait: false }));
    expect(excluded.field).toBe('arch');
    expect(excluded.message).toContain(`image ${armAmi} is arm64, but arch allows only x86_64`);
    const other = await refusal(env.aws.createVM({ name: 'native-x86-arm', cpu: 2, memory: 8, image: x86Ami, arch: 'arm64' }, { wait: false }));
    expect(other.field).toBe('arch');
    expect(other.message).toContain('is x86_64, but arch allows only arm64');
    expect(env.emu.instances().length).toBe(before);
  });

  it('refuses an instance type of an architecture that arch excludes', async () => {
    const error = await refusal(env.aws.createVM({ name: 'fixed', cpu: 2, memory: 8, instanceType: 'm6g.large', arch: 'x86_64' }, { wait: false }));
    expect(error.field).toBe('arch');
    expect(error.message).toMatch(/m6g\.large is arm64, but arch allows only x86_64/);
    // Without arch the type decides: the arm64 build of the alias is launched.
    const vm = await env.aws.createVM({ name: 'fixed-arm', cpu: 2, memory: 8, instanceType: 'm6g.large' }, { wait: false });
    expect(env.emu.instance(vm.id)!.imageId).toBe(armAmi);
  });
});

describe('aws adapter: GPU counts', () => {
  it('reads a count as at least: two T4s land on the four-GPU g4dn.12xlarge', async () => {
    const vm = await env.aws.createVM({ name: 'two-gpus', cpu: 4, memory: 16, gpu: { count: 2, type: 't4' } }, { wait: false });
    expect(env.emu.instance(vm.id)!.instanceType).toBe('g4dn.12xlarge');
  });

  it('reads a count as exact with exact: true', async () => {
    const one = await env.aws.createVM({ name: 'one-gpu', cpu: 4, memory: 16, gpu: { count: 1, exact: true } }, { wait: false });
    expect(env.emu.instance(one.id)!.instanceType).toBe('g4dn.xlarge');
    const four = await env.aws.createVM({ name: 'four-gpus', cpu: 4, memory: 16, gpu: { count: 4, type: 't4', exact: true } }, { wait: false });
    expect(env.emu.instance(four.id)!.instanceType).toBe('g4dn.12xlarge');
    const error = await refusal(env.aws.createVM({ name: 'two-exact', cpu: 4, memory: 16, gpu: { count: 2, exact: true } }, { wait: false }));
    expect(error.field).toBe('gpu');
    expect(error.message).toMatch(/exactly 2× GPU/);
  });
});
