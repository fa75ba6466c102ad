import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { InvalidSpecError } from '../../src/index.js';
import { FederationManager, loadFederationConfig, type ReconcileReport } from '../../src/federation/index.js';
import { parseCron } from '../../src/federation/cron-schedule.js';
import { createMemoryProvider } from '../../src/index.js';
import { thrownBy } from '../helpers.js';
import { FEDERATION_YAML } from './spec-examples.js';

const env = { AZURE_SUBSCRIPTION_ID: '00000000-1111-2222-3333-444444444444' };
const at = (iso: string): number => Date.parse(iso);
const iso = (ms: number): string => new Date(ms).toISOString();

describe('cron schedules (croner)', () => {
  it('daily at 2 AM, as in the configuration example, strictly after the given time', () => {
    const c = parseCron('0 2 * * *');
    expect(c.timezone).toBe('UTC');
    expect(iso(c.next(at('2026-11-27T17:00:00Z')))).toBe('2026-11-28T02:00:00.000Z');
    expect(iso(c.next(at('2026-11-28T01:59:30Z')))).toBe('2026-11-28T02:00:00.000Z');
    expect(iso(c.next(at('2026-11-28T02:00:00Z')))).toBe('2026-11-29T02:00:00.000Z');
    expect(iso(c.next(at('2026-11-28T02:00:00.500Z')))).toBe('2026-11-29T02:00:00.000Z');
  });

  it('steps, ranges, lists, weekdays, names, month ends and the seconds field', () => {
    expect(iso(parseCron('*/15 * * * *').next(at('2026-11-27T17:07:00Z')))).toBe('2026-11-27T17:15:00.000Z');
    expect(iso(parseCron('0 9-17/4 * * 1-5').next(at('2026-11-27T17:30:00Z')))).toBe('2026-11-30T09:00:00.000Z'); // Friday evening → Monday
    expect(iso(parseCron('0 9 * * MON-FRI').next(at('2026-11-27T17:30:00Z')))).toBe('2026-11-30T09:00:00.000Z');
    expect(iso(parseCron('30 0 1,15 * *').next(at('2026-11-27T00:00:00Z')))).toBe('2026-12-01T00:30:00.000Z');
    expect(iso(parseCron('0 0 * * 7').next(at('2026-11-27T00:00:00Z')))).toBe('2026-11-29T00:00:00.000Z'); // 7 is Sunday
    expect(iso(parseCron('0 0 29 2 *').next(at('2026-11-27T00:00:00Z')))).toBe('2028-02-29T00:00:00.000Z');
    expect(iso(parseCron('0 0 L * *').next(at('2026-11-27T00:00:00Z')))).toBe('2026-11-30T00:00:00.000Z'); // last day of the month
    expect(iso(parseCron('*/20 * * * * *').next(at('2026-11-27T00:00:05Z')))).toBe('2026-11-27T00:00:20.000Z'); // six fields: seconds first
    // Both day fields restricted: a day matching either runs, as in cron.
    expect(iso(parseCron('0 0 1 * MON').next(at('2026-11-27T00:00:00Z')))).toBe('2026-11-30T00:00:00.000Z');
  });

  it('computes in a time zone, across daylight saving (Europe/Berlin, last Sunday of March and of October 2026)', () => {
    const berlin = parseCron('0 2 * * *', { timezone: 'Europe/Berlin' });
    expect(berlin.timezone).toBe('Europe/Berlin');
    // Winter time (UTC+1): 02:00 local is 01:00Z.
    expect(iso(berlin.next(at('2026-03-27T12:00:00Z')))).toBe('2026-03-28T01:00:00.000Z');
    // 29 March: clocks jump from 02:00 to 03:00, so 02:00 never happens; it runs once, right after the gap (03:00 CEST = 01:00Z).
    const spring = berlin.next(at('2026-03-28T12:00:00Z'));
    expect(iso(spring)).toBe('2026-03-29T01:00:00.000Z');
    // Summer time (UTC+2) from then on: 02:00 local is 00:00Z; nothing fires twice on the day of the change.
    expect(iso(berlin.next(spring))).toBe('2026-03-30T00:00:00.000Z');
    // 25 October: 02:00–03:00 happens twice; the job runs once, at the first 02:00 (CEST, 00:00Z).
    const autumn = berlin.next(at('2026-10-24T12:00:00Z'));
    expect(iso(autumn)).toBe('2026-10-25T00:00:00.000Z');
    expect(iso(berlin.next(autumn))).toBe('2026-10-26T01:00:00.000Z');
    // An hourly job keeps running through the spring gap: one run per real hour.
    const hourly = parseCron('30 * * * *', { timezone: 'Europe/Berlin' });
    let t = at('2026-03-29T00:00:00Z');
    const runs: string[] = [];
    for (let i = 0; i < 3; i++) runs.push(iso((t = hourly.next(t))));
    expect(runs).toEqual(['2026-03-29T00:30:00.000Z', '2026-03-29T01:30:00.000Z', '2026-03-29T02:30:00.000Z']);
  });

  it('refuses what it cannot read, naming the field and saying why', () => {
    for (const [expr, reason] of [
      ['0 2 * *', /five, six, or seven/],
      ['60 * * * *', /minute/],
      ['0 24 * * *', /hour/],
      ['0 0 * 13 *', /month/],
      ['0 0 * * xyz', /illegal characters/],
      ['', /cron expression/],
      ['0 0 30 2 *', /never fires/],
    ] as const) {
      const error = thrownBy(() => parseCron(expr, { field: 'cron' }));
      expect(InvalidSpecError.isInstance(error), expr).toBe(true);
      expect((error as InvalidSpecError).field, expr).toBe('cron');
      expect((error as InvalidSpecError).message, expr).toMatch(reason);
    }
    const zone = thrownBy(() => parseCron('0 2 * * *', { timezone: 'Mars/Olympus' }));
    expect(InvalidSpecError.isInstance(zone)).toBe(true);
    expect((zone as InvalidSpecError).field).toBe('timezone');
  });

  it('next() is always later, on a whole minute, and matches the expression (property)', () => {
    fc.assert(
      fc.property(fc.integer({ min: 0, max: 59 }), fc.integer({ min: 0, max: 23 }), fc.integer({ min: 1_700_000_000_000, max: 1_900_000_000_000 }), (m, h, t) => {
        const next = parseCron(`${m} ${h} * * *`).next(t);
        const d = new Date(next);
        expect(next).toBeGreaterThan(t);
        expect(next - t).toBeLessThanOrEqual(86_400_000);
        expect([d.getUTCMinutes(), d.getUTCHours(), d.getUTCSeconds(), d.getUTCMilliseconds()]).toEqual([m, h, 0, 0]);
      }),
    );
  });

  it('validates the configuration’s optimization.schedule with the same parser', async () => {
    const good = await loadFederationConfig(FEDERATION_YAML.replace(/schedule: .*/, 'schedule: "0 9 * * MON-FRI"'), { env });
    expect(good.optimization?.schedule).toBe('0 9 * * MON-FRI');
    const bad = await loadFederationConfig(FEDERATION_YAML.replace(/schedule: .*/, 'schedule: "0 25 * * *"'), { env }).catch((e: unknown) => e);
    expect(InvalidSpecError.isInstance(bad)).toBe(true);
    expect((bad as InvalidSpecError).field).toBe('spec.optimization.schedule');
    expect((bad as InvalidSpecError).message).toMatch(/hour/);
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

  it('drives the reconciler in its time zone, and refuses a bad cron or time zone naming the option', async () => {
    // 01:59:59.990 in Berlin (CET, UTC+1) is 00:59:59.990Z: 02:00 Berlin is 10 ms away.
    const now = at('2026-11-27T00:59:59.990Z');
    const manager = new FederationManager({ providers: [createMemoryProvider()], clock: () => now });
    const reports: ReconcileReport[] = [];
    const controller = new AbortController();
    const run = manager.startReconciler({ cron: '0 2 * * *', timezone: 'Europe/Berlin', signal: controller.signal, onReport: (r) => reports.push(r) });
    for (let i = 0; i < 500 && reports.length === 0; i++) await new Promise((r) => setTimeout(r, 10));
    controller.abort();
    await run.done;
    expect(reports.length).toBe(1);
    const badCron = thrownBy(() => manager.startReconciler({ cron: '0 2 * * * * * *' }));
    expect((badCron as InvalidSpecError).field).toBe('cron');
    const badZone = thrownBy(() => manager.startReconciler({ cron: '0 2 * * *', timezone: 'Europe/Atlantis' }));
    expect((badZone as InvalidSpecError).field).toBe('timezone');
  });
});
