/**
 * Keystone v3's calls the adapters make: `POST /v3/auth/tokens` (password or application
 * credential; 201 with the token in `X-Subject-Token` and its body — methods, user, project,
 * roles, catalog, expiry — as keystone's api-ref samples show it, read 2026-12; `?nocatalog`
 * leaves the catalog out) and `GET /v3` (the version document). An unscoped token carries no
 * catalog and no project; the other services refuse it.
 */
import { jsonResponse, type EmulatorResponse } from '../kit/emulator-request.js';
import { isoMicros, type OpenStackCall } from './openstack-call.js';
import { OpenStackApiError } from './openstack-errors.js';
import { serviceCatalog } from './service-catalog.js';

/** `POST /identity/v3/auth/tokens`. */
export function issueToken(call: OpenStackCall): EmulatorResponse {
  const body = call.body((why) => new OpenStackApiError(400, `${why}. The server could not comply with the request since it is either malformed or otherwise incorrect. The client is assumed to be in error.`));
  const token = call.world.identity.authenticate(body);
  const project = token.project;
  const view: Record<string, unknown> = {
    audit_ids: [token.id.slice(-22)],
    expires_at: isoMicros(token.expiresAt),
    issued_at: isoMicros(token.issuedAt),
    methods: token.methods,
    user: { domain: token.user.domain, id: token.user.id, name: token.user.name, password_expires_at: null },
  };
  if (project) {
    view.project = { domain: project.domain, id: project.id, name: project.name };
    view.is_domain = false;
    view.roles = [
      { id: 'a1f3c1e3b2d54c6f8e9d0a1b2c3d4e5f', name: 'member' },
      { id: 'b2e4d2f4c3e65d7f9fae1b2c3d4e5f60', name: 'reader' },
    ];
    if (!call.request.query.has('nocatalog')) view.catalog = serviceCatalog(call.world.origin(), call.world.region, call.world.otherRegion);
  }
  if (token.applicationCredentialId !== undefined) {
    view.application_credential = { id: token.applicationCredentialId, name: 'novacron-emulator', restricted: true };
    view.application_credential_restricted = true;
  }
  return jsonResponse(201, { token: view }, { 'x-subject-token': token.id });
}

/** `GET /identity/v3`: the version document. */
export function identityVersion(call: OpenStackCall): EmulatorResponse {
  const href = `${call.serviceUrl('identity')}/v3/`;
  return jsonResponse(200, {
    version: {
      id: 'v3.14',
      status: 'stable',
      updated: '2020-04-07T00:00:00Z',
      links: [{ rel: 'self', href }],
      'media-types': [{ base: 'application/json', type: 'application/vnd.openstack.identity-v3+json' }],
    },
  });
}
