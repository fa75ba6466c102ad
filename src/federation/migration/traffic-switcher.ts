/**
 * Moving traffic from a migration's source to its target: the host's DNS, load balancer or
 * service mesh, behind one small interface. The migration records the switch `started` before
 * the call and settled after; a process that stops in between leaves the switch unsettled, and
 * the next run calls `switch` again with the same token, so a switcher must be idempotent for a
 * token (switching again to the same target changes nothing).
 */
import { throwIfAborted } from '../../provider/abort.js';
import type { VM } from '../../provider/types.js';

/** A VM by provider and id. */
export interface VMRef {
  /** Provider name. */
  readonly provider: string;
  /** VM id at that provider. */
  readonly id: string;
}

/** What a switcher is told besides the two VMs. */
export interface TrafficSwitchContext {
  /** The migration. */
  readonly migrationId: string;
  /** Stable for the migration's switch: a call repeated after a crash carries the same token. */
  readonly token: string;
  /** Cancels the call. */
  readonly signal: AbortSignal;
}

/**
 * Moves traffic between the VMs of a migration.
 *
 * `switch` resolves once traffic goes to `to`; it rejects only when traffic still goes to `from`
 * (a switcher that can fail half-way undoes its own half, or offers `revert`). A rejection
 * before the switch completed rolls the migration back, and `revert` (when present) is called
 * first, so traffic is back on the source before the target is deleted.
 */
export interface TrafficSwitcher {
  /** Sends traffic to `to` instead of `from`; idempotent for `ctx.token`. */
  switch(from: VM, to: VM, ctx: TrafficSwitchContext): Promise<void>;
  /** Sends traffic back to `from` after a switch that failed or was interrupted; idempotent. */
  revert?(from: VM, to: VM, ctx: TrafficSwitchContext): Promise<void>;
}

/** One call a {@link RecordingTrafficSwitcher} saw. */
export interface TrafficSwitchRecord {
  /** `switch` or `revert`. */
  readonly action: 'switch' | 'revert';
  /** The migration. */
  readonly migrationId: string;
  /** The call's token. */
  readonly token: string;
  /** Where traffic came from: provider and VM id. */
  readonly from: VMRef;
  /** Where it went. */
  readonly to: VMRef;
  /** When (ISO 8601, by the switcher's clock). */
  readonly at: string;
}

/** Options of {@link RecordingTrafficSwitcher}. */
export interface RecordingTrafficSwitcherOptions {
  /** Clock in epoch ms (default `Date.now`). */
  readonly clock?: (() => number) | undefined;
}

/**
 * A switcher that moves nothing and records every call, in order: the default of a manager with
 * no switcher of its own, and a test double that tells where traffic would go. A repeated call
 * with a token already recorded for the same action is not recorded twice.
 */
export class RecordingTrafficSwitcher implements TrafficSwitcher {
  private readonly calls: TrafficSwitchRecord[] = [];
  private readonly clock: () => number;

  /** Creates a switcher with an empty record. */
  constructor(options: RecordingTrafficSwitcherOptions = {}) {
    this.clock = options.clock ?? Date.now;
  }

  /** Records a switch to `to`. */
  async switch(from: VM, to: VM, ctx: TrafficSwitchContext): Promise<void> {
    throwIfAborted(ctx.signal);
    this.record('switch', from, to, ctx);
  }

  /** Records a switch back to `from`. */
  async revert(from: VM, to: VM, ctx: TrafficSwitchContext): Promise<void> {
    throwIfAborted(ctx.signal);
    this.record('revert', from, to, ctx);
  }

  /** Every call, in order. */
  get records(): readonly TrafficSwitchRecord[] {
    return [...this.calls];
  }

  /** Where traffic of a migration goes now, by the recorded calls; `undefined` before any switch. */
  current(migrationId: string): VMRef | undefined {
    const last = this.calls.filter((c) => c.migrationId === migrationId).at(-1);
    if (!last) return undefined;
    return last.action === 'switch' ? last.to : last.from;
  }

  private record(action: TrafficSwitchRecord['action'], from: VM, to: VM, ctx: TrafficSwitchContext): void {
    const last = this.calls.at(-1);
    if (last && last.action === action && last.token === ctx.token) return;
    this.calls.push({
      action,
      migrationId: ctx.migrationId,
      token: ctx.token,
      from: { provider: from.provider, id: from.id },
      to: { provider: to.provider, id: to.id },
      at: new Date(this.clock()).toISOString(),
    });
  }
}
