/**
 * How the CLI writes amounts and durations for a person: money to cents, hourly prices to four
 * places (cloud list prices have that many), durations in the largest unit that reads well.
 */

/** `$12.34` for US dollars, `12.34 EUR` for any other currency. */
export function money(amount: number, currency: string): string {
  const sign = amount < 0 ? '-' : '';
  const digits = Math.abs(amount).toFixed(2);
  return currency === 'USD' ? `${sign}$${digits}` : `${sign}${digits} ${currency}`;
}

/** An hourly price: `$0.0516/h`. */
export function hourly(amount: number, currency: string): string {
  const digits = Math.abs(amount).toFixed(4);
  const sign = amount < 0 ? '-' : '';
  return currency === 'USD' ? `${sign}$${digits}/h` : `${sign}${digits} ${currency}/h`;
}

/** Minutes as `45 min`, `2.5 h` or `3.0 d`. */
export function minutes(value: number): string {
  if (value < 90) return `${Math.round(value * 10) / 10} min`;
  if (value < 48 * 60) return `${(value / 60).toFixed(1)} h`;
  return `${(value / 1440).toFixed(1)} d`;
}

/** Days as `12.3 d`, or `never` for a payback that never comes. */
export function days(value: number | null): string {
  if (value === null) return 'never';
  return value === 0 ? '0 d' : `${value.toFixed(1)} d`;
}

/** Milliseconds as `850 ms`, `12.3 s` or `4.0 min`. */
export function elapsed(ms: number): string {
  if (ms < 1000) return `${Math.round(ms)} ms`;
  if (ms < 120_000) return `${(ms / 1000).toFixed(1)} s`;
  return `${(ms / 60_000).toFixed(1)} min`;
}
