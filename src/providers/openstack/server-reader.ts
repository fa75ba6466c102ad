/**
 * Reading servers: one by id (`GET /servers/{id}`), the servers of a key-derived name
 * (`GET /servers/detail?name=`: Nova's name filter is a regular expression searched for in each
 * name; a key-derived name has no special characters and matches itself, and the exact name is
 * checked again here), and every server, paged with `limit` and `marker` (the last
 * id of a page; Nova's `servers_links` rel="next" says there is another page). With the embedded
 * flavor (microversion 2.47) a listing needs no call per server.
 */
import { NotFoundError } from '../../provider/errors.js';
import type { OpenStackApi } from './openstack-api.js';
import type { NovaServer } from './wire-types.js';

/** A page of `GET /servers/detail`. */
interface ServerPage {
  readonly servers?: NovaServer[];
  readonly servers_links?: readonly { readonly rel: string; readonly href: string }[];
}

/** Reads servers of one provider. */
export class ServerReader {
  /** Keeps the API. */
  constructor(
    private readonly api: OpenStackApi,
    private readonly pageSize: number,
  ) {}

  /** The server of `id`; `undefined` when Nova has none (a deleted server is gone, or `DELETED`). */
  async get(id: string, operation: string, signal?: AbortSignal): Promise<NovaServer | undefined> {
    try {
      const answer = await this.api.json<{ server: NovaServer }>({ service: 'compute', method: 'GET', path: `/servers/${encodeURIComponent(id)}`, ctx: { operation, resourceType: 'vm', resourceId: id } }, signal);
      return answer.server;
    } catch (error) {
      if (NotFoundError.isInstance(error)) return undefined;
      throw error;
    }
  }

  /** The servers named exactly `name`. */
  async named(name: string, operation: string, signal?: AbortSignal): Promise<NovaServer[]> {
    const out: NovaServer[] = [];
    for await (const server of this.list({ name }, operation, signal)) if (server.name === name) out.push(server);
    return out;
  }

  /** Every server matching `query`, streamed page by page. */
  async *list(query: Readonly<Record<string, string>>, operation: string, signal?: AbortSignal): AsyncIterable<NovaServer> {
    let marker: string | undefined;
    for (let pages = 0; pages < 100_000; pages++) {
      const page = await this.api.json<ServerPage>({ service: 'compute', method: 'GET', path: '/servers/detail', query: { ...query, limit: this.pageSize, marker }, ctx: { operation, resourceType: 'vm' } }, signal);
      const servers = page.servers ?? [];
      for (const server of servers) yield server;
      const hasNext = page.servers_links?.some((l) => l.rel === 'next') ?? false;
      if (!hasNext || servers.length === 0) return;
      marker = servers.at(-1)!.id;
    }
  }
}
