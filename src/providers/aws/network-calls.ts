/**
 * The network companion's EC2 calls: the adapter's `AwsApi` (lazy SDK, per-region clients,
 * bounded attempts, error mapping) with the network meaning of EC2's codes on top
 * (`network-error-mapping.ts`), single-attempt sends for creates EC2 cannot deduplicate
 * (`network-single-attempt.ts`), and the region each resource was last seen in: EC2 ids do not
 * name their region, so a read tries the remembered one first, then every configured region.
 */
import type { EC2Client } from '@aws-sdk/client-ec2';
import { NotFoundError } from '../../provider/errors.js';
import type { AwsApi, Ec2Module } from './aws-api.js';
import { refineNetworkError } from './network-error-mapping.js';
import { attemptError, withoutBlindRetries } from './network-single-attempt.js';

/** What one call is about, for errors. */
export interface NetworkCallContext {
  /** Companion operation (`createVpnConnection`, `get`). */
  readonly operation: string;
  /** Kind of resource. */
  readonly resourceType?: string | undefined;
  /** Its id. */
  readonly resourceId?: string | undefined;
  /** The call changes state (a timeout after sending may mean it happened). */
  readonly mutating?: boolean | undefined;
}

/** Most remembered id → region pairs. */
const REMEMBERED = 10_000;

/** EC2 calls of the network companion. */
export class NetworkCalls {
  private readonly regionOf = new Map<string, string>();

  /** Calls through `api` for provider `provider`, in `regions` (the default one first). */
  constructor(
    private readonly api: AwsApi,
    readonly provider: string,
    readonly regions: readonly string[],
  ) {}

  /** Runs one call in `region`; failures are novacron errors with the network meaning of EC2's codes. */
  async send<T>(region: string, ctx: NetworkCallContext, signal: AbortSignal | undefined, fn: (client: EC2Client, sdk: Ec2Module) => Promise<T>): Promise<T> {
    try {
      return await this.api.run(region, ctx, signal, fn);
    } catch (error) {
      throw refineNetworkError(error, { provider: this.provider, region, resourceType: ctx.resourceType, resourceId: ctx.resourceId });
    }
  }

  /**
   * Sends a create the SDK must not repeat after an attempt that may have acted (see
   * `network-single-attempt.ts`); `build` makes the command from the SDK module.
   */
  async create<T>(region: string, ctx: NetworkCallContext, signal: AbortSignal | undefined, build: (sdk: Ec2Module) => { readonly middlewareStack: unknown }): Promise<T> {
    return this.send(region, { ...ctx, mutating: true }, signal, async (client, sdk) => {
      const command = withoutBlindRetries(build(sdk));
      try {
        return (await client.send(command as never, { abortSignal: signal })) as T;
      } catch (error) {
        throw attemptError(error);
      }
    });
  }

  /** Notes where a resource lives. */
  remember(id: string, region: string): void {
    this.regionOf.delete(id);
    this.regionOf.set(id, region);
    if (this.regionOf.size > REMEMBERED) this.regionOf.delete(this.regionOf.keys().next().value!);
  }

  /** Forgets a deleted resource. */
  forget(id: string): void {
    this.regionOf.delete(id);
  }

  /** The regions to look for `id` in: where it was seen, then the others. */
  regionsFor(id: string): string[] {
    const known = this.regionOf.get(id);
    return known === undefined ? [...this.regions] : [known, ...this.regions.filter((r) => r !== known)];
  }

  /**
   * The first region whose `read` finds the resource (`undefined` from `read`, or a
   * `NotFoundError`, mean "not here"); `NotFoundError` when no configured region has it.
   */
  async locate<T>(type: string, id: string, read: (region: string) => Promise<T | undefined>): Promise<{ value: T; region: string }> {
    for (const region of this.regionsFor(id)) {
      let value: T | undefined;
      try {
        value = await read(region);
      } catch (error) {
        if (NotFoundError.isInstance(error)) continue;
        throw error;
      }
      if (value !== undefined) {
        this.remember(id, region);
        return { value, region };
      }
    }
    this.forget(id);
    throw new NotFoundError({ provider: this.provider, message: `${type} ${id} not found in ${this.regions.join(', ')}`, resourceType: type, resourceId: id });
  }
}
