/**
 * ARM's bearer-token check, made before anything else (before the fault plan, as ARM's front
 * door authenticates before throttling or routing). Refusals are 401 with ARM's codes and a
 * `WWW-Authenticate: Bearer authorization_uri=..., error="invalid_token", error_description=...`
 * challenge (learn.microsoft.com "Troubleshoot common Azure deployment errors" and the ARM
 * authentication errors `AuthenticationFailed`, `InvalidAuthenticationToken`,
 * `ExpiredAuthenticationToken`, `InvalidAuthenticationTokenAudience`, read 2026-12):
 * - no `Authorization` header, or not `Bearer <token>`: `AuthenticationFailed`;
 * - a token this emulator did not issue: `InvalidAuthenticationToken`;
 * - a token past its expiry (or every token while `faults.expireCredentials()` is in force):
 *   `ExpiredAuthenticationToken`;
 * - a token for another audience or tenant: `InvalidAuthenticationTokenAudience` /
 *   `InvalidAuthenticationTokenTenant`.
 */
import { ArmError } from './arm-error.js';
import { ARM_AUDIENCE, type TokenIssuer } from './token-issuer.js';

/** The `WWW-Authenticate` challenge ARM sends with a 401. */
export function bearerChallenge(tenantId: string, description: string): Record<string, string> {
  return { 'www-authenticate': `Bearer authorization_uri="https://login.windows.net/${tenantId}", error="invalid_token", error_description="${description}"` };
}

function isoSeconds(epochSeconds: number): string {
  return new Date(epochSeconds * 1000).toISOString().replace('.000Z', 'Z').replace('T', ' ').replace('Z', '');
}

/** The 401 for an expired token (or expired credentials), as ARM words it. */
export function expiredTokenError(tenantId: string, expiredAt: number, now: number): ArmError {
  return new ArmError(401, 'ExpiredAuthenticationToken', `The access token expiry UTC time '${isoSeconds(expiredAt)}' is earlier than current UTC time '${isoSeconds(Math.floor(now / 1000))}'.`, {
    headers: bearerChallenge(tenantId, 'The access token has expired.'),
  });
}

/** Checks the `Authorization` header of an ARM request; the refusal, or `undefined` when authentic. */
export function checkBearer(authorization: string | undefined, issuer: TokenIssuer, now: number): ArmError | undefined {
  const tenant = issuer.tenantId;
  if (authorization === undefined || authorization.trim() === '') {
    return new ArmError(401, 'AuthenticationFailed', "Authentication failed. The 'Authorization' header is missing.", {
      headers: bearerChallenge(tenant, "The authentication failed because of missing 'Authorization' header."),
    });
  }
  const m = /^Bearer\s+(\S+)$/i.exec(authorization.trim());
  if (!m) {
    return new ArmError(401, 'AuthenticationFailed', "Authentication failed. The 'Authorization' header is provided in an invalid format.", {
      headers: bearerChallenge(tenant, "The authentication failed because of invalid 'Authorization' header format."),
    });
  }
  const check = issuer.verify(m[1]!);
  if (!check.valid && check.reason === 'unknown') {
    return new ArmError(401, 'InvalidAuthenticationToken', 'The access token is invalid.', { headers: bearerChallenge(tenant, 'The access token is invalid.') });
  }
  if (!check.valid) return expiredTokenError(tenant, check.claims.exp, now);
  if (check.claims.aud !== ARM_AUDIENCE) {
    return new ArmError(401, 'InvalidAuthenticationTokenAudience', 'The access token has been obtained for wrong audience or resource. It should exactly match with one of the allowed audiences.', {
      headers: bearerChallenge(tenant, 'The access token has been obtained for wrong audience or resource.'),
    });
  }
  if (check.claims.tid !== tenant) {
    return new ArmError(401, 'InvalidAuthenticationTokenTenant', `The access token is from the wrong issuer '${check.claims.iss}'. It must match the tenant associated with this subscription.`, {
      headers: bearerChallenge(tenant, 'The access token is from the wrong issuer.'),
    });
  }
  return undefined;
}
