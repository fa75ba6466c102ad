/**
 * The lease state machine, as pure functions, for the stores that run it in JavaScript
 * (memory and SQLite); the PostgreSQL store runs the same rules in SQL on the server's clock.
 */

/** A lease as stored: `holder` is `null` once released (the token is kept so it keeps growing). */
export interface LeaseRow {
  /** Current holder, or `null` when released. */
  readonly holder: string | null;
  /** Token of the current (or last) tenure. */
  readonly fencingToken: number;
  /** Expiry, in epoch milliseconds. */
  readonly expiresAtMs: number;
}

/** True when `row` is held by someone and has not expired at `nowMs`. */
export function isHeld(row: LeaseRow | undefined, nowMs: number): row is LeaseRow & { holder: string } {
  return row !== undefined && row.holder !== null && row.expiresAtMs > nowMs;
}

/**
 * The row after `holder` asks for the lease, or `null` when another live holder has it. A live
 * holder asking again extends its tenure; any new tenure takes the next token.
 */
export function planAcquire(row: LeaseRow | undefined, holder: string, nowMs: number, ttlMs: number): LeaseRow | null {
  if (isHeld(row, nowMs)) {
    if (row.holder !== holder) return null;
    return { holder, fencingToken: row.fencingToken, expiresAtMs: nowMs + ttlMs };
  }
  return { holder, fencingToken: (row?.fencingToken ?? 0) + 1, expiresAtMs: nowMs + ttlMs };
}

/** The row after a renewal, or `null` when this tenure no longer holds a live lease. */
export function planRenew(row: LeaseRow | undefined, holder: string, token: number, nowMs: number, ttlMs: number): LeaseRow | null {
  if (!isHeld(row, nowMs) || row.holder !== holder || row.fencingToken !== token) return null;
  return { holder, fencingToken: token, expiresAtMs: nowMs + ttlMs };
}

/** The row after a release, or `null` when this tenure is not the current one. */
export function planRelease(row: LeaseRow | undefined, holder: string, token: number, nowMs: number): LeaseRow | null {
  if (row === undefined || row.holder !== holder || row.fencingToken !== token) return null;
  return { holder: null, fencingToken: token, expiresAtMs: Math.min(row.expiresAtMs, nowMs) };
}
