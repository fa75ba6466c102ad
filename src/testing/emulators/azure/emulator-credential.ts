/**
 * A credential for the ARM emulator: it gets tokens from the emulator's token endpoint with the
 * client credentials grant, over https trusting the emulator's certificate, and keeps one until
 * five minutes before it expires. It is structurally a `TokenCredential` of `@azure/core-auth`,
 * so the Azure SDK clients and the adapter take it as they take any `@azure/identity` credential,
 * and the real bearer-token policy stays in the path.
 */
import { request as httpsRequest } from 'node:https';

/** An access token (structurally `AccessToken` of `@azure/core-auth`). */
export interface ArmAccessToken {
  /** The bearer token. */
  readonly token: string;
  /** Expiry, epoch ms. */
  readonly expiresOnTimestamp: number;
  /** When to get a new one, epoch ms. */
  readonly refreshAfterTimestamp?: number | undefined;
  /** Always `Bearer`. */
  readonly tokenType?: 'Bearer' | undefined;
}

/** A credential (structurally `TokenCredential` of `@azure/core-auth`). */
export interface ArmTokenCredential {
  /** Gets a token for `scopes`; `options` may carry an `abortSignal`. */
  getToken(scopes: string | string[], options?: object): Promise<ArmAccessToken | null>;
}

/** Where and as whom {@link ArmEmulatorCredential} asks for tokens. */
export interface ArmEmulatorCredentialOptions {
  /** The emulator's base URL (its token endpoint is `/{tenant}/oauth2/v2.0/token`). */
  readonly authorityHost: string;
  /** Tenant. */
  readonly tenantId: string;
  /** Application (client) id. */
  readonly clientId: string;
  /** Client secret. */
  readonly clientSecret: string;
  /** The CA (PEM) to trust for the emulator's https. */
  readonly caCertificate: string;
}

const REFRESH_MARGIN_MS = 5 * 60_000;

function signalOf(options: object | undefined): AbortSignal | undefined {
  const signal: unknown = options && 'abortSignal' in options ? options.abortSignal : undefined;
  return signal instanceof AbortSignal ? signal : undefined;
}

/** Gets tokens from the emulator's token endpoint. */
export class ArmEmulatorCredential implements ArmTokenCredential {
  private cached: ArmAccessToken | undefined;
  /** Tokens fetched from the endpoint so far (a cached token is not counted again). */
  fetched = 0;

  /** A credential for one emulator. */
  constructor(private readonly options: ArmEmulatorCredentialOptions) {}

  /** Gets a token for `scopes` (the emulator issues ARM tokens only). */
  async getToken(scopes: string | string[], options?: object): Promise<ArmAccessToken | null> {
    if (this.cached && Date.now() < this.cached.expiresOnTimestamp - REFRESH_MARGIN_MS) return this.cached;
    const scope = Array.isArray(scopes) ? scopes.join(' ') : scopes;
    const body = new URLSearchParams({ grant_type: 'client_credentials', client_id: this.options.clientId, client_secret: this.options.clientSecret, scope }).toString();
    const answer = await this.post(`${this.options.authorityHost}/${this.options.tenantId}/oauth2/v2.0/token`, body, signalOf(options));
    if (answer.status !== 200) {
      throw new Error(`[novacron] [arm-emulator] token request refused: ${answer.status} ${answer.text}`);
    }
    const parsed = JSON.parse(answer.text) as { access_token: string; expires_in: number };
    this.fetched++;
    const expiresOnTimestamp = Date.now() + parsed.expires_in * 1000;
    this.cached = { token: parsed.access_token, expiresOnTimestamp, refreshAfterTimestamp: expiresOnTimestamp - REFRESH_MARGIN_MS, tokenType: 'Bearer' };
    return this.cached;
  }

  /** Forgets the cached token (the next `getToken` asks the endpoint again). */
  reset(): void {
    this.cached = undefined;
  }

  private post(url: string, body: string, signal: AbortSignal | undefined): Promise<{ status: number; text: string }> {
    return new Promise((resolve, reject) => {
      const req = httpsRequest(url, { method: 'POST', ca: this.options.caCertificate, signal, headers: { 'content-type': 'application/x-www-form-urlencoded', 'content-length': Buffer.byteLength(body) } }, (res) => {
        const chunks: Buffer[] = [];
        res.on('data', (c: Buffer) => chunks.push(c));
        res.on('error', reject);
        res.on('end', () => resolve({ status: res.statusCode ?? 0, text: Buffer.concat(chunks).toString('utf8') }));
      });
      req.on('error', reject);
      req.end(body);
    });
  }
}
