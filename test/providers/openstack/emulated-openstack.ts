/** Shared set-up: an OpenStack emulator and an OpenStack provider pointed at it over HTTPS, trusting its CA. Not a test file itself. */
import { createOpenStackProvider, type OpenStackProvider, type OpenStackProviderOptions } from '../../../src/providers/openstack/index.js';
import { startOpenStackEmulator, type OpenStackEmulator, type OpenStackEmulatorOptions } from '../../../src/testing/emulators/index.js';

/** An emulator with a provider on it. */
export interface EmulatedOpenStack {
  readonly emu: OpenStackEmulator;
  readonly openstack: OpenStackProvider;
  /** Another provider on the same emulator, with other options. */
  provider(options?: Partial<OpenStackProviderOptions>): OpenStackProvider;
  close(): Promise<void>;
}

/** Options every test provider gets: quick polls and retries. */
export const fastOptions: Partial<OpenStackProviderOptions> = { pollIntervalMs: 10, retryDelayMs: 2, requestTimeoutMs: 5_000 };

/** Volume and egress prices on top of the emulator's card, so that every part of an estimate has a price. */
export const withStoragePrices = (card: OpenStackProviderOptions['rateCard']): OpenStackProviderOptions['rateCard'] => card && { ...card, perVolumeGiBMonth: 0.05, perEgressGB: 0.01 };

/** Starts an emulator and a provider on it. */
export async function startEmulatedOpenStack(options: { emulator?: OpenStackEmulatorOptions; provider?: Partial<OpenStackProviderOptions> } = {}): Promise<EmulatedOpenStack> {
  const emu = await startOpenStackEmulator({ timings: { buildMs: 30, stopMs: 10, startMs: 10, rebootMs: 10, deleteMs: 10, snapshotMs: 30 }, ...options.emulator });
  const provider = (extra: Partial<OpenStackProviderOptions> = {}): OpenStackProvider =>
    createOpenStackProvider({ ...emu.providerOptions, rateCard: withStoragePrices(emu.providerOptions.rateCard), ...fastOptions, ...options.provider, ...extra });
  return { emu, openstack: provider(), provider, close: () => emu.close() };
}
