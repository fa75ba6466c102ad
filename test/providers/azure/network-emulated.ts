/**
 * Shared set-up of the network companion tests: an ARM emulator whose clock runs in real time
 * and can be moved on (so a 40-minute gateway is ready after a few `advance` calls while the
 * quick operations still finish on their own), and Azure providers on it through the real SDK
 * clients. Not a test file itself.
 */
import { createAzureProvider, type AzureProvider, type AzureProviderOptions } from '../../../src/providers/azure/index.js';
import { startArmEmulator, type ArmEmulator, type ArmEmulatorOptions } from '../../../src/testing/emulators/index.js';
import { fastOptions } from './emulated-azure.js';

/** An emulator, its movable clock, and providers on it. */
export interface EmulatedNetwork {
  readonly emu: ArmEmulator;
  /** Moves the emulator's clock on by `ms`. */
  advance(ms: number): void;
  /** A provider on the emulator (the emulator's defaults, then `extra`). */
  provider(extra?: Partial<AzureProviderOptions>): AzureProvider;
  close(): Promise<void>;
}

/** Gateway timings as Azure's: 40 minutes to provision, 10 to delete, 2 for an update, 1 for a connection. */
export const AZURE_LIKE_TIMING = { provisioningMs: 40 * 60_000, deleteMs: 10 * 60_000, updateMs: 2 * 60_000, connectionMs: 60_000 };

/** Starts an emulator with a movable clock (tokens that outlive any move). */
export async function startEmulatedNetwork(options: ArmEmulatorOptions = {}): Promise<EmulatedNetwork> {
  let offset = 0;
  const emu = await startArmEmulator({ gatewayTiming: AZURE_LIKE_TIMING, tokenLifetimeSeconds: 10 * 365 * 86_400, ...options, clock: () => Date.now() + offset });
  return {
    emu,
    advance: (ms) => void (offset += ms),
    provider: (extra = {}) => createAzureProvider({ ...emu.providerOptions, ...fastOptions(emu), ...extra }),
    close: () => emu.close(),
  };
}
