import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { InvalidSpecError } from '../../src/index.js';
import { FederationManager, parseCron, type ReconcileReport } from '../../src/federation/index.js';
import { createMemoryProvider } from '../../src/index.js';

const at = (iso: string): number => Date.parse(iso);
const iso = (ms: number): string => new Date(ms).toISOString();

describe('cron schedules', () => {
  it('daily at 2 AM, as in the configuration example', () => {
    const c = parseCron('0 2 * * *');
    expect(iso(c.next(at('2026-11-27T17:00:00Z')))).toBe('2026-11-28T02:00:00.000Z');
    expect(iso(c.next(at('2026-11-28T01:59:30Z')))).toBe('2026-11-28T02:00:00.000Z');
    expect(iso(c.next(at('2026-11-28T02:00:00Z')))).toBe('2026-11-29T02:00:00.000Z');
  });

  it('steps, ranges, lists, weekdays and month ends', () => {
    expect(iso(parseCron('*/15 * * * *').next(at('2026-11-27T17:07:00Z')))).toBe('2026-11-27T17:15:00.000Z');
    expect(iso(parseCron('0 9-17/4 * * 1-5').next(at('2026-11-27T17:30:00Z')))).toBe('2026-11-30T09:00:00.000Z'); // Friday evening → Monday
    expect(iso(parseCron('30 0 1,15 * *').next(at('2026-11-27T00:00:00Z')))).toBe('2026-12-01T00:30:00.000Z');
    expect(iso(parseCron('0 0 * * 7').next(at('2026-11-27T00:00:00Z')))).toBe('2026-11-29T00:00:00.000Z'); // 7 is Sunday
    expect(iso(parseCron('0 0 29 2 *').next(at('2026-11-27T00:00:00Z')))).toBe('2028-02-29T00:00:00.000Z');
  });

  it('refuses what it cannot read, naming the field', () => {
    for (const [expr, field] of [
      ['0 2 * *', 'schedule'],
      ['60 * * * *', 'schedule.minute'],
      ['0 24 * * *', 'schedule.hour'],
      ['0 0 0 * *', 'schedule.day of month'],
      ['0 0 * 13 *', 'schedule.month'],
      ['0 0 * * mon', 'schedule.day of week'],
    ] as const) {
      const error = (() => {
        try {
          parseCron(expr);
        } catch (e) {
          return e;
        }
        return undefined;
      })();
      expect(InvalidSpecError.isInstance(error), expr).toBe(true);
      expect((error as InvalidSpecError).field).toBe(field);
    }
  });

  it('next() is always later, on a whole minute, and matches the expression (property)', () => {
    fc.assert(
      fc.property(fc.integer({ min: 0, max: 59 }), fc.integer({ min: 0, max: 23 }), fc.integer({ min: 1_700_000_000_000, max: 1_900_000_000_000 }), (m, h, t) => {
        const next = parseCron(`${m} ${h} * * *`).next(t);
        const d = new Date(next);
        expect(next).toBeGreaterThan(t);
        expect(next - t).toBeLessThanOrEqual(86_400_000);
        expect([d.getUTCMinutes(), d.getUTCHours(), d.getUTCSeconds()]).toEqual([m, h, 0]);
      }),
    );
  });

  it('drives the reconciler', async () => {
    let now = at('2026-11-27T01:59:59.990Z');
    const manager = new FederationManager({ providers: [createMemoryProvider()], clock: () => now });
    const reports: ReconcileReport[] = [];
    const controller = new AbortController();
    const run = manager.startReconciler({ cron: '0 2 * * *', signal: controller.signal, onReport: (r) => reports.push(r) });
    for (let i = 0; i < 500 && reports.length === 0; i++) await new Promise((r) => setTimeout(r, 10));
    await new Promise((r) => setTimeout(r, 50));
    expect(reports.length).toBe(1); // fired at 02:00, 10 ms after "now", and not again with the clock standing still
    now = at('2026-11-27T02:00:00.500Z');
    controller.abort();
    await run.done;
    expect(reports[0]!.skipped).toBe(false);
  });
});
