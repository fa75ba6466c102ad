/**
 * Static routes: `routes.insert`, `get`, `list` and `delete` (Compute Engine REST reference v1,
 * Route resource, read 2026-12).
 *
 * A route belongs to one network of the project, has a canonical `destRange`, a `priority`
 * 0–65535 (default 1000) and exactly one next hop. The emulator takes `nextHopGateway` (only the
 * default internet gateway exists), `nextHopInstance` (an instance of the project) and
 * `nextHopIp`. A `nextHopVpnTunnel` of an HA VPN tunnel is refused: static routes take Classic
 * VPN tunnels only ("Static routes", next hops and features, read 2026-12); HA VPN tunnels are
 * routed by their Cloud Router (learned or custom learned routes). A destination equal to or
 * inside a subnetwork range of the network is refused ("Interactions with subnet routes": a
 * static route cannot be as specific as a subnet route or more). Wordings are approximate.
 */
import { cidrContains, parseCidr, type Cidr } from '../../../provider/cidr.js';
import { GceError, alreadyExists, invalidField } from './gce-error.js';
import { integerField, parseReference, stringField, type GceCall } from './gce-call.js';
import type { GceJsonObject, GceOperation } from './gce-shapes.js';
import { checkName } from './instance-insert.js';
import type { RouteRecord } from './network-state.js';
import { listAnswer, networkOfField, networkState, renderer, repeatedWrite, startWrite, urls } from './network-writes.js';

function existing(call: GceCall): RouteRecord {
  const route = networkState(call).routes.get(call.param('route'));
  if (!route) throw call.notFound(`projects/${call.state.project}/global/routes/${call.param('route')}`);
  return route;
}

function destinationOf(value: string | undefined): Cidr {
  const field = 'resource.destRange';
  if (value === undefined || value === '') throw new GceError(400, 'required', `Required field '${field}' not specified`);
  try {
    return parseCidr(value);
  } catch {
    throw invalidField(field, value, 'Must be a valid CIDR range such as 10.0.0.0/24, without host bits.');
  }
}

/** The next hop of a route body, resolved; exactly one must be given. */
function nextHopOf(call: GceCall, body: GceJsonObject): Pick<RouteRecord, 'nextHopGateway' | 'nextHopInstance' | 'nextHopIp'> {
  const given = ['nextHopGateway', 'nextHopInstance', 'nextHopIp', 'nextHopVpnTunnel', 'nextHopIlb', 'nextHopNetwork', 'nextHopHub'].filter((f) => body[f] !== undefined && body[f] !== null);
  if (given.length !== 1) throw invalidField('resource', given.join(', '), 'Exactly one next hop must be specified.');
  const u = urls(call);
  const field = given[0]!;
  const value = stringField(body[field], `resource.${field}`) ?? '';
  switch (field) {
    case 'nextHopGateway': {
      const ref = parseReference(value);
      if (!ref || (ref.project ?? call.state.project) !== call.state.project || ref.path !== 'global/gateways/default-internet-gateway') {
        throw invalidField('resource.nextHopGateway', value, 'The only gateway is global/gateways/default-internet-gateway.');
      }
      return { nextHopGateway: u.defaultInternetGateway, nextHopInstance: undefined, nextHopIp: undefined };
    }
    case 'nextHopInstance': {
      const ref = parseReference(value);
      const m = ref ? /^zones\/([^/]+)\/instances\/([^/]+)$/.exec(ref.path) : null;
      const instance = m && (ref!.project ?? call.state.project) === call.state.project ? call.state.instances.get(`${m[1]}/${m[2]}`) : undefined;
      if (!instance) throw invalidField('resource.nextHopInstance', value, 'The referenced instance resource cannot be found.');
      return { nextHopGateway: undefined, nextHopInstance: call.state.instanceUrl(instance.zone, instance.name), nextHopIp: undefined };
    }
    case 'nextHopIp':
      try {
        parseCidr(`${value}/32`);
      } catch {
        throw invalidField('resource.nextHopIp', value, 'Must be an IPv4 address.');
      }
      return { nextHopGateway: undefined, nextHopInstance: undefined, nextHopIp: value };
    case 'nextHopVpnTunnel':
      throw invalidField('resource.nextHopVpnTunnel', value, 'Only Classic VPN tunnels can be next hops of static routes; routes over HA VPN tunnels are dynamic (Cloud Router BGP sessions, or custom learned routes).');
    default:
      throw invalidField(`resource.${field}`, value, `[gce-emulator] ${field} next hops are not emulated.`);
  }
}

/** `routes.insert`. */
export function insertRoute(call: GceCall): GceOperation {
  const repeated = repeatedWrite(call);
  if (repeated) return repeated;
  const body = call.body();
  const state = networkState(call);
  const name = checkName(stringField(body.name, 'resource.name'), 'resource.name');
  const { state: owner, network } = networkOfField(call, stringField(body.network, 'resource.network'), 'resource.network');
  if (owner !== state) throw invalidField('resource.network', body.network, 'The network must be in the project of the route.');
  const destination = destinationOf(stringField(body.destRange, 'resource.destRange'));
  const priority = integerField(body.priority, 'resource.priority') ?? 1000;
  if (priority < 0 || priority > 65535) throw invalidField('resource.priority', priority, 'Must be between 0 and 65535.');
  const hop = nextHopOf(call, body);
  const subnet = state.subnetworksOf(network.name).find((s) => cidrContains(parseCidr(s.ipCidrRange), destination));
  if (subnet) throw invalidField('resource.destRange', destination.text, `The destination is as specific as or more specific than the range ${subnet.ipCidrRange} of subnetwork '${subnet.name}' in region '${subnet.region}'.`);
  const tags = Array.isArray(body.tags) ? body.tags.map((t, i) => stringField(t, `resource.tags[${i}]`) ?? '') : [];
  if (!state.reserve('routes', name)) throw alreadyExists(`projects/${call.state.project}/global/routes/${name}`);
  const id = state.id();
  const record: RouteRecord = { id, name, network: network.name, destRange: destination.text, priority, ...hop, description: stringField(body.description, 'resource.description'), tags, createdAt: state.time() };
  return startWrite(call, {
    type: 'insert',
    targetLink: urls(call).route(name),
    targetId: id,
    onDone: () => {
      state.release('routes', name);
      state.routes.set(name, record);
    },
  });
}

/** `routes.get`. */
export function getRoute(call: GceCall): GceJsonObject {
  return renderer(call).route(existing(call));
}

/** `routes.list`. */
export function listRoutes(call: GceCall): object {
  const r = renderer(call);
  return listAnswer(call, 'compute#routeList', `projects/${call.state.project}/global/routes`, [...networkState(call).routes.values()].map((x) => r.route(x)));
}

/** `routes.delete`. */
export function deleteRoute(call: GceCall): GceOperation {
  const repeated = repeatedWrite(call);
  if (repeated) return repeated;
  const route = existing(call);
  const state = networkState(call);
  return startWrite(call, { type: 'delete', targetLink: urls(call).route(route.name), targetId: route.id, onDone: () => state.routes.delete(route.name) });
}
