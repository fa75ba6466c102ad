/** Shared set-up: an ARM emulator and an Azure provider pointed at it through the real SDKs. Not a test file itself. */
import { createAzureProvider, type AzureProvider, type AzureProviderOptions } from '../../../src/providers/azure/index.js';
import { startArmEmulator, type ArmEmulator, type ArmEmulatorOptions } from '../../../src/testing/emulators/index.js';

/** An emulator with a provider on it. */
export interface EmulatedAzure {
  readonly emu: ArmEmulator;
  readonly azure: AzureProvider;
  /** Another provider on the same emulator, with other options. */
  provider(options?: Partial<AzureProviderOptions>): AzureProvider;
  close(): Promise<void>;
}

/** Options every test provider gets: the emulator's poll interval, quick pipeline retries. */
export function fastOptions(emu: ArmEmulator): Partial<AzureProviderOptions> {
  return { pollIntervalMs: emu.pollIntervalMs, retryDelayMs: 5, consistencyWindowMs: 100 };
}

/** Starts an emulator and a provider on it. */
export async function startEmulatedAzure(options: { emulator?: ArmEmulatorOptions; provider?: Partial<AzureProviderOptions> } = {}): Promise<EmulatedAzure> {
  const emu = await startArmEmulator(options.emulator);
  const provider = (extra: Partial<AzureProviderOptions> = {}): AzureProvider => createAzureProvider({ ...emu.providerOptions, ...fastOptions(emu), ...options.provider, ...extra });
  return { emu, azure: provider(), provider, close: () => emu.close() };
}
