/**
 * Reads of the network companion: one resource (GCE's 404 is `undefined`), a whole listing
 * (network resources are few: the listing is read to its end, restarted whole when a page is
 * throttled, by the provider's retries), and an aggregated listing across regions flattened to
 * its items.
 */
import { NotFoundError } from '../../provider/errors.js';
import type { GcpErrorContext } from './error-mapping.js';
import type { GcpCallOptions, GcpNetworkApi, GcpNetworkClients } from './network-clients.js';

/** Reads of one project. */
export class NetworkReads {
  /** Keeps the API. */
  constructor(private readonly api: GcpNetworkApi) {}

  /** One resource; `undefined` when GCE has none. */
  async one<T>(ctx: Omit<GcpErrorContext, 'provider'>, signal: AbortSignal | undefined, fn: (clients: GcpNetworkClients, call: GcpCallOptions) => Promise<[T, ...unknown[]]>): Promise<T | undefined> {
    try {
      return (await this.api.run({ ...ctx, mutating: false }, signal, fn))[0];
    } catch (error) {
      if (NotFoundError.isInstance(error)) return undefined;
      throw error;
    }
  }

  /** Every item of a listing. */
  async all<T>(ctx: Omit<GcpErrorContext, 'provider'>, signal: AbortSignal | undefined, pages: (clients: GcpNetworkClients, call: GcpCallOptions & { autoPaginate: false }) => AsyncIterable<T>): Promise<T[]> {
    return this.api.run({ ...ctx, mutating: false }, signal, async (clients, call) => {
      const items: T[] = [];
      for await (const item of pages(clients, { ...call, autoPaginate: false })) items.push(item);
      return items;
    });
  }

  /** Every item of an aggregated listing (`[scope, { <field>: items }]` pairs), with its region. */
  async aggregated<T>(
    ctx: Omit<GcpErrorContext, 'provider'>,
    signal: AbortSignal | undefined,
    field: string,
    pages: (clients: GcpNetworkClients, call: GcpCallOptions & { autoPaginate: false }) => AsyncIterable<[string, unknown]>,
  ): Promise<{ readonly region: string; readonly item: T }[]> {
    const scoped = await this.all<[string, unknown]>(ctx, signal, pages);
    return scoped.flatMap(([scope, list]) => {
      const items = ((list as Record<string, unknown> | null)?.[field] ?? []) as T[];
      const region = scope.slice(scope.lastIndexOf('/') + 1);
      return items.map((item) => ({ region, item }));
    });
  }
}
