/**
 * Token pagination as the clouds do it: a page of at most `pageSize` items and an opaque next
 * token, bound to the query it came from. A token that was tampered with, made up, or sent with
 * another query is refused (EC2 `InvalidPaginationToken`, GCE 400 `INVALID_ARGUMENT`), as the
 * clouds refuse it: an emulator that accepted any offset would hide a client that loses its
 * filters between pages. Each emulator catches {@link PaginationError} and says it in its own
 * words.
 */
import { createHash } from 'node:crypto';

/** Why a page could not be served. */
export class PaginationError extends Error {
  /** `token`: the next token is not one this query handed out; `page-size`: the size is out of range. */
  readonly reason: 'token' | 'page-size';

  /** Creates the error. */
  constructor(reason: 'token' | 'page-size', message: string) {
    super(message);
    this.name = 'PaginationError';
    this.reason = reason;
  }
}

/** What one page request asks for. */
export interface PageRequest {
  /** The next token from the previous page, absent (or `''`) for the first. */
  readonly token?: string | undefined;
  /** Items per page; every item left when absent and there is no default. */
  readonly pageSize?: number | undefined;
  /**
   * The query the pages belong to (filters, sort order...) in a stable text form: a token is
   * only good for the query it came from.
   */
  readonly query: string;
}

/** One page. */
export interface Page<T> {
  /** Its items. */
  readonly items: T[];
  /** Token of the next page, `undefined` on the last. */
  readonly nextToken: string | undefined;
}

/** Page size limits of one listing. */
export interface PageSizeLimits {
  /** Smallest size accepted. */
  readonly min: number;
  /** Largest size accepted. */
  readonly max: number;
  /** Size when the request gives none (every item when absent). */
  readonly default?: number | undefined;
}

/** Checks a requested page size against a listing's limits; throws {@link PaginationError} (`page-size`) outside them. */
export function checkPageSize(size: number | undefined, limits: PageSizeLimits): number | undefined {
  if (size === undefined) return limits.default;
  if (!Number.isInteger(size) || size < limits.min || size > limits.max) {
    throw new PaginationError('page-size', `page size ${size} is out of range [${limits.min}, ${limits.max}]`);
  }
  return size;
}

function fingerprint(query: string): string {
  return createHash('sha256').update(query).digest('hex').slice(0, 12);
}

/** Serves `items` in pages. Throws {@link PaginationError} (`token`) for a token this query did not hand out. */
export function paginate<T>(items: readonly T[], request: PageRequest): Page<T> {
  const query = fingerprint(request.query);
  let offset = 0;
  if (request.token) {
    const [q, o] = Buffer.from(request.token, 'base64url').toString('utf8').split(':');
    if (q !== query || o === undefined || !/^[0-9]+$/.test(o)) {
      throw new PaginationError('token', `The pagination token is invalid: ${request.token}`);
    }
    offset = Number(o);
  }
  if (request.pageSize === undefined) return { items: items.slice(offset), nextToken: undefined };
  const end = offset + request.pageSize;
  return { items: items.slice(offset, end), nextToken: end < items.length ? Buffer.from(`${query}:${end}`).toString('base64url') : undefined };
}
