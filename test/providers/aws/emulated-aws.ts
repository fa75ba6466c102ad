/** Shared set-up: an EC2 emulator and an AWS provider pointed at it through the real SDK. */
import { createAwsProvider, type AwsProvider, type AwsProviderOptions } from '../../../src/providers/aws/index.js';
import { startEc2Emulator, type Ec2Emulator, type Ec2EmulatorOptions } from '../../../src/testing/emulators/ec2/index.js';

/** An emulator with a provider on it. */
export interface EmulatedAws {
  readonly emu: Ec2Emulator;
  readonly aws: AwsProvider;
  /** Another provider on the same emulator, with other options. */
  provider(options?: Partial<AwsProviderOptions>): AwsProvider;
  close(): Promise<void>;
}

/** Starts an emulator and a provider on it. */
export async function startEmulatedAws(options: { emulator?: Ec2EmulatorOptions; provider?: Partial<AwsProviderOptions> } = {}): Promise<EmulatedAws> {
  const emu = await startEc2Emulator(options.emulator);
  const provider = (extra: Partial<AwsProviderOptions> = {}): AwsProvider => createAwsProvider({ ...emu.providerOptions, ...options.provider, ...extra });
  return { emu, aws: provider(), provider, close: () => emu.close() };
}

/** Collects an async iterable. */
export async function collect<T>(items: AsyncIterable<T>): Promise<T[]> {
  const out: T[] = [];
  for await (const item of items) out.push(item);
  return out;
}

/** The rejection of a promise that must fail. */
export async function rejectionOf(promise: Promise<unknown>): Promise<unknown> {
  try {
    await promise;
  } catch (error) {
    return error;
  }
  throw new Error('expected the call to fail, but it succeeded');
}
