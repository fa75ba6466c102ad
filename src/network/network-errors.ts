/**
 * Errors of the network layer, on the provider taxonomy (`NovacronError`), recognized across
 * package copies by their markers.
 */
import { NovacronError, type NovacronErrorOptions } from '../provider/errors.js';

/**
 * No free range of the asked size is left in the pools once reserved, in-use and already
 * allocated ranges are taken out. The planner refuses rather than overlap.
 */
export class AddressSpaceExhaustedError extends NovacronError {
  /** Key of the network (or `network/subnet`) that found no room. */
  readonly allocationKey: string;
  /** Prefix length asked for. */
  readonly prefix: number;
  /** The pools searched, in canonical CIDR text. */
  readonly pools: readonly string[];
  /** Creates the error. */
  constructor(options: NovacronErrorOptions & { allocationKey: string; prefix: number; pools: readonly string[] }) {
    super('ADDRESS_SPACE_EXHAUSTED', false, options);
    this.name = 'AddressSpaceExhaustedError';
    this.allocationKey = options.allocationKey;
    this.prefix = options.prefix;
    this.pools = options.pools;
  }
  /** Marker-based type guard. */
  static override isInstance(value: unknown): value is AddressSpaceExhaustedError {
    return NovacronError.hasMarker(value, 'ADDRESS_SPACE_EXHAUSTED');
  }
}
