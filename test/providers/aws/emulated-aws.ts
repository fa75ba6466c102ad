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

