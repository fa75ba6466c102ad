/**
 * Reading instances without one call per VM or per zone.
 *
 * - One instance: `instances.get` (zone and name come from the VM id).
 * - Many: `instances.aggregatedList`, one paged call across every zone of the project
 *   (`maxResults` per page, `nextPageToken`), with the label filter pushed down as GCE's `filter`
 *   expression, so a listing costs pages, never calls per zone. The library's async iterator reads
 *   the next page when the last one is used up; a throttled or failed page restarts the listing
 *   (after the shared backoff), skipping the instances already yielded.
 */
import { sleep } from '../../provider/abort.js';
import { NotFoundError, ProviderUnavailableError, ThrottledError } from '../../provider/errors.js';
import { backoffDelay } from '../../provider/retry.js';
import type { GcpApi } from './gcp-api.js';
import type { InstanceRef } from './naming.js';
import { lastSegment } from './naming.js';
import type { GceInstance } from './state-mapping.js';

/** Reads instances of one project. */
export class InstanceReader {
  /** Keeps the API. */
  constructor(
    private readonly api: GcpApi,
    private readonly project: string,
    private readonly pageSize: number,
  ) {}

  /** The instance at `ref`; `undefined` when GCE has none. */
  async get(ref: InstanceRef, operation: string, signal: AbortSignal | undefined): Promise<GceInstance | undefined> {
    try {
      return await this.api.run({ operation, resourceType: 'vm', resourceId: ref.name, zone: ref.zone }, signal, async ({ instances }, call) => (await instances.get({ project: ref.project, zone: ref.zone, instance: ref.name }, call))[0]);
    } catch (error) {
      if (NotFoundError.isInstance(error)) return undefined;
      throw error;
    }
  }

  /** Every instance matching `filter` in `zones` (all zones when absent), streamed page by page. */
  async *list(options: { readonly filter?: string | undefined; readonly zones?: ReadonlySet<string> | undefined; readonly operation: string; readonly signal?: AbortSignal | undefined }): AsyncIterable<GceInstance> {
    const { signal } = options;
    const seen = new Set<string>();
    const { instances } = await this.api.clients();
    for (let attempt = 1; ; attempt++) {
      const pages = instances.aggregatedListAsync(
        { project: this.project, maxResults: this.pageSize, ...(options.filter !== undefined ? { filter: options.filter } : {}) },
        { ...this.api.callOptions(), autoPaginate: false },
      );
      const iterator = pages[Symbol.asyncIterator]();
      try {
        for (;;) {
          const step = await this.api.run({ operation: options.operation }, signal, () => iterator.next(), { retry: false });
          if (step.done) return;
          const [scope, list] = step.value;
          const zone = lastSegment(scope);
          if (options.zones && !options.zones.has(zone)) continue;
          for (const instance of list.instances ?? []) {
            const key = `${zone}/${instance.name ?? ''}`;
            if (seen.has(key)) continue;
            seen.add(key);
            yield instance;
          }
        }
      } catch (error) {
        const retryable = ThrottledError.isInstance(error) || (ProviderUnavailableError.isInstance(error) && error.retryable);
        if (!retryable || attempt >= 8 || signal?.aborted) throw error;
        await sleep(backoffDelay(attempt, error, { baseDelayMs: 200, maxDelayMs: 10_000 }), signal);
      }
    }
  }
}
