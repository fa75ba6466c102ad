/**
 * What the parts of the AWS network companion share: the EC2 calls, the regions, the event bus,
 * the lazily loaded CIDR helpers, and the account the networks live in, which EC2 tells in the
 * `ownerId` of a VPC (learned from the first one read, or given as an option) and which
 * cross-account peering needs.
 */
import type * as CidrTypes from '../../provider/cidr.js';
import { ProviderUnavailableError } from '../../provider/errors.js';
import type { EventBus } from '../../provider/events.js';
import type { NetworkCalls } from './network-calls.js';
import type { MappingContext } from './network-mapping.js';

/** The CIDR helpers module. */
export type CidrModule = typeof CidrTypes;

let cidrModule: Promise<CidrModule> | undefined;
/** The CIDR helpers (`ip-address`), loaded on first use. */
export function loadCidr(): Promise<CidrModule> {
  return (cidrModule ??= import('../../provider/cidr.js'));
}

/** The account of the companion: configured, or learned from what EC2 returns. */
export class AccountBook {
  private learned: string | undefined;

  /** Keeps the configured account id, if any. */
  constructor(
    private readonly calls: NetworkCalls,
    private readonly region: string,
    private readonly configured: string | undefined,
  ) {}

  /** The account id, when known. */
  get known(): string | undefined {
    return this.configured ?? this.learned;
  }

  /** Notes the owner of a resource EC2 returned. */
  learn(ownerId: string | undefined): void {
    if (this.learned === undefined && ownerId !== undefined && /^\d{12}$/.test(ownerId)) this.learned = ownerId;
  }

  /** The account id, asking EC2 (the owner of a VPC or security group) when it is not known yet. */
  async ensure(signal: AbortSignal | undefined): Promise<string> {
    if (this.known !== undefined) return this.known;
    const vpcs = await this.calls.send(this.region, { operation: 'account' }, signal, (client, sdk) => client.send(new sdk.DescribeVpcsCommand({ MaxResults: 5 }), { abortSignal: signal }));
    this.learn(vpcs.Vpcs?.find((v) => v.OwnerId)?.OwnerId);
    if (this.known === undefined) {
      const groups = await this.calls.send(this.region, { operation: 'account' }, signal, (client, sdk) => client.send(new sdk.DescribeSecurityGroupsCommand({ MaxResults: 5 }), { abortSignal: signal }));
      this.learn(groups.SecurityGroups?.find((g) => g.OwnerId)?.OwnerId);
    }
    if (this.known === undefined) {
      throw new ProviderUnavailableError({ provider: this.calls.provider, message: 'cannot tell the AWS account id (the region has no VPC or security group to read it from); set `network.accountId`', retryable: false });
    }
    return this.known;
  }
}

/** What the companion's parts share. */
export interface AwsNetworkContext {
  /** Provider name. */
  readonly provider: string;
  /** EC2 calls. */
  readonly calls: NetworkCalls;
  /** The provider's default region. */
  readonly defaultRegion: string;
  /** Every region the provider works in, the default first. */
  readonly regions: readonly string[];
  /** Where `network.changed` events go. */
  readonly events: EventBus;
  /** The account. */
  readonly account: AccountBook;
  /** How long a lookup by idempotency key keeps looking before it reports absence, in ms. */
  readonly consistencyWindowMs: number;
  /** The mapping context of a region. */
  mapping(region: string): Promise<MappingContext>;
}

/** What the companion's keyed-create path hands each create: the tags that make it findable again. */
export interface CreateStamp {
  /** Digest of the create's input. */
  readonly fingerprint: string;
  /** Creation time (ISO 8601). */
  readonly createdAt: string;
  /** The caller's idempotency key, if any. */
  readonly idempotencyKey: string | undefined;
}
