/**
 * How the network companion calls ARM, in four shapes: a read that answers `undefined` for a
 * resource that is not there (404), a write followed to its end (the quick resources: VNets,
 * subnets, public IPs, local network gateways, peerings, route tables), a write only submitted
 * (a VPN gateway takes 30–45 minutes and a connection minutes: the create returns, `get` polls),
 * and a paged list. Each runs through `AzureApi.run` (the caller's signal, bounded HTTP attempts,
 * the error taxonomy), with the network RP's own refusals mapped first (`network-errors.ts`).
 * Every wait is bounded by the provider's `waitTimeoutMs`.
 */
import type { NetworkManagementClient } from '@azure/arm-network';
import { NotFoundError } from '../../provider/errors.js';
import type { EventBus } from '../../provider/events.js';
import type { AzureApi } from './azure-api.js';
import { mapNetworkError } from './network-errors.js';
import type { NetworkSettings } from './network-options.js';
import { statusOf } from './owned-resources.js';
import type { AzurePoller, AzurePollers } from './pollers.js';
import type { ResourceScope } from './resource-id.js';

/** What every part of the companion works with. */
export interface AzureNetworkContext {
  /** Provider instance name. */
  readonly providerName: string;
  /** Subscription and resource group of what the companion creates. */
  readonly scope: ResourceScope;
  /** Default location. */
  readonly location: string;
  /** Locations the provider may use. */
  readonly locations: readonly string[];
  /** The SDK door. */
  readonly api: AzureApi;
  /** Waits on long-running operations. */
  readonly pollers: AzurePollers;
  /** Where `network.changed` events go. */
  readonly events: EventBus;
  /** Federation id (a tag), when set. */
  readonly federationId: string | undefined;
  /** Gateway SKU and the like. */
  readonly settings: NetworkSettings;
  /** Clock (tags record creation times). */
  readonly now: () => Date;
}

/** What a call is about, for its errors. */
export interface NetworkCallInfo {
  /** Companion operation (`createVpnGateway`). */
  readonly operation: string;
  /** Resource kind (`vpn-gateway`, `subnet`, `public-ip`). */
  readonly resourceType: string;
  /** Its id, when known. */
  readonly resourceId?: string | undefined;
  /** Location. */
  readonly region?: string | undefined;
}

/** Options the SDK's long-running calls take. */
export interface PollOptions {
  /** Poll interval. */
  readonly updateIntervalInMs: number;
  /** The caller's signal. */
  readonly abortSignal: AbortSignal | undefined;
}

/** ARM calls of the network companion. */
export class NetworkCalls {
  /** Calls on behalf of `ctx`. */
  constructor(private readonly ctx: AzureNetworkContext) {}

  /** The resource `fn` reads, or `undefined` when ARM answers 404. */
  read<T>(info: NetworkCallInfo, signal: AbortSignal | undefined, fn: (network: NetworkManagementClient, signal: AbortSignal | undefined) => Promise<T>): Promise<T | undefined> {
    return this.run(info, signal, false, async (network) => {
      try {
        return await fn(network, signal);
      } catch (error) {
        if (statusOf(error) === 404) return undefined;
        throw error;
      }
    });
  }

  /** A write, followed to its end; the resource as ARM answers it then. */
  write<T>(info: NetworkCallInfo, signal: AbortSignal | undefined, start: (network: NetworkManagementClient, options: PollOptions) => AzurePoller<T>): Promise<T> {
    return this.run(info, signal, true, (network) =>
      this.ctx.pollers.wait(start(network, this.pollOptions(signal)), { signal, resourceId: info.resourceId, what: `${info.operation} of ${info.resourceId ?? info.resourceType}` }),
    );
  }

  /** A write whose initial request ARM accepted; what it started goes on in Azure. */
  submit<T>(info: NetworkCallInfo, signal: AbortSignal | undefined, start: (network: NetworkManagementClient, options: PollOptions) => AzurePoller<T>): Promise<void> {
    return this.run(info, signal, true, (network) => this.ctx.pollers.submitted(start(network, this.pollOptions(signal))));
  }

  /** A delete, submitted; one of what is already gone succeeds. */
  async remove(info: NetworkCallInfo, signal: AbortSignal | undefined, start: (network: NetworkManagementClient, options: PollOptions) => AzurePoller<void>, wait = false): Promise<void> {
    try {
      if (wait) await this.write(info, signal, start);
      else await this.submit(info, signal, start);
    } catch (error) {
      if (NotFoundError.isInstance(error)) return;
      throw error;
    }
  }

  /** Every item of a paged list, one page (one call) at a time. */
  async *list<T>(info: NetworkCallInfo, signal: AbortSignal | undefined, pages: (network: NetworkManagementClient) => AsyncIterable<T[]>): AsyncIterable<T> {
    const { network } = await this.ctx.api.clients();
    const iterator = pages(network)[Symbol.asyncIterator]();
    for (;;) {
      const step = await this.run(info, signal, false, () => iterator.next());
      if (step.done) return;
      yield* step.value;
    }
  }

  /** Every item of a list, gathered. */
  async all<T>(info: NetworkCallInfo, signal: AbortSignal | undefined, pages: (network: NetworkManagementClient) => AsyncIterable<T[]>): Promise<T[]> {
    const out: T[] = [];
    for await (const item of this.list(info, signal, pages)) out.push(item);
    return out;
  }

  private pollOptions(signal: AbortSignal | undefined): PollOptions {
    return { updateIntervalInMs: this.ctx.pollers.pollIntervalMs, abortSignal: signal };
  }

  private run<T>(info: NetworkCallInfo, signal: AbortSignal | undefined, mutating: boolean, fn: (network: NetworkManagementClient) => Promise<T>): Promise<T> {
    return this.ctx.api.run({ operation: info.operation, resourceType: info.resourceType, resourceId: info.resourceId, region: info.region, mutating }, signal, async ({ network }) => {
      try {
        return await fn(network);
      } catch (error) {
        throw mapNetworkError(error, this.ctx.providerName, info.operation);
      }
    });
  }
}
