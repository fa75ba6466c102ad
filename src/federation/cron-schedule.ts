/**
 * Five-field cron expressions (minute hour day-of-month month day-of-week), as in the
 * configuration's `optimization.schedule: "0 2 * * *"`. Supports `*`, lists, ranges and
 * steps; day-of-week 0 or 7 is Sunday. Times are computed in UTC.
 */
import { InvalidSpecError } from '../provider/errors.js';

/** A parsed cron expression. */
export interface CronSchedule {
  /** The expression as given. */
  readonly expression: string;
  /** The first matching minute strictly after `after` (epoch ms), in UTC. */
  next(after: number): number;
}

const FIELDS = [
  { name: 'minute', min: 0, max: 59 },
  { name: 'hour', min: 0, max: 23 },
  { name: 'day of month', min: 1, max: 31 },
  { name: 'month', min: 1, max: 12 },
  { name: 'day of week', min: 0, max: 7 },
] as const;

function parseField(text: string, index: number): Set<number> {
  const { name, min, max } = FIELDS[index]!;
  const out = new Set<number>();
  for (const part of text.split(',')) {
    const m = /^(\*|(\d+)(?:-(\d+))?)(?:\/(\d+))?$/.exec(part);
    if (!m) throw new InvalidSpecError({ issues: [{ field: `schedule.${name}`, message: `cannot read "${part}"` }] });
    const step = m[4] === undefined ? 1 : Number(m[4]);
    const from = m[1] === '*' ? min : Number(m[2]);
    const to = m[1] === '*' ? max : m[3] === undefined ? (m[4] === undefined ? from : max) : Number(m[3]);
    if (step < 1 || from < min || to > max || from > to) {
      throw new InvalidSpecError({ issues: [{ field: `schedule.${name}`, message: `"${part}" is outside ${min}–${max}` }] });
    }
    for (let v = from; v <= to; v += step) out.add(index === 4 && v === 7 ? 0 : v);
  }
  return out;
}

/** Parses a five-field cron expression; `InvalidSpecError` names the field it cannot read. */
export function parseCron(expression: string): CronSchedule {
  const parts = expression.trim().split(/\s+/);
  if (parts.length !== 5) throw new InvalidSpecError({ issues: [{ field: 'schedule', message: `expected five fields, got ${parts.length}` }] });
  const [minutes, hours, days, months, weekdays] = parts.map((p, i) => parseField(p, i)) as [Set<number>, Set<number>, Set<number>, Set<number>, Set<number>];
  // As in cron: when both day fields are restricted, a day matching either runs.
  const dayRestricted = parts[2] !== '*';
  const weekdayRestricted = parts[4] !== '*';
  const dayMatches = (d: Date): boolean => {
    const dom = days.has(d.getUTCDate());
    const dow = weekdays.has(d.getUTCDay());
    if (dayRestricted && weekdayRestricted) return dom || dow;
    if (dayRestricted) return dom;
    if (weekdayRestricted) return dow;
    return true;
  };
  return {
    expression,
    next(after: number): number {
      const d = new Date(Math.floor(after / 60_000) * 60_000 + 60_000);
      // Walk forward coarsely (months, days, hours) then by minute; four years bounds any valid expression.
      const limit = after + 4 * 366 * 86_400_000;
      while (d.getTime() <= limit) {
        if (!months.has(d.getUTCMonth() + 1)) {
          d.setUTCMonth(d.getUTCMonth() + 1, 1);
          d.setUTCHours(0, 0, 0, 0);
          continue;
        }
        if (!dayMatches(d)) {
          d.setUTCDate(d.getUTCDate() + 1);
          d.setUTCHours(0, 0, 0, 0);
          continue;
        }
        if (!hours.has(d.getUTCHours())) {
          d.setUTCHours(d.getUTCHours() + 1, 0, 0, 0);
          continue;
        }
        if (!minutes.has(d.getUTCMinutes())) {
          d.setUTCMinutes(d.getUTCMinutes() + 1, 0, 0);
          continue;
        }
        return d.getTime();
      }
      throw new InvalidSpecError({ issues: [{ field: 'schedule', message: `"${expression}" never fires` }] });
    },
  };
}
