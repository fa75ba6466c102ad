/**
 * Cron schedules, read and computed by croner (https://croner.56k.guru): five-field expressions
 * (minute hour day-of-month month day-of-week) as in the configuration's
 * `optimization.schedule: "0 2 * * *"`, and everything else croner reads: an optional seconds
 * field in front, an optional year field at the end, names (`MON-FRI`, `JAN`), `L`, `W`, `#`
 * and the `@daily`-style nicknames. When both day fields are restricted a day matching either
 * runs, as in cron.
 *
 * Times are computed in an IANA time zone (default UTC). Across a daylight-saving change croner
 * runs a fixed-time job once: a time skipped in spring runs right after the gap (`0 2 * * *` in
 * Europe/Berlin runs at 03:00 CEST on the last Sunday of March), a time repeated in autumn runs
 * at its first occurrence.
 *
 * croner only computes dates here; its timers are never started, so the caller's clock rules.
 */
import { Cron } from 'croner';
import { InvalidSpecError } from '../provider/errors.js';

/** A parsed cron expression. */
export interface CronSchedule {
  /** The expression as given. */
  readonly expression: string;
  /** The time zone it is computed in (IANA name). */
  readonly timezone: string;
  /** The first matching time strictly after `after` (epoch ms); `InvalidSpecError` when there is none. */
  next(after: number): number;
}

/** Options of {@link parseCron}. */
export interface ParseCronOptions {
  /** IANA time zone the expression is read in (default `UTC`). */
  readonly timezone?: string | undefined;
  /** Name of the field the expression came from, for errors (default `schedule`). */
  readonly field?: string | undefined;
  /** Name of the field the time zone came from, for errors (default `timezone`). */
  readonly timezoneField?: string | undefined;
}

/** The reason croner gives, without its class prefix. */
function reasonOf(error: unknown): string {
  return (error instanceof Error ? error.message : String(error)).replace(/^CronPattern:\s*/, '');
}

/** Throws `InvalidSpecError` (naming `field`) unless `timezone` is an IANA time zone this runtime knows. */
function assertTimeZone(timezone: string, field: string): void {
  try {
    new Intl.DateTimeFormat('en-US', { timeZone: timezone });
  } catch {
    throw new InvalidSpecError({ issues: [{ field, message: `"${timezone}" is not an IANA time zone (e.g. "UTC", "Europe/Berlin")` }] });
  }
}

/**
 * Parses a cron expression in croner's syntax; `InvalidSpecError` names the field (and says
 * what croner could not read) for an expression that is malformed or never fires, or a time
 * zone that does not exist.
 */
export function parseCron(expression: string, options: ParseCronOptions = {}): CronSchedule {
  const field = options.field ?? 'schedule';
  const timezone = options.timezone ?? 'UTC';
  assertTimeZone(timezone, options.timezoneField ?? 'timezone');
  let cron: Cron;
  try {
    if (typeof expression !== 'string' || expression.trim() === '') throw new Error('expected a cron expression such as "0 2 * * *"');
    cron = new Cron(expression.trim(), { paused: true, timezone });
  } catch (error) {
    throw new InvalidSpecError({ issues: [{ field, message: `cannot read "${String(expression)}": ${reasonOf(error)}` }] });
  }
  const never = (): InvalidSpecError => new InvalidSpecError({ issues: [{ field, message: `"${expression}" never fires` }] });
  if (cron.nextRun() === null) throw never();
  return {
    expression,
    timezone,
    next(after: number): number {
      const next = cron.nextRun(new Date(after));
      if (next === null) throw never();
      return next.getTime();
    },
  };
}
