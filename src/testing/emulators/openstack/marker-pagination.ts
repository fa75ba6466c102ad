/**
 * OpenStack's list paging: `limit` and `marker` (the id of the last item of the previous page),
 * not the kit's opaque tokens. Items are served in a fixed order, so a marker finds its place;
 * `limit` is capped at the service's maximum page size (Nova `max_limit`, Glance
 * `api_limit_max`, default 1000) rather than refused. A marker that names no item is 400 for Nova
 * ("marker [x] not found") and Glance, 404 for Neutron (it looks the marker up as a resource).
 *
 * The services differ on the last page: Nova and Glance add a next link whenever a page is full,
 * so a list whose length is a multiple of the limit ends with an empty page (nova
 * `api/openstack/common.py` `_get_collection_links`; glance `v2/images.py`); Neutron adds one
 * only when more items follow. The emulator keeps the difference: a client must stop on an
 * empty page.
 */

/** One page request. */
export interface MarkerPageRequest {
  /** `limit` as sent, `undefined` when absent. */
  readonly limit: number | undefined;
  /** `marker` as sent. */
  readonly marker: string | undefined;
  /** Page size when `limit` is absent (`undefined`: every item up to the maximum). */
  readonly defaultLimit?: number | undefined;
  /** Largest page served. */
  readonly maxLimit: number;
  /** Whether a full page always gets a next link (Nova, Glance) or only one with more after it (Neutron). */
  readonly linkFullPages: boolean;
}

/** One page. */
export interface MarkerPage<T> {
  /** Its items. */
  readonly items: T[];
  /** The marker of the next page, `undefined` when there is no next link. */
  readonly nextMarker: string | undefined;
  /** The limit used. */
  readonly limit: number;
}

/** Why a page could not be served: the marker names no item. */
export class UnknownMarkerError extends Error {
  /** Creates the error for `marker`. */
  constructor(readonly marker: string) {
    super(`marker [${marker}] not found`);
    this.name = 'UnknownMarkerError';
  }
}

/** Reads `limit` from a query: a non-negative integer, else `undefined` with `invalid` set. */
export function parseLimit(value: string | null): { readonly limit: number | undefined; readonly invalid: boolean } {
  if (value === null) return { limit: undefined, invalid: false };
  if (!/^\d+$/.test(value)) return { limit: undefined, invalid: true };
  return { limit: Number(value), invalid: false };
}

/** Serves `items` (already in their list order) from after `marker`. Throws {@link UnknownMarkerError}. */
export function markerPage<T>(items: readonly T[], idOf: (item: T) => string, request: MarkerPageRequest): MarkerPage<T> {
  let start = 0;
  if (request.marker !== undefined && request.marker !== '') {
    const at = items.findIndex((item) => idOf(item) === request.marker);
    if (at < 0) throw new UnknownMarkerError(request.marker);
    start = at + 1;
  }
  const limit = Math.min(request.limit ?? request.defaultLimit ?? request.maxLimit, request.maxLimit);
  const page = items.slice(start, start + limit);
  const full = page.length === limit && limit > 0;
  const more = start + limit < items.length;
  const linked = request.linkFullPages ? full : full && more;
  return { items: page, nextMarker: linked ? idOf(page[page.length - 1]!) : undefined, limit };
}

/** The request's URL with `marker` (and `limit`) set for the next page. */
export function nextHref(base: string, query: URLSearchParams, marker: string, limit: number): string {
  const next = new URLSearchParams(query);
  next.set('limit', String(limit));
  next.set('marker', marker);
  return `${base}?${next.toString()}`;
}
