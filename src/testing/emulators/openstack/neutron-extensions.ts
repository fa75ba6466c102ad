/**
 * `GET /v2.0/extensions` and `GET /v2.0/extensions/{alias}`: the API extensions this Neutron has
 * loaded (neutron-lib api-ref `extensions.inc`, read 2026-12), the way a client discovers
 * optional features. The emulator lists what it serves — routers with extra routes (also the
 * atomic `add_extraroutes`), tags, descriptions, external networks, security groups, quotas —
 * and, only when started with `vpnaas: true`, `vpnaas` and `vpn-endpoint-groups`.
 */
import { jsonResponse, type EmulatorResponse } from '../kit/emulator-request.js';
import type { OpenStackCall } from './openstack-call.js';
import { neutronError } from './openstack-errors.js';

/** One extension: alias, name, description and when it was last changed. */
interface NeutronExtension {
  readonly alias: string;
  readonly name: string;
  readonly description: string;
  readonly updated: string;
}

const ALWAYS: readonly NeutronExtension[] = [
  { alias: 'external-net', name: 'Neutron external network', description: 'Adds external network attribute to network resource.', updated: '2013-01-14T10:00:00-00:00' },
  { alias: 'router', name: 'Neutron L3 Router', description: 'Router abstraction for basic L3 forwarding between L2 Neutron networks and access to external networks via a NAT gateway.', updated: '2012-07-20T10:00:00-00:00' },
  { alias: 'extraroute', name: 'Neutron Extra Route', description: 'Extra routes configuration for L3 router', updated: '2013-02-01T10:00:00-00:00' },
  { alias: 'extraroute-atomic', name: 'Atomically add/remove extra routes', description: 'Edit extra routes of a router on server side by atomically adding/removing extra routes', updated: '2019-07-10T00:00:00-00:00' },
  { alias: 'security-group', name: 'security-group', description: 'The security groups extension.', updated: '2012-10-05T10:00:00-00:00' },
  { alias: 'quotas', name: 'Quota management support', description: 'Expose functions for quotas management per project', updated: '2012-07-29T10:00:00-00:00' },
  { alias: 'standard-attr-description', name: 'standard-attr-description', description: 'Extension to add descriptions to standard attributes', updated: '2016-02-10T10:00:00-00:00' },
  { alias: 'standard-attr-tag', name: 'Tag support for resources with standard attribute: subnet, trunk, network_segment_range, router, network, policy, subnetpool, port, security_group, floatingip', description: 'Enables to set tag on resources with standard attribute.', updated: '2017-01-01T00:00:00-00:00' },
  { alias: 'standard-attr-timestamp', name: 'Resource timestamps', description: 'Adds created_at and updated_at fields to all Neutron resources that have Neutron standard attributes.', updated: '2016-09-12T10:00:00-00:00' },
  { alias: 'standard-attr-revisions', name: 'Resource revision numbers', description: 'This extension will display the revision number of neutron resources.', updated: '2016-04-11T10:00:00-00:00' },
  { alias: 'net-mtu', name: 'Network MTU', description: 'Provides MTU attribute for a network resource.', updated: '2015-03-25T10:00:00-00:00' },
  { alias: 'port-security', name: 'Port Security', description: 'Provides port security', updated: '2012-07-23T10:00:00-00:00' },
  { alias: 'project-id', name: 'project_id field enabled', description: 'Extension that indicates that project_id field is enabled.', updated: '2016-09-09T09:09:09-09:09' },
  { alias: 'filter-validation', name: 'Filter parameters validation', description: 'Provides validation on filter parameters.', updated: '2018-03-21T10:00:00-00:00' },
];

const VPNAAS: readonly NeutronExtension[] = [
  { alias: 'vpnaas', name: 'VPN service', description: 'Extension for VPN service', updated: '2013-05-29T10:00:00-00:00' },
  { alias: 'vpn-endpoint-groups', name: 'VPN Endpoint Groups', description: 'VPN endpoint groups support', updated: '2015-09-10T10:00:00-00:00' },
];

function loaded(call: OpenStackCall): readonly NeutronExtension[] {
  return call.state.vpn.enabled ? [...ALWAYS, ...VPNAAS] : ALWAYS;
}

function render(e: NeutronExtension): Record<string, unknown> {
  return { alias: e.alias, description: e.description, links: [], name: e.name, updated: e.updated };
}

/** `GET /v2.0/extensions`. */
export function listExtensions(call: OpenStackCall): EmulatorResponse {
  return jsonResponse(200, { extensions: loaded(call).map(render) });
}

/** `GET /v2.0/extensions/{alias}`. */
export function getExtension(call: OpenStackCall): EmulatorResponse {
  const found = loaded(call).find((e) => e.alias === call.param('alias'));
  if (!found) throw neutronError(404, 'HTTPNotFound', `Extension with alias ${call.param('alias')} does not exist`);
  return jsonResponse(200, { extension: render(found) });
}
