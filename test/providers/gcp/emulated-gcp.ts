/** Shared set-up: a Compute Engine emulator and a GCE provider pointed at it through the real client library. Not a test file itself. */
import { createGcpProvider, type GcpProvider, type GcpProviderOptions } from '../../../src/providers/gcp/index.js';
import { startGceEmulator, type GceEmulator, type GceEmulatorOptions } from '../../../src/testing/emulators/index.js';

/** An emulator with a provider on it. */
export interface EmulatedGcp {
  readonly emu: GceEmulator;
  readonly gcp: GcpProvider;
  /** Another provider on the same emulator, with other options. */
  provider(options?: Partial<GcpProviderOptions>): GcpProvider;
  close(): Promise<void>;
}

/** Options every test provider gets: quick polls and retries, a short consistency window. */
export const fastOptions: Partial<GcpProviderOptions> = { pollIntervalMs: 20, retryDelayMs: 5, consistencyWindowMs: 100 };

/** Starts an emulator and a provider on it. */
export async function startEmulatedGcp(options: { emulator?: GceEmulatorOptions; provider?: Partial<GcpProviderOptions> } = {}): Promise<EmulatedGcp> {
  const emu = await startGceEmulator({ operationPendingMs: 5, operationRunningMs: 20, ...options.emulator });
  const provider = (extra: Partial<GcpProviderOptions> = {}): GcpProvider => createGcpProvider({ ...emu.providerOptions, ...fastOptions, ...options.provider, ...extra });
  return { emu, gcp: provider(), provider, close: () => emu.close() };
}
