/** Reconciliation on a schedule: every `intervalMs`, or at the times of a cron expression (croner). */
import { sleep } from '../provider/abort.js';
import { InvalidSpecError } from '../provider/errors.js';
import { parseCron } from './cron-schedule.js';
import type { ReconcileReport } from './inventory.js';
import type { Logger } from './logger.js';

/** A running reconciliation schedule. */
export interface ReconcilerHandle {
  /** Stops the schedule (a run in progress is aborted). */
  stop(): void;
  /** Settles when the schedule has stopped. */
  readonly done: Promise<void>;
}

/** When `FederationManager.startReconciler` runs. */
export interface ReconcilerOptions {
  /** Run every this many ms (the first run is immediate). */
  readonly intervalMs?: number | undefined;
  /**
   * Or run at the times of this cron expression, in croner's syntax (e.g. `"0 2 * * *"`; a
   * sixth leading field counts seconds), computed in `timezone`.
   */
  readonly cron?: string | undefined;
  /**
   * IANA time zone the `cron` expression is read in (default `UTC`), e.g. `Europe/Berlin`: a time
   * that daylight saving skips runs right after the gap, a time it repeats runs once.
   */
  readonly timezone?: string | undefined;
  /** Called with each report. */
  readonly onReport?: ((report: ReconcileReport) => void) | undefined;
  /** Stops the schedule. */
  readonly signal?: AbortSignal | undefined;
}

/** Runs `reconcile` on the schedule until the signal aborts or `stop()` is called. */
export function startReconciler(
  reconcile: (options: { signal: AbortSignal }) => Promise<ReconcileReport>,
  options: ReconcilerOptions,
  clock: { now: () => number; log: Logger },
): ReconcilerHandle {
  const cron = options.cron === undefined ? undefined : parseCron(options.cron, { timezone: options.timezone, field: 'cron', timezoneField: 'timezone' });
  if (!cron && !(options.intervalMs! > 0)) throw new InvalidSpecError({ issues: [{ field: 'intervalMs', message: 'give intervalMs > 0 or a cron expression' }] });
  const controller = new AbortController();
  options.signal?.addEventListener('abort', () => controller.abort(), { once: true });
  let lastFire = -Infinity;
  const waitNext = (): Promise<void> => {
    if (!cron) return sleep(options.intervalMs!, controller.signal);
    // From the later of now and the last firing, so a slow clock never fires one slot twice.
    lastFire = cron.next(Math.max(clock.now(), lastFire));
    return sleep(lastFire - clock.now(), controller.signal);
  };
  const done = (async () => {
    if (cron) await waitNext().catch(() => undefined);
    while (!controller.signal.aborted) {
      try {
        const report = await reconcile({ signal: controller.signal });
        options.onReport?.(report);
      } catch (error) {
        if (controller.signal.aborted) break;
        clock.log.error('reconcile failed', { message: error instanceof Error ? error.message : String(error) });
      }
      await waitNext().catch(() => undefined);
    }
  })();
  return { stop: () => controller.abort(), done };
}
