/**
 * Deciding that a migration's target is fit to take traffic. Pluggable: a host checks its own
 * service (an HTTP probe, a database replica's lag); the default asks the target provider for the
 * VM until it runs, with a deadline, and never past it.
 */
import { sleep } from '../../provider/abort.js';
import { NotFoundError, NovacronError } from '../../provider/errors.js';
import type { ProviderV1 } from '../../provider/provider-v1.js';
import { backoffDelay, type RetryPolicy } from '../../provider/retry.js';
import type { VM } from '../../provider/types.js';
import { withDeadline } from '../operations/deadline.js';

/** What a health check is told besides the VM. */
export interface HealthCheckContext {
  /** The migration. */
  readonly migrationId: string;
  /** The target provider, to read the VM again. */
  readonly provider: ProviderV1;
  /** When the check must have decided (epoch ms, by the manager's clock). */
  readonly deadline: number;
  /** Clock in epoch ms (the manager's). */
  readonly now: () => number;
  /** Deadline of one provider call, in ms. */
  readonly callTimeoutMs: number;
  /** Cancels the check. */
  readonly signal: AbortSignal;
}

/**
 * Decides whether the target VM is healthy: resolves `true` (or nothing) when it is; `false` or
 * a rejection fails the migration's `verify` step, which rolls the migration back. It should give
 * up by `ctx.deadline`; the migration aborts `ctx.signal` then in any case.
 */
export type HealthCheck = (vm: VM, ctx: HealthCheckContext) => Promise<boolean | void>;

/** Backoff of the default check's reads: 100 ms doubling to 2 s. */
const POLL: RetryPolicy = { baseDelayMs: 100, maxDelayMs: 2_000 };

/**
 * The default check: the VM is `running` by its provider's own `getVM`, read until it is, until
 * it can no longer get there (`terminated`, `error`: `false` at once), or until the deadline
 * (`false`). Reads that fail with a retryable error are read again.
 */
export const runningByProvider: HealthCheck = async (vm, ctx) => {
  let current = vm;
  for (let round = 1; ; round++) {
    if (current.state === 'running') return true;
    if (current.state === 'terminated' || current.state === 'terminating' || current.state === 'error') return false;
    if (ctx.now() >= ctx.deadline) return false;
    await sleep(Math.min(backoffDelay(round, undefined, POLL) + 10, Math.max(0, ctx.deadline - ctx.now())), ctx.signal);
    const read = await withDeadline({ operation: 'getVM', provider: ctx.provider.name, operationId: ctx.migrationId }, ctx.callTimeoutMs, ctx.signal, (signal) =>
      ctx.provider.getVM(vm.id, { signal }),
    ).catch((error: unknown) => {
      // Right after an import a read can miss; a transient failure is read again.
      if (NotFoundError.isInstance(error) || (NovacronError.isInstance(error) && error.retryable)) return undefined;
      throw error;
    });
    if (read) current = read;
  }
};
