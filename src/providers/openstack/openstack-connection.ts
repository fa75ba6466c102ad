/**
 * One authenticated way into an OpenStack cloud: the transport (the platform's `fetch`, or
 * undici's with a private CA), the Keystone session (token, catalog, renewal) and the API layer
 * (endpoints, retries, error mapping) built on them. The provider makes one; the Glance artifact
 * store makes one, or uses the provider's (`provider.connection`), so that both share a token
 * and its renewal instead of authenticating twice.
 *
 * Secrets: the credentials are read when the first token is asked for and stay in the session's
 * private fields; nothing here puts them in an error, an event or a log.
 */
import type { EventBus } from '../../provider/events.js';
import { resolveAuth } from './credentials.js';
import { KeystoneSession, type OpenStackAuth, type OpenStackInterface } from './keystone-session.js';
import { OpenStackApi } from './openstack-api.js';
import { transportFor, type OpenStackFetch } from './transport.js';

/** Where a connection goes and how it authenticates. */
export interface OpenStackConnectionOptions {
  /** Name for errors and events (the provider's or the store's name). */
  readonly name: string;
  /** Keystone v3 base URL, e.g. `https://openstack.internal:5000/v3`. */
  readonly authUrl: string;
  /** Region of the endpoints. */
  readonly region: string;
  /** Credentials; the `OS_*` environment variables of an openrc file when absent (read at the first call). */
  readonly auth?: OpenStackAuth | undefined;
  /** Project to scope a password token to when `auth` names none: a Keystone project id (32 hex digits) or a project name in the user's domain. */
  readonly projectId?: string | undefined;
  /** Catalog interface of the endpoints (default `public`). */
  readonly interface?: OpenStackInterface | undefined;
  /** CA certificate(s), PEM, that sign the cloud's TLS certificates (a private CA); needs the optional `undici` package. */
  readonly ca?: string | Buffer | undefined;
  /** A `fetch` of your own (a proxy, a test double), instead of the platform's. */
  readonly fetch?: OpenStackFetch | undefined;
  /** Longest time one call may take, ms (default 30,000). */
  readonly requestTimeoutMs?: number | undefined;
  /** Attempts per call for throttling and transient failures (default 6). */
  readonly maxAttempts?: number | undefined;
  /** Retry backoff base, ms (default 200). */
  readonly retryDelayMs?: number | undefined;
  /** Renew a token this long before it expires, ms (default 5 minutes). */
  readonly tokenRenewMarginMs?: number | undefined;
  /** Where `operation.retried` events go. */
  readonly events?: EventBus | undefined;
}

/** An authenticated connection to one OpenStack region. Build it with {@link createOpenStackConnection}. */
export class OpenStackConnection {
  /** Name for errors and events. */
  readonly name: string;
  /** Region of the endpoints. */
  readonly region: string;
  /** @internal The Keystone session. */
  readonly session: KeystoneSession;
  /** @internal The API layer. */
  readonly api: OpenStackApi;

  /** Builds the parts; nothing is sent until the first call. */
  constructor(options: OpenStackConnectionOptions) {
    this.name = options.name;
    this.region = options.region;
    const requestTimeoutMs = options.requestTimeoutMs ?? 30_000;
    let transport: Promise<OpenStackFetch> | undefined;
    const lazyTransport = (): Promise<OpenStackFetch> =>
      (transport ??= transportFor({ providerName: options.name, ca: options.ca, fetch: options.fetch }).catch((error: unknown) => {
        transport = undefined;
        throw error;
      }));
    this.session = new KeystoneSession({
      providerName: options.name,
      authUrl: options.authUrl,
      auth: () => resolveAuth({ providerName: options.name, auth: options.auth, project: options.projectId }),
      interface: options.interface ?? 'public',
      region: options.region,
      transport: lazyTransport,
      timeoutMs: requestTimeoutMs,
      renewMarginMs: options.tokenRenewMarginMs,
      onAttempt: () => this.api.calls++,
    });
    this.api = new OpenStackApi({
      providerName: options.name,
      session: this.session,
      transport: lazyTransport,
      requestTimeoutMs,
      maxAttempts: options.maxAttempts ?? 6,
      retryDelayMs: options.retryDelayMs ?? 200,
      events: options.events,
    });
  }

  /** What `JSON.stringify` shows: the name and region, never a credential or token. */
  toJSON(): {
    /** Name for errors and events. */
    readonly name: string;
    /** Region of the endpoints. */
    readonly region: string;
  } {
    return { name: this.name, region: this.region };
  }
}

/** Creates a connection to one OpenStack region (see {@link OpenStackConnection}). */
export function createOpenStackConnection(options: OpenStackConnectionOptions): OpenStackConnection {
  return new OpenStackConnection(options);
}
