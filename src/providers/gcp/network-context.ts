/**
 * What every part of the GCE network companion works with: the provider's name, project and
 * regions, the clients, operations and reads, the ids of the project, the bounded wait of a
 * create, and the event bus. One object, so that each resource's class takes one argument.
 */
import type { EventBus } from '../../provider/events.js';
import type { NetworkResourceState, NetworkResourceType } from '../../provider/network-types.js';
import { InvalidSpecError } from '../../provider/errors.js';
import type { GcpNetworkApi } from './network-clients.js';
import type { NetworkIds } from './network-ids.js';
import type { NetworkOperations } from './network-operations.js';
import type { NetworkReads } from './network-reads.js';

/** The companion's shared parts. */
export interface GcpNetworkContext {
  /** Provider name. */
  readonly providerName: string;
  /** Project id (the companion's `account`). */
  readonly project: string;
  /** Default region (of subnets, VPN gateways). */
  readonly region: string;
  /** Every configured region (where listings and lookups look). */
  readonly regions: readonly string[];
  /** The clients. */
  readonly api: GcpNetworkApi;
  /** Operations. */
  readonly ops: NetworkOperations;
  /** Reads. */
  readonly reads: NetworkReads;
  /** Ids of the project. */
  readonly ids: NetworkIds;
  /** Longest time a create waits for its operation before it answers `provisioning`, ms. */
  readonly createWaitMs: number;
  /** Longest time a step that must finish first (tunnels before their BGP sessions) waits, ms. */
  readonly stepWaitMs: number;
  /** Where `network.changed` goes. */
  readonly events: EventBus;
}

/** Publishes a `network.changed` event. */
export function published(ctx: GcpNetworkContext, action: 'created' | 'accepted' | 'deleted', resourceType: NetworkResourceType, resourceId: string, state: NetworkResourceState | string): void {
  ctx.events.publish('network.changed', { provider: ctx.providerName, action, resourceType, resourceId, state });
}

/** An `InvalidSpecError` on one field. */
export function invalid(field: string, message: string, provider?: string): InvalidSpecError {
  return new InvalidSpecError({ provider, issues: [{ field, message }] });
}
