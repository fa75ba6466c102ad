/**
 * Deleting a server and what its create made, in the order that leaves nothing behind: read the
 * ports bound to it (Nova clears `device_id` of a port it was given once the server is gone), release
 * their floating IPs (Neutron keeps a floating IP when its port goes, and bills it), `DELETE
 * /servers/{id}`, wait until Nova no longer shows it (unless asked not to wait), then delete the
 * create's own port. Nova removes a boot volume made with `delete_on_termination: true` itself.
 */
import { sleep } from '../../provider/abort.js';
import { NotFoundError, TimeoutError } from '../../provider/errors.js';
import type { NeutronResources } from './neutron-resources.js';
import type { OpenStackApi } from './openstack-api.js';
import type { ServerReader } from './server-reader.js';

/** Removes servers of one provider. */
export class ServerRemoval {
  /** Keeps the parts. */
  constructor(
    private readonly api: OpenStackApi,
    private readonly reader: ServerReader,
    private readonly neutron: NeutronResources,
    private readonly timing: { readonly pollIntervalMs: number; readonly waitTimeoutMs: number; readonly providerName: string },
  ) {}

  /** Deletes server `id` (named `name`), its floating IPs and its own port; a server already gone is fine. */
  async remove(id: string, name: string, options: { readonly wait?: boolean | undefined; readonly signal?: AbortSignal | undefined; readonly operation?: string } = {}): Promise<void> {
    const operation = options.operation ?? 'deleteVM';
    const bound = await this.neutron.portsOf(id, options.signal).catch(() => []);
    await this.neutron.removeFor(name, bound, { keepPorts: true });
    try {
      await this.api.json({ service: 'compute', method: 'DELETE', path: `/servers/${encodeURIComponent(id)}`, ctx: { operation, resourceType: 'vm', resourceId: id, mutating: true } }, options.signal);
    } catch (error) {
      if (!NotFoundError.isInstance(error)) throw error;
    }
    if (options.wait !== false) await this.waitGone(id, operation, options.signal);
    await this.neutron.removeFor(name, bound);
  }

  private async waitGone(id: string, operation: string, signal: AbortSignal | undefined): Promise<void> {
    const deadline = Date.now() + this.timing.waitTimeoutMs;
    for (;;) {
      const server = await this.reader.get(id, operation, signal);
      if (!server || server.status === 'DELETED' || server.status === 'SOFT_DELETED') return;
      if (Date.now() > deadline) throw new TimeoutError({ provider: this.timing.providerName, resourceId: id, message: `${operation}: server ${id} was still ${server.status ?? 'there'} after ${this.timing.waitTimeoutMs} ms` });
      await sleep(this.timing.pollIntervalMs, signal);
    }
  }
}
