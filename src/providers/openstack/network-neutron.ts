/**
 * The Neutron calls of the network companion, over the adapter's one API layer
 * (`openstack-api.ts`: the Keystone token, the catalog's network endpoint, bounded time,
 * retries and the error mapping): list with Neutron's paging (`limit` and `marker`, following
 * `<collection>_links` rel="next", Networking API v2.0 "Pagination", read 2026-12), get (a 404
 * is `undefined`), create, update, delete (a 404 is "already gone"), and the tag calls.
 *
 * Every call names its operation and resource for the error mapping; creates and deletes are
 * `mutating`, so a lost answer is never retried blindly: the caller resolves it by its mark.
 */
import { NotFoundError } from '../../provider/errors.js';
import type { OpenStackApi } from './openstack-api.js';

/** What one call is about, for errors. */
export interface NeutronCallContext {
  /** Companion operation (`createNetwork`, `delete`, …). */
  readonly operation: string;
  /** Kind of resource (`network`, `vpnservice`, …). */
  readonly resourceType: string;
  /** Its id, when known. */
  readonly resourceId?: string | undefined;
}

/** Neutron for one provider. */
export class NeutronCalls {
  /** Keeps the API layer; `pageSize` items per list page. */
  constructor(
    private readonly api: OpenStackApi,
    private readonly pageSize: number,
  ) {}

  /** Streams a collection (`/networks`, `/vpn/vpnservices`) page by page. */
  async *list<T>(path: string, collection: string, query: Readonly<Record<string, string | undefined>>, ctx: NeutronCallContext, signal?: AbortSignal): AsyncIterable<T> {
    let marker: string | undefined;
    for (;;) {
      const page = await this.api.json<Record<string, unknown>>({ service: 'network', method: 'GET', path, query: { ...query, limit: this.pageSize, marker }, ctx: { operation: ctx.operation, resourceType: ctx.resourceType } }, signal);
      const items = (page?.[collection] as T[] | undefined) ?? [];
      for (const item of items) yield item;
      const next = ((page?.[`${collection}_links`] as { rel?: string; href?: string }[] | undefined) ?? []).find((l) => l.rel === 'next')?.href;
      const nextMarker = next === undefined ? undefined : (new URL(next).searchParams.get('marker') ?? undefined);
      if (nextMarker === undefined || items.length === 0 || nextMarker === marker) return;
      marker = nextMarker;
    }
  }

  /** Every item of a collection. */
  async all<T>(path: string, collection: string, query: Readonly<Record<string, string | undefined>>, ctx: NeutronCallContext, signal?: AbortSignal): Promise<T[]> {
    const out: T[] = [];
    for await (const item of this.list<T>(path, collection, query, ctx, signal)) out.push(item);
    return out;
  }

  /** One resource (`/networks/{id}` answered `{"network": …}`), `undefined` when Neutron has none. */
  async get<T>(path: string, key: string, ctx: NeutronCallContext, signal?: AbortSignal): Promise<T | undefined> {
    try {
      const answer = await this.api.json<Record<string, T>>({ service: 'network', method: 'GET', path, ctx: { operation: ctx.operation, resourceType: ctx.resourceType, resourceId: ctx.resourceId } }, signal);
      return answer?.[key];
    } catch (error) {
      if (NotFoundError.isInstance(error)) return undefined;
      throw error;
    }
  }

  /** Creates a resource (`POST path {key: body}`) and answers it. */
  async create<T>(path: string, key: string, body: Readonly<Record<string, unknown>>, ctx: NeutronCallContext, signal?: AbortSignal): Promise<T> {
    const answer = await this.api.json<Record<string, T>>({ service: 'network', method: 'POST', path, json: { [key]: body }, ctx: { ...ctx, mutating: true } }, signal);
    return answer[key]!;
  }

  /** `PUT path` with `json`, answered as it comes. */
  async put<T>(path: string, json: unknown, ctx: NeutronCallContext, signal?: AbortSignal): Promise<T> {
    return this.api.json<T>({ service: 'network', method: 'PUT', path, json, ctx: { ...ctx, mutating: true } }, signal);
  }

  /** Deletes a resource; `false` when it was already gone. */
  async remove(path: string, ctx: NeutronCallContext, signal?: AbortSignal): Promise<boolean> {
    try {
      await this.api.json({ service: 'network', method: 'DELETE', path, ctx: { ...ctx, mutating: true } }, signal);
      return true;
    } catch (error) {
      if (NotFoundError.isInstance(error)) return false;
      throw error;
    }
  }

  /** Replaces a resource's tags (`PUT /{collection}/{id}/tags`). */
  async replaceTags(collection: 'networks' | 'subnets' | 'routers', id: string, tags: readonly string[], ctx: NeutronCallContext, signal?: AbortSignal): Promise<void> {
    await this.put(`/${collection}/${id}/tags`, { tags }, ctx, signal);
  }

  /** Adds one tag (`PUT /{collection}/{id}/tags/{tag}`, atomic on the server). */
  async addTag(collection: 'networks' | 'subnets' | 'routers', id: string, tag: string, ctx: NeutronCallContext, signal?: AbortSignal): Promise<void> {
    await this.api.json({ service: 'network', method: 'PUT', path: `/${collection}/${id}/tags/${encodeURIComponent(tag)}`, ctx: { ...ctx, mutating: true } }, signal);
  }

  /** Removes one tag; a tag (or resource) already gone is fine. */
  async removeTag(collection: 'networks' | 'subnets' | 'routers', id: string, tag: string, ctx: NeutronCallContext, signal?: AbortSignal): Promise<void> {
    await this.remove(`/${collection}/${id}/tags/${encodeURIComponent(tag)}`, ctx, signal);
  }
}
