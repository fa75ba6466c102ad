/**
 * What an OpenStack handler works with: the request, the token that authenticated it, the
 * project's state, the identity store and faults, the emulator's settings, and the base URLs of
 * the services as the client reached them (public, internal or admin interface), from which the
 * answers' links are made.
 */
import type { EmulatorRequest } from '../kit/emulator-request.js';
import type { IssuedToken, KeystoneIdentity } from './keystone-identity.js';
import type { Microversion } from './microversion.js';
import { OpenStackApiError } from './openstack-errors.js';
import type { OpenStackFaultPlan, OpenStackQuotaName } from './openstack-fault-plan.js';
import type { OpenStackService } from './openstack-operations.js';
import type { OpenStackState } from './openstack-state.js';

/** The emulator's state and settings, shared by every handler. */
export interface OpenStackWorld {
  /** The project's state. */
  readonly state: OpenStackState;
  /** Users, projects, credentials and tokens. */
  readonly identity: KeystoneIdentity;
  /** Faults. */
  readonly faults: OpenStackFaultPlan;
  /** The region served. */
  readonly region: string;
  /** The second region of the catalog (its endpoints answer 404). */
  readonly otherRegion: string;
  /** Largest page of any list. */
  readonly maxPageSize: number;
  /** The server's origin (`https://127.0.0.1:port`), known once it listens. */
  readonly origin: () => string;
}

/** Where each service is mounted, under an interface prefix. */
export const SERVICE_PATHS: Readonly<Record<OpenStackService, string>> = {
  identity: '/identity',
  compute: '/compute/v2.1',
  image: '/image',
  network: '/network',
};

/** Path prefixes of the interfaces (`public` at the root). */
export const INTERFACE_PREFIXES = { public: '', internal: '/internal', admin: '/admin' } as const;

/** An interface of the catalog. */
export type CatalogInterface = keyof typeof INTERFACE_PREFIXES;

/** The JSON objects handlers read. */
export type JsonObject = Record<string, unknown>;

/** One call to a handler. */
export class OpenStackCall {
  /** The compute microversion of the call (compute routes only). */
  microversion: Microversion = { major: 2, minor: 1 };

  /** Wraps a request matched to an operation. */
  constructor(
    /** The request. */
    readonly request: EmulatorRequest,
    /** The operation name. */
    readonly operation: string,
    /** The emulator. */
    readonly world: OpenStackWorld,
    /** The token that authenticated the call; `undefined` on the token endpoint. */
    readonly token: IssuedToken | undefined,
    /** The interface prefix the call came in on (`''`, `/internal`, `/admin`). */
    readonly prefix: string,
  ) {}

  /** The state. */
  get state(): OpenStackState {
    return this.world.state;
  }

  /** A path parameter. */
  param(name: string): string {
    return this.request.params[name] ?? '';
  }

  /** The base URL of `service` on the interface of this call (`https://host:port/compute/v2.1`). */
  serviceUrl(service: OpenStackService): string {
    return `${this.world.origin()}${this.prefix}${SERVICE_PATHS[service]}`;
  }

  /** The user making the call. */
  get userId(): string {
    return this.token?.user.id ?? this.state.user.id;
  }

  /** The body as a JSON object; `malformed` builds the service's 400 for one that is not. */
  body(malformed: (why: string) => OpenStackApiError = (why) => new OpenStackApiError(400, why)): JsonObject {
    let parsed: unknown;
    try {
      parsed = this.request.json<unknown>({});
    } catch {
      throw malformed('Malformed request body');
    }
    if (typeof parsed !== 'object' || parsed === null || Array.isArray(parsed)) throw malformed('Malformed request body');
    return parsed as JsonObject;
  }

  /** The quota limit in force: the fault plan's, else the project's. */
  quota(name: OpenStackQuotaName): number | undefined {
    const planned = this.world.faults.limit(name);
    if (planned !== undefined) return planned;
    return (this.state.quotas as Readonly<Record<string, number | undefined>>)[name];
  }
}

/** ISO 8601 in seconds, as Nova and Glance print times (`2019-04-23T15:19:09Z`). */
export function isoSeconds(ms: number): string {
  return new Date(ms).toISOString().replace(/\.\d{3}Z$/, 'Z');
}

/** Keystone's times, with microseconds (`2015-11-07T02:58:43.578000Z`). */
export function isoMicros(ms: number): string {
  return new Date(ms).toISOString().replace(/\.(\d{3})Z$/, '.$1000Z');
}
