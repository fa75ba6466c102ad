/**
 * ARM list answers: `{ "value": [...], "nextLink": "..." }`, where `nextLink` is the full URL of
 * the next page (the same path and query plus a `$skiptoken`), absent on the last page (ARM
 * RPC "Collection GET" / `nextLink` contract, read 2026-12). Page tokens are the kit's, bound
 * to the query they came from: a `$skiptoken` made up, tampered with or sent with other
 * filters is refused, so a client that loses its query between pages is caught. ARM does not
 * document its page sizes; the emulator's is configurable (`pageSize`, default 50).
 */
import { paginate, PaginationError } from '../kit/token-pagination.js';
import { ArmError } from './arm-error.js';
import type { ArmAnswer, ArmCall } from './arm-call.js';

/** The query a page token is bound to: path and every parameter but `$skiptoken` and `api-version`. */
function queryOf(call: ArmCall): string {
  const params = [...call.request.query.entries()].filter(([k]) => k !== '$skiptoken' && k.toLowerCase() !== 'api-version').sort(([a], [b]) => a.localeCompare(b));
  return `${call.request.path.toLowerCase()}?${new URLSearchParams(params).toString()}`;
}

/** One page of `items`, rendered, with `nextLink` when more follow. */
export function pagedList<T>(call: ArmCall, items: readonly T[], render: (item: T) => unknown): ArmAnswer {
  const token = call.request.query.get('$skiptoken') ?? undefined;
  let page;
  try {
    page = paginate(items, { token, pageSize: call.world.pageSize, query: queryOf(call) });
  } catch (e) {
    if (!(e instanceof PaginationError)) throw e;
    throw new ArmError(400, 'InvalidParameter', `The value '${token}' of parameter '$skiptoken' is not valid.`, { target: '$skiptoken' });
  }
  const body: { value: unknown[]; nextLink?: string } = { value: page.items.map(render) };
  if (page.nextToken !== undefined) {
    const next = new URLSearchParams(call.request.query);
    next.set('$skiptoken', page.nextToken);
    body.nextLink = `${call.world.endpoint()}${call.request.path}?${next.toString()}`;
  }
  return { status: 200, body };
}
