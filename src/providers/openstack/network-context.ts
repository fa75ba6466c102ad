/**
 * What the parts of the OpenStack network companion share: the provider's name and region, the
 * Neutron calls, the key queue, the event bus, the token's project, and the rules every create
 * checks before anything is sent (names, the region).
 */
import { InvalidSpecError, NotFoundError } from '../../provider/errors.js';
import type { EventBus } from '../../provider/events.js';
import type { NetworkResourceType } from '../../provider/network-types.js';
import type { KeyedCreates } from './network-keyed-create.js';
import type { MappingContext } from './network-mapping.js';
import type { NeutronCalls } from './network-neutron.js';

/** The companion's shared parts. */
export interface NetworkCompanionContext extends MappingContext {
  /** Neutron. */
  readonly calls: NeutronCalls;
  /** Keyed creates (one at a time per key). */
  readonly keyed: KeyedCreates;
  /** Where `network.changed` goes. */
  readonly events: EventBus;
  /** The token's project (lists are scoped to it). */
  readonly projectId: (signal?: AbortSignal) => Promise<string | undefined>;
  /** External network (name or id) router gateways go on; the only external network when absent. */
  readonly externalNetwork: string | undefined;
  /** Clock, epoch ms (creation times of resources Neutron gives none). */
  readonly now: () => number;
}

const NAME = /^[a-z]([-a-z0-9]{0,61}[a-z0-9])?$/;

/** Refuses a name outside the companion's rule (lower-case letters, digits and dashes, starting with a letter, at most 63). */
export function checkName(name: unknown): asserts name is string {
  if (typeof name !== 'string' || !NAME.test(name)) throw new InvalidSpecError({ issues: [{ field: 'name', message: 'must be lower-case letters, digits and dashes, starting with a letter (at most 63)' }] });
}

/** Refuses a region other than the provider's (one OpenStack provider is one region). */
export function checkRegion(ctx: NetworkCompanionContext, region: string | undefined): void {
  if (region !== undefined && region !== ctx.region) throw new InvalidSpecError({ provider: ctx.provider, issues: [{ field: 'region', message: `this provider serves region ${ctx.region} only (got ${region})` }] });
}

/** An `InvalidSpecError` naming one field. */
export function invalid(field: string, message: string): InvalidSpecError {
  return new InvalidSpecError({ issues: [{ field, message }] });
}

/** The `NotFoundError` of a resource. */
export function notFound(ctx: NetworkCompanionContext, type: NetworkResourceType, id: string, field?: string): NotFoundError {
  return new NotFoundError({ provider: ctx.provider, message: `${field ? `${field}: ` : ''}${type} ${id} not found`, resourceType: type, resourceId: id });
}

/** Publishes `network.changed`. */
export function changed(ctx: NetworkCompanionContext, action: 'created' | 'deleted', resourceType: NetworkResourceType, resourceId: string, state: string): void {
  ctx.events.publish('network.changed', { provider: ctx.provider, action, resourceType, resourceId, state });
}

/** The project filter of a list (`{ project_id }`, empty when the token's project is unknown). */
export async function projectFilter(ctx: NetworkCompanionContext, signal?: AbortSignal): Promise<Record<string, string>> {
  const project = await ctx.projectId(signal);
  return project === undefined ? {} : { project_id: project };
}
