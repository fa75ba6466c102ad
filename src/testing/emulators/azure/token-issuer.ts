/**
 * The access tokens the emulator issues and accepts. They are shaped like Microsoft Entra ID
 * access tokens for ARM (a JWT with `aud` = `https://management.azure.com/`, `iss`
 * `https://sts.windows.net/{tenant}/`, `tid`, `appid`, `iat`/`nbf`/`exp`; learn.microsoft.com
 * "Access token claims reference", read 2026-12) and signed with a key made at start (HS256),
 * so a token from another emulator or a made-up string is unknown here, as on ARM.
 */
import { createHmac, randomBytes, randomUUID, timingSafeEqual } from 'node:crypto';

/** The claims of an issued token. */
export interface TokenClaims {
  /** Audience. */
  readonly aud: string;
  /** Issuer. */
  readonly iss: string;
  /** Tenant. */
  readonly tid: string;
  /** Client (application) id. */
  readonly appid: string;
  /** Object id of the principal. */
  readonly oid: string;
  /** Issued at, epoch seconds. */
  readonly iat: number;
  /** Not before, epoch seconds. */
  readonly nbf: number;
  /** Expiry, epoch seconds. */
  readonly exp: number;
}

/** What verifying a token found. */
export type TokenCheck = { readonly valid: true; readonly claims: TokenClaims } | { readonly valid: false; readonly reason: 'unknown' } | { readonly valid: false; readonly reason: 'expired'; readonly claims: TokenClaims };

/** The audience ARM tokens carry. */
export const ARM_AUDIENCE = 'https://management.azure.com/';

function b64url(data: string | Buffer): string {
  return Buffer.from(data).toString('base64url');
}

/** Issues and verifies the emulator's tokens. */
export class TokenIssuer {
  private readonly key = randomBytes(32);
  private readonly principals = new Map<string, string>();

  /** An issuer for `tenantId`, on `now` (epoch ms). */
  constructor(
    /** The tenant tokens are issued for. */
    readonly tenantId: string,
    private readonly now: () => number,
    /** Token lifetime, seconds. */
    readonly lifetimeSeconds: number,
  ) {}

  /** A new token for a client. */
  issue(clientId: string): { token: string; claims: TokenClaims } {
    let oid = this.principals.get(clientId);
    if (oid === undefined) {
      oid = randomUUID();
      this.principals.set(clientId, oid);
    }
    const iat = Math.floor(this.now() / 1000);
    const claims: TokenClaims = { aud: ARM_AUDIENCE, iss: `https://sts.windows.net/${this.tenantId}/`, tid: this.tenantId, appid: clientId, oid, iat, nbf: iat - 300, exp: iat + this.lifetimeSeconds };
    const unsigned = `${b64url(JSON.stringify({ typ: 'JWT', alg: 'HS256', kid: 'novacron-emulator' }))}.${b64url(JSON.stringify(claims))}`;
    return { token: `${unsigned}.${this.sign(unsigned)}`, claims };
  }

  /** Checks a bearer token. */
  verify(token: string): TokenCheck {
    const parts = token.split('.');
    if (parts.length !== 3) return { valid: false, reason: 'unknown' };
    const unsigned = `${parts[0]}.${parts[1]}`;
    const expected = Buffer.from(this.sign(unsigned));
    const given = Buffer.from(parts[2]!);
    if (expected.length !== given.length || !timingSafeEqual(expected, given)) return { valid: false, reason: 'unknown' };
    let claims: TokenClaims;
    try {
      claims = JSON.parse(Buffer.from(parts[1]!, 'base64url').toString('utf8')) as TokenClaims;
    } catch {
      return { valid: false, reason: 'unknown' };
    }
    if (claims.exp * 1000 <= this.now()) return { valid: false, reason: 'expired', claims };
    return { valid: true, claims };
  }

  private sign(unsigned: string): string {
    return createHmac('sha256', this.key).update(unsigned).digest('base64url');
  }
}
