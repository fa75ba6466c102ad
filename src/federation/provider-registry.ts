/**
 * The providers a federation manages, each with its placement defaults and call deadlines.
 * Provider names are unique: offers, inventory records and blocks are keyed by them.
 */
import { ConflictError, NotFoundError } from '../provider/errors.js';
import type { ProviderV1 } from '../provider/provider-v1.js';
import type { ProviderDefaults } from './placement/index.js';

/** How long calls to a provider may take before novacron gives up on them (`TimeoutError`). */
export interface ProviderTimeouts {
  /** Loading the provider's regions and offers; a provider that takes longer is left out of the decision (default 30 s). */
  readonly catalogMs?: number | undefined;
  /** One create, the wait for `running` included (default 15 minutes). */
  readonly createMs?: number | undefined;
  /** Any other call: a read, a lookup, a delete, a price estimate (default 60 s). */
  readonly callMs?: number | undefined;
}

/** A provider with its placement defaults. */
export interface ProviderRegistration {
  /** The provider. */
  readonly provider: ProviderV1;
  /** Defaults: instance families, spot. */
  readonly defaults?: ProviderDefaults | undefined;
  /** Deadlines of calls to this provider (over the manager's `timeouts`). */
  readonly timeouts?: ProviderTimeouts | undefined;
}

/** Deadlines with every default filled in. */
export type ResolvedTimeouts = Required<{ [K in keyof ProviderTimeouts]: number }>;

/** The defaults of {@link ProviderTimeouts}. */
const DEFAULT_TIMEOUTS: ResolvedTimeouts = { catalogMs: 30_000, createMs: 15 * 60_000, callMs: 60_000 };

/** Registered providers by name. */
export class ProviderRegistry {
  private readonly entries = new Map<string, ProviderRegistration & { readonly deadlines: ResolvedTimeouts }>();
  private readonly defaults: ResolvedTimeouts;

  /** Creates a registry with the manager-wide deadlines. */
  constructor(timeouts: ProviderTimeouts | undefined) {
    this.defaults = resolveTimeouts(DEFAULT_TIMEOUTS, timeouts);
  }

  /** Adds a provider; a second provider of the same name is a `ConflictError`. */
  add(input: ProviderV1 | ProviderRegistration): void {
    const reg: ProviderRegistration = 'specificationVersion' in input ? { provider: input } : input;
    if (this.entries.has(reg.provider.name)) throw new ConflictError({ message: `provider "${reg.provider.name}" is already registered` });
    this.entries.set(reg.provider.name, { ...reg, deadlines: resolveTimeouts(this.defaults, reg.timeouts) });
  }

  /** The provider named `name`, or `undefined`. */
  find(name: string): ProviderV1 | undefined {
    return this.entries.get(name)?.provider;
  }

  /** The provider named `name`; `NotFoundError` when there is none. */
  get(name: string): ProviderV1 {
    const p = this.find(name);
    if (!p) throw new NotFoundError({ message: `no provider named "${name}"`, resourceType: 'provider', resourceId: name });
    return p;
  }

  /** Deadlines of calls to `name`. */
  timeouts(name: string): ResolvedTimeouts {
    return this.entries.get(name)?.deadlines ?? this.defaults;
  }

  /** Every registration, in registration order. */
  registrations(): readonly ProviderRegistration[] {
    return [...this.entries.values()];
  }

  /** Every provider, in registration order. */
  list(): readonly ProviderV1[] {
    return [...this.entries.values()].map((r) => r.provider);
  }

  /** Provider names, in registration order. */
  names(): readonly string[] {
    return [...this.entries.keys()];
  }
}

function resolveTimeouts(base: ResolvedTimeouts, over: ProviderTimeouts | undefined): ResolvedTimeouts {
  const pick = (value: number | undefined, fallback: number): number => (value !== undefined && Number.isFinite(value) && value > 0 ? value : fallback);
  return { catalogMs: pick(over?.catalogMs, base.catalogMs), createMs: pick(over?.createMs, base.createMs), callMs: pick(over?.callMs, base.callMs) };
}
