/**
 * Keystone v3 authentication and the service catalog (Identity API v3 reference, "Password
 * authentication with scoped authorization" and "Authenticating with an Application Credential",
 * docs.openstack.org/api-ref/identity/v3, read 2026-12).
 *
 * `POST {authUrl}/auth/tokens` with
 * - a password: `identity: { methods: ["password"], password: { user: { name, domain: { name | id },
 *   password } | { id, password } } }` and `scope: { project: { id } | { name, domain: { name | id } } }`;
 * - an application credential: `identity: { methods: ["application_credential"],
 *   application_credential: { id, secret } }` and no scope (the credential carries its project).
 *
 * Keystone answers 201 with the token in the `X-Subject-Token` header and, in the body,
 * `token.expires_at` and `token.catalog[]`: `{ type, name, endpoints: [{ interface, region,
 * region_id, url }] }`. Endpoints are chosen by service type (`compute`, `image`, `network`),
 * interface (`public` by default) and region (`region_id`, or the older `region`).
 *
 * The token is renewed before it expires (a margin, default 5 minutes, so no call starts with a
 * token about to lapse) and once more when any service answers 401 (a revoked token): the API
 * layer calls {@link KeystoneSession.invalidate} with the token that failed and asks again; a
 * second 401 is the caller's `AuthError`. Concurrent callers share one authentication.
 *
 * Secrets: the password, the application credential secret and the token live in this object's
 * private fields only; they are sent in the request body or header and appear in no error,
 * event or log (Keystone's 401 message names no credential).
 */
import { withSignal } from '../../provider/abort.js';
import { AuthError, InvalidSpecError, isAbortError, ProviderUnavailableError, ThrottledError } from '../../provider/errors.js';
import { parseFaultBody, retryAfterMs } from './error-mapping.js';
import { failedBeforeSending, isTlsFailure, networkCode, type OpenStackFetch } from './transport.js';

/** Password authentication, scoped to a project. */
export interface OpenStackPasswordAuth {
  /** Password authentication. */
  readonly type: 'password';
  /** User name (with `userDomainName` or `userDomainId`). */
  readonly username?: string | undefined;
  /** User id, instead of a name and domain. */
  readonly userId?: string | undefined;
  /** The password. A secret: it goes into the token request and nowhere else. */
  readonly password: string;
  /** Domain of the user by name (default `Default`). */
  readonly userDomainName?: string | undefined;
  /** Domain of the user by id. */
  readonly userDomainId?: string | undefined;
  /** Project to scope the token to, by name (with its domain). */
  readonly projectName?: string | undefined;
  /** Project to scope the token to, by id. */
  readonly projectId?: string | undefined;
  /** Domain of the project by name (default: the user's domain). */
  readonly projectDomainName?: string | undefined;
  /** Domain of the project by id. */
  readonly projectDomainId?: string | undefined;
}

/** Application-credential authentication (the credential is scoped to its project already). */
export interface OpenStackApplicationCredentialAuth {
  /** Application-credential authentication. */
  readonly type: 'application_credential';
  /** The credential's id. */
  readonly id: string;
  /** The credential's secret. A secret: it goes into the token request and nowhere else. */
  readonly secret: string;
}

/** How the adapter authenticates to Keystone. */
export type OpenStackAuth = OpenStackPasswordAuth | OpenStackApplicationCredentialAuth;

/** Which endpoints of the catalog to use. */
export type OpenStackInterface = 'public' | 'internal' | 'admin';

/** A catalog entry as Keystone returns it. */
interface CatalogService {
  readonly type?: string;
  readonly name?: string;
  readonly endpoints?: readonly { readonly interface?: string; readonly region?: string; readonly region_id?: string; readonly url?: string }[];
}

/** An issued token and what came with it. */
interface IssuedToken {
  readonly value: string;
  readonly expiresAt: number;
  readonly catalog: readonly CatalogService[];
  readonly projectId: string | undefined;
}

/** What a session needs. */
export interface KeystoneSessionOptions {
  /** Provider name, for errors. */
  readonly providerName: string;
  /** Keystone v3 base URL (`https://host:5000/v3`). */
  readonly authUrl: string;
  /** Credentials (read at the first token request, so that environment variables may supply them). */
  readonly auth: () => OpenStackAuth;
  /** Endpoint interface. */
  readonly interface: OpenStackInterface;
  /** Region of the endpoints. */
  readonly region: string;
  /** The transport. */
  readonly transport: () => Promise<OpenStackFetch>;
  /** Longest time the token request may take, ms. */
  readonly timeoutMs: number;
  /** Renew this long before the token expires, ms (default 5 minutes, at most half its lifetime). */
  readonly renewMarginMs?: number | undefined;
  /** Clock, epoch ms. */
  readonly now?: (() => number) | undefined;
  /** Counts one HTTP attempt. */
  readonly onAttempt?: (() => void) | undefined;
}

/** The Keystone token of one provider, renewed as needed. */
export class KeystoneSession {
  private current: IssuedToken | undefined;
  private pending: Promise<IssuedToken> | undefined;
  private readonly now: () => number;

  /** Keeps the options; nothing is sent yet. */
  constructor(private readonly options: KeystoneSessionOptions) {
    this.now = options.now ?? Date.now;
  }

  /** A token valid for at least the renewal margin (issued now if needed). */
  async token(signal?: AbortSignal): Promise<IssuedToken> {
    const t = this.current;
    if (t && this.now() < t.expiresAt - this.marginOf(t)) return t;
    this.pending ??= this.issue().finally(() => {
      this.pending = undefined;
    });
    return withSignal(this.pending, signal);
  }

  /** Forgets `token` (a service answered 401 with it): the next {@link token} authenticates anew. */
  invalidate(token: string): void {
    if (this.current?.value === token) this.current = undefined;
  }

  /** The project the token is scoped to, when Keystone said. */
  async projectId(signal?: AbortSignal): Promise<string | undefined> {
    return (await this.token(signal)).projectId;
  }

  /** The URL of a service's endpoint (`compute`, `image`, `network`) for the interface and region; `ProviderUnavailableError` naming what the catalog has when none fits. */
  async endpoint(type: string, signal?: AbortSignal): Promise<string> {
    const { catalog } = await this.token(signal);
    const { region } = this.options;
    const iface = this.options.interface;
    const services = catalog.filter((s) => s.type === type);
    const found = services.flatMap((s) => s.endpoints ?? []).find((e) => e.interface === iface && (e.region_id === region || e.region === region) && typeof e.url === 'string');
    if (found?.url) return found.url.replace(/\/+$/, '');
    const offered = services.flatMap((s) => (s.endpoints ?? []).map((e) => `${e.interface ?? '?'}@${e.region_id ?? e.region ?? '?'}`));
    throw new ProviderUnavailableError({
      provider: this.options.providerName,
      retryable: false,
      requestSent: false,
      message: `the service catalog has no ${iface} ${type} endpoint in region ${region}${offered.length > 0 ? `; it has ${offered.join(', ')}` : services.length === 0 ? `; it lists no ${type} service` : ''}`,
    });
  }

  /** The endpoint {@link KeystoneSession.endpoint} would answer, from the catalog already at hand; `undefined` before the first token. */
  knownEndpoint(type: string): string | undefined {
    const catalog = this.current?.catalog;
    if (!catalog) return undefined;
    const { region } = this.options;
    const iface = this.options.interface;
    const found = catalog
      .filter((s) => s.type === type)
      .flatMap((s) => s.endpoints ?? [])
      .find((e) => e.interface === iface && (e.region_id === region || e.region === region) && typeof e.url === 'string');
    return found?.url?.replace(/\/+$/, '');
  }

  private marginOf(t: IssuedToken): number {
    const lifetime = Math.max(0, t.expiresAt - this.now());
    return Math.min(this.options.renewMarginMs ?? 300_000, lifetime / 2);
  }

  private async issue(): Promise<IssuedToken> {
    const o = this.options;
    const url = `${o.authUrl.replace(/\/+$/, '')}/auth/tokens`;
    const auth = o.auth();
    const body = JSON.stringify({ auth: authBody(auth, o.providerName) });
    const transport = await o.transport();
    let response: Response;
    o.onAttempt?.();
    try {
      response = await transport(url, { method: 'POST', headers: { 'content-type': 'application/json', accept: 'application/json' }, body, signal: AbortSignal.timeout(o.timeoutMs) });
    } catch (error) {
      throw this.unreachable(error);
    }
    if (response.status !== 201 && response.status !== 200) {
      const text = await response.text().catch(() => '');
      const { message } = parseFaultBody(text);
      const said = `Keystone answered ${response.status} to the token request${message ? `: ${message}` : ''}`;
      const cause = { name: 'KeystoneError', message, statusCode: response.status, code: `HTTP ${response.status}` };
      if (response.status === 401 || response.status === 403) throw new AuthError({ provider: o.providerName, message: `${said} (check the ${auth.type === 'password' ? 'user, password and project' : 'application credential id and secret'})`, cause });
      if (response.status === 429) throw new ThrottledError({ provider: o.providerName, message: said, retryAfterMs: retryAfterMs(response.headers.get('retry-after')), cause });
      if (response.status >= 500) throw new ProviderUnavailableError({ provider: o.providerName, message: said, cause });
      throw new AuthError({ provider: o.providerName, message: said, cause });
    }
    const value = response.headers.get('x-subject-token');
    const parsed = (await response.json().catch(() => ({}))) as { token?: { expires_at?: string; catalog?: CatalogService[]; project?: { id?: string } } };
    if (!value) throw new ProviderUnavailableError({ provider: o.providerName, retryable: false, message: 'Keystone issued no X-Subject-Token header' });
    const expires = Date.parse(parsed.token?.expires_at ?? '');
    const issued: IssuedToken = {
      value,
      expiresAt: Number.isFinite(expires) ? expires : this.now() + 3_600_000,
      catalog: parsed.token?.catalog ?? [],
      projectId: parsed.token?.project?.id,
    };
    this.current = issued;
    return issued;
  }

  private unreachable(error: unknown): Error {
    const o = this.options;
    if (isAbortError(error)) return new ProviderUnavailableError({ provider: o.providerName, message: `Keystone (${o.authUrl}) did not answer the token request in time`, cause: error });
    if (isTlsFailure(error)) {
      return new ProviderUnavailableError({
        provider: o.providerName,
        retryable: false,
        requestSent: false,
        message: `TLS to Keystone (${o.authUrl}) failed: its certificate is not trusted (${networkCode(error)}); set the ca option to the PEM of the CA that signed it`,
        cause: error,
      });
    }
    return new ProviderUnavailableError({ provider: o.providerName, requestSent: failedBeforeSending(error) ? false : undefined, message: `Keystone (${o.authUrl}) could not be reached (${networkCode(error) ?? (error as Error).message})`, cause: error });
  }
}

/** The `auth` object of a token request (see the file comment). */
export function authBody(auth: OpenStackAuth, providerName: string): Record<string, unknown> {
  if (auth.type === 'application_credential') {
    return { identity: { methods: ['application_credential'], application_credential: { id: auth.id, secret: auth.secret } } };
  }
  const userDomain = auth.userDomainId !== undefined ? { id: auth.userDomainId } : { name: auth.userDomainName ?? 'Default' };
  const user = auth.userId !== undefined ? { id: auth.userId, password: auth.password } : { name: auth.username, domain: userDomain, password: auth.password };
  if (auth.userId === undefined && auth.username === undefined) {
    throw new InvalidSpecError({ provider: providerName, issues: [{ field: 'auth.username', message: 'password authentication needs username (or userId)' }] });
  }
  const projectDomain = auth.projectDomainId !== undefined ? { id: auth.projectDomainId } : auth.projectDomainName !== undefined ? { name: auth.projectDomainName } : userDomain;
  const scope =
    auth.projectId !== undefined ? { project: { id: auth.projectId } } : auth.projectName !== undefined ? { project: { name: auth.projectName, domain: projectDomain } } : undefined;
  return { identity: { methods: ['password'], password: { user } }, ...(scope ? { scope } : {}) };
}
