/**
 * How Neutron lists a collection (neutron-lib api-ref "Filtering and Column Selection",
 * "Pagination", read 2026-12): each query parameter that names an attribute filters on it (a
 * repeated parameter matches any of its values); `fields` selects columns; `limit` and `marker`
 * page in id order with `<collection>_links` rel="next" only when more items follow; an
 * attribute the collection does not have is 400 "[x] is invalid attribute for filtering".
 * Tagged collections also take the tag filters of the standard-attr-tag extension (neutron
 * `doc/source/admin/ops-resource-tags.rst`, read 2026-12): `tags=a,b` (all of them),
 * `tags-any=a,b` (any), `not-tags=a,b` (not all of them), `not-tags-any=a,b` (none).
 */
import { jsonResponse, type EmulatorResponse } from '../kit/emulator-request.js';
import { markerPage, nextHref, parseLimit, UnknownMarkerError } from './marker-pagination.js';
import type { JsonObject, OpenStackCall } from './openstack-call.js';
import { neutronError } from './openstack-errors.js';

const CONTROL = new Set(['fields', 'limit', 'marker', 'page_reverse', 'sort_key', 'sort_dir']);
const TAG_FILTERS = new Set(['tags', 'tags-any', 'not-tags', 'not-tags-any']);

/** True when `tags` pass the tag filter `key` with the comma-separated `values`. */
function passesTagFilter(key: string, values: readonly string[], tags: readonly string[]): boolean {
  const wanted = values.flatMap((v) => v.split(',')).filter((t) => t !== '');
  const has = (t: string): boolean => tags.includes(t);
  if (key === 'tags') return wanted.every(has);
  if (key === 'tags-any') return wanted.some(has);
  if (key === 'not-tags') return !wanted.every(has);
  return !wanted.some(has);
}

/** Lists `views` (rendered items) as `collection`, filtered, selected and paged per the query. */
export function neutronList(call: OpenStackCall, collection: string, path: string, views: readonly JsonObject[], notFoundType: string): EmulatorResponse {
  const q = call.request.query;
  let items = [...views].sort((a, b) => String(a.id).localeCompare(String(b.id)));
  const known = new Set(views.length > 0 ? Object.keys(views[0]!) : []);
  for (const key of new Set(q.keys())) {
    if (CONTROL.has(key)) continue;
    if (TAG_FILTERS.has(key) && (known.has('tags') || views.length === 0)) {
      const values = q.getAll(key);
      items = items.filter((item) => passesTagFilter(key, values, Array.isArray(item.tags) ? (item.tags as string[]) : []));
      continue;
    }
    if (!known.has(key) && views.length > 0) throw neutronError(400, 'HTTPBadRequest', `[${key}] is invalid attribute for filtering`);
    const wanted = q.getAll(key);
    items = items.filter((item) => {
      const value = item[key];
      if (Array.isArray(value)) return wanted.some((w) => value.some((v) => String(v) === w));
      return wanted.includes(value === null ? '' : String(value));
    });
  }
  const { limit, invalid } = parseLimit(q.get('limit'));
  if (invalid) throw neutronError(400, 'HTTPBadRequest', `Bad limit request: Limit must be an integer 0 or greater and not '${q.get('limit')}'.`);
  let page;
  try {
    page = markerPage(items, (i) => String(i.id), { limit, marker: q.get('marker') ?? undefined, maxLimit: limit === undefined ? Number.MAX_SAFE_INTEGER : call.world.maxPageSize, linkFullPages: false });
  } catch (e) {
    if (e instanceof UnknownMarkerError) throw neutronError(404, notFoundType, `${notFoundType.replace(/NotFound$/, '')} ${e.marker} could not be found.`);
    throw e;
  }
  const fields = q.getAll('fields');
  const shown = fields.length === 0 ? page.items : page.items.map((i) => Object.fromEntries(Object.entries(i).filter(([k]) => fields.includes(k))));
  const body: JsonObject = { [collection]: shown };
  if (page.nextMarker !== undefined) body[`${collection}_links`] = [{ href: nextHref(`${call.serviceUrl('network')}${path}`, q, page.nextMarker, page.limit), rel: 'next' }];
  return jsonResponse(200, body);
}

/** The resource object of a create or update body (`{"port": {...}}`), or Neutron's 400. */
export function neutronBody(call: OpenStackCall, resource: string): JsonObject {
  const body = call.body((why) => neutronError(400, 'HTTPBadRequest', why));
  const inner = body[resource];
  if (typeof inner !== 'object' || inner === null || Array.isArray(inner)) throw neutronError(400, 'HTTPBadRequest', `Resource body required`);
  return inner as JsonObject;
}
