/**
 * A minimal Microsoft Entra ID on the emulator's server, enough for the OAuth 2.0 client
 * credentials grant: `POST /{tenant}/oauth2/v2.0/token` and the OpenID configuration MSAL reads
 * first, `GET /{tenant}/v2.0/.well-known/openid-configuration`. So both the emulator's own
 * credential and `@azure/identity`'s `ClientSecretCredential` (with `authorityHost` = the
 * emulator, `disableInstanceDiscovery: true`) get tokens the emulator accepts.
 *
 * Shapes and errors: learn.microsoft.com "Microsoft identity platform and the OAuth 2.0 client
 * credentials flow" (token request and response: `token_type`, `expires_in`, `ext_expires_in`,
 * `access_token`) and "Microsoft Entra authentication and authorization error codes" (AADSTS
 * codes: 90002 tenant not found, 700016 unknown application, 7000215 invalid secret, 7000222
 * expired secret, 70011 invalid scope, 900144 missing parameter), read 2026-12.
 */
import { randomUUID } from 'node:crypto';
import { jsonResponse, type EmulatorRequest, type EmulatorResponse } from '../kit/emulator-request.js';
import { defineFaultWireForm, retryAfterHeader, type FaultWireForm } from '../kit/fault-wire-form.js';
import type { TokenIssuer } from './token-issuer.js';

/** What the token endpoint accepts. */
export interface ClientCredentials {
  /** Tenant id. */
  readonly tenantId: string;
  /** Application (client) id. */
  readonly clientId: string;
  /** Client secret. */
  readonly clientSecret: string;
}

/** The scopes that mean "a token for ARM". */
const ARM_SCOPES = new Set(['https://management.azure.com/.default', 'https://management.azure.com//.default', 'https://management.core.windows.net/.default', 'https://management.core.windows.net//.default']);

function entraError(status: number, error: string, aadsts: string, description: string, extraHeaders: Record<string, string> = {}): EmulatorResponse {
  const now = new Date().toISOString().replace('T', ' ').replace(/\.\d+Z$/, 'Z');
  return jsonResponse(
    status,
    { error, error_description: `${aadsts}: ${description} Timestamp: ${now}`, error_codes: [Number(aadsts.replace('AADSTS', ''))], timestamp: now, trace_id: randomUUID(), correlation_id: randomUUID() },
    { 'cache-control': 'no-store, no-cache', ...extraHeaders },
    error,
  );
}

/** Refusals of the fault plan on the token endpoint, in Entra ID's words. */
export const ENTRA_FAULT_WIRE_FORM: FaultWireForm = defineFaultWireForm({
  codes: { auth: 'invalid_client', throttled: 'temporarily_unavailable', unavailable: 'temporarily_unavailable', internal: 'server_error' },
  statusOfCode: (code) => (code === 'invalid_client' ? 401 : code === 'temporarily_unavailable' ? 503 : code === 'server_error' ? 500 : undefined),
  render: (fault) => {
    if (fault.code === 'invalid_client') return entraError(401, 'invalid_client', 'AADSTS7000222', 'The provided client secret keys for app are expired.');
    return entraError(fault.status, fault.code, 'AADSTS90033', fault.message, fault.status === 429 || fault.status === 503 ? retryAfterHeader(fault.retryAfterMs ?? 0) : {});
  },
});

/** Answers `POST /{tenant}/oauth2/v2.0/token`. */
export function tokenRequest(request: EmulatorRequest, issuer: TokenIssuer, accepted: ClientCredentials): EmulatorResponse {
  const tenant = request.params.tenant ?? '';
  if (tenant.toLowerCase() !== accepted.tenantId.toLowerCase() && tenant !== 'organizations') {
    return entraError(400, 'invalid_request', 'AADSTS90002', `Tenant '${tenant}' not found. Check to make sure you have the correct tenant ID and are signing into the correct cloud.`);
  }
  const form = request.form;
  const grant = form.get('grant_type');
  if (grant !== 'client_credentials') {
    return entraError(400, grant === null ? 'invalid_request' : 'unsupported_grant_type', grant === null ? 'AADSTS900144' : 'AADSTS70003', grant === null ? "The request body must contain the following parameter: 'grant_type'." : 'The app requested an unsupported grant type.');
  }
  const clientId = form.get('client_id');
  if (clientId === null) return entraError(400, 'invalid_request', 'AADSTS900144', "The request body must contain the following parameter: 'client_id'.");
  if (clientId !== accepted.clientId) {
    return entraError(400, 'unauthorized_client', 'AADSTS700016', `Application with identifier '${clientId}' was not found in the directory '${accepted.tenantId}'.`);
  }
  if (form.get('client_secret') !== accepted.clientSecret) {
    return entraError(401, 'invalid_client', 'AADSTS7000215', `Invalid client secret provided. Ensure the secret being sent in the request is the client secret value, not the client secret ID, for a secret added to app '${clientId}'.`);
  }
  const scopes = (form.get('scope') ?? '').split(/\s+/).filter((s) => s !== '');
  if (scopes.length === 0 || !scopes.some((s) => ARM_SCOPES.has(s))) {
    return entraError(400, 'invalid_scope', 'AADSTS70011', `The provided request must include a 'scope' input parameter. The provided value for the input parameter 'scope' is not valid. The scope ${scopes.join(' ')} is not valid.`);
  }
  const { token } = issuer.issue(clientId);
  return jsonResponse(200, { token_type: 'Bearer', expires_in: issuer.lifetimeSeconds, ext_expires_in: issuer.lifetimeSeconds, access_token: token }, { 'cache-control': 'no-store, no-cache' });
}

/** Answers `GET /{tenant}/v2.0/.well-known/openid-configuration` (what MSAL discovers). */
export function openIdConfiguration(request: EmulatorRequest, endpoint: string): EmulatorResponse {
  const tenant = request.params.tenant ?? '';
  const base = `${endpoint}/${tenant}`;
  return jsonResponse(200, {
    token_endpoint: `${base}/oauth2/v2.0/token`,
    token_endpoint_auth_methods_supported: ['client_secret_post', 'private_key_jwt', 'client_secret_basic'],
    jwks_uri: `${base}/discovery/v2.0/keys`,
    response_modes_supported: ['query', 'fragment', 'form_post'],
    subject_types_supported: ['pairwise'],
    id_token_signing_alg_values_supported: ['RS256'],
    response_types_supported: ['code', 'id_token', 'code id_token', 'id_token token'],
    scopes_supported: ['openid', 'profile', 'email', 'offline_access'],
    issuer: `${base}/v2.0`,
    request_uri_parameter_supported: false,
    authorization_endpoint: `${base}/oauth2/v2.0/authorize`,
    device_authorization_endpoint: `${base}/oauth2/v2.0/devicecode`,
    end_session_endpoint: `${base}/oauth2/v2.0/logout`,
    tenant_region_scope: 'EU',
  });
}
