/**
 * VPC networks and their peerings: `networks.insert`, `get`, `list`, `delete`, `addPeering`
 * and `removePeering` (Compute Engine REST reference v1, read 2026-12).
 *
 * - A network is a custom-mode VPC network (`autoCreateSubnetworks: false`); it has no address
 *   range of its own (legacy `IPv4Range` networks are refused, auto mode is not emulated). Its
 *   insert also makes the default route to the internet (`default-route-<hex>`, 0.0.0.0/0 via
 *   the default internet gateway), which goes with the network.
 * - A delete is refused (400 `resourceInUseByAnotherResource`) while subnetworks, HA VPN
 *   gateways, Cloud Routers, other routes or peerings use the network.
 * - `addPeering` takes `networkPeering { name, network, exchangeSubnetRoutes }`; the peering is
 *   `INACTIVE` until the peer network adds the reverse peering, then both are `ACTIVE`. The
 *   activating call is refused when a subnetwork range of one network overlaps one of the
 *   other's. A peering call while another one runs on either network is GCE's 400 `badRequest`
 *   "There is a peering operation in progress on the local or peer network. Try again later."
 *   (as users report it). `removePeering` takes `{ name }`; the peer's reverse peering falls
 *   back to `INACTIVE`. The wordings of refusals other than these two are approximate.
 */
import { randomBytes } from 'node:crypto';
import { cidrsOverlap, parseCidr } from '../../../provider/cidr.js';
import { GceError, alreadyExists, invalidField } from './gce-error.js';
import { booleanField, integerField, objectField, stringField, type GceCall } from './gce-call.js';
import type { GceJsonObject, GceOperation } from './gce-shapes.js';
import { checkName } from './instance-insert.js';
import { NetworkRenderer, NetworkUrls } from './network-render.js';
import type { GceNetworkState, NetworkRecord, SubnetworkRecord } from './network-state.js';
import { inUse, listAnswer, networkOfField, networkState, renderer, repeatedWrite, startWrite, urls } from './network-writes.js';

function existing(call: GceCall): NetworkRecord {
  const network = networkState(call).networks.get(call.param('network'));
  if (!network) throw call.notFound(`projects/${call.state.project}/global/networks/${call.param('network')}`);
  return network;
}

/** `networks.insert`: a custom-mode network and its default route. */
export function insertNetwork(call: GceCall): GceOperation {
  const repeated = repeatedWrite(call);
  if (repeated) return repeated;
  const body = call.body();
  const name = checkName(stringField(body.name, 'resource.name'), 'resource.name');
  if (body.IPv4Range !== undefined) throw invalidField('resource.IPv4Range', body.IPv4Range, 'Legacy networks are no longer supported; create a VPC network (autoCreateSubnetworks).');
  const auto = booleanField(body.autoCreateSubnetworks, 'resource.autoCreateSubnetworks');
  if (auto === undefined) throw new GceError(400, 'required', "Required field 'resource.autoCreateSubnetworks' not specified");
  if (auto) throw invalidField('resource.autoCreateSubnetworks', true, '[gce-emulator] auto mode networks are not emulated; create a custom mode network.');
  const routingConfig = objectField(body.routingConfig, 'resource.routingConfig');
  const routingMode = stringField(routingConfig?.routingMode, 'resource.routingConfig.routingMode') ?? 'REGIONAL';
  if (routingMode !== 'REGIONAL' && routingMode !== 'GLOBAL') throw invalidField('resource.routingConfig.routingMode', routingMode, 'Must be REGIONAL or GLOBAL.');
  const mtu = integerField(body.mtu, 'resource.mtu') ?? 1460;
  if (mtu < 1300 || mtu > 8896) throw invalidField('resource.mtu', mtu, 'Must be between 1300 and 8896.');
  const description = stringField(body.description, 'resource.description');
  const state = networkState(call);
  const u = urls(call);
  if (!state.reserve('networks', name)) throw alreadyExists(`projects/${call.state.project}/global/networks/${name}`);
  const id = state.id();
  return startWrite(call, {
    type: 'insert',
    targetLink: u.network(name),
    targetId: id,
    onDone: () => {
      state.release('networks', name);
      const defaultRoute = `default-route-${randomBytes(8).toString('hex')}`;
      state.networks.set(name, { id, name, description, routingMode, mtu, autoCreateSubnetworks: false, peerings: [], defaultRoute, createdAt: state.time() });
      state.routes.set(defaultRoute, {
        id: state.id(),
        name: defaultRoute,
        network: name,
        destRange: '0.0.0.0/0',
        priority: 1000,
        nextHopGateway: u.defaultInternetGateway,
        nextHopInstance: undefined,
        nextHopIp: undefined,
        description: 'Default route to the Internet.',
        tags: [],
        createdAt: state.time(),
      });
    },
  });
}

/** `networks.get`, of this project or (a peering's other side) of another project in the fabric. */
export function getNetwork(call: GceCall): GceJsonObject {
  const project = call.param('project');
  if (project === call.state.project) return renderer(call).network(existing(call));
  const other = networkState(call).fabric.project(project);
  const network = other?.networks.get(call.param('network'));
  if (!other || !network) throw call.notFound(`projects/${project}/global/networks/${call.param('network')}`);
  return new NetworkRenderer(other).network(network);
}

/** `networks.list`. */
export function listNetworks(call: GceCall): object {
  const r = renderer(call);
  return listAnswer(call, 'compute#networkList', `projects/${call.state.project}/global/networks`, [...networkState(call).networks.values()].map((n) => r.network(n)));
}

/** What still uses a network, as GCE names it first. */
function userOf(call: GceCall, network: NetworkRecord): string | undefined {
  const state = networkState(call);
  const u = urls(call);
  const subnet = state.subnetworksOf(network.name)[0];
  if (subnet) return u.subnetwork(subnet.region, subnet.name);
  const gateway = [...state.vpnGateways.values()].find((g) => g.network === network.name);
  if (gateway) return u.vpnGateway(gateway.region, gateway.name);
  const router = [...state.routers.values()].find((r) => r.network === network.name);
  if (router) return u.router(router.region, router.name);
  const route = [...state.routes.values()].find((r) => r.network === network.name && r.name !== network.defaultRoute);
  if (route) return u.route(route.name);
  const peering = network.peerings[0];
  return peering ? `${u.network(network.name)}/peerings/${peering.name}` : undefined;
}

/** `networks.delete`: refused while anything uses the network; its default route goes with it. */
export function deleteNetwork(call: GceCall): GceOperation {
  const repeated = repeatedWrite(call);
  if (repeated) return repeated;
  const network = existing(call);
  const state = networkState(call);
  const url = urls(call).network(network.name);
  const user = userOf(call, network);
  if (user !== undefined) throw inUse('network', url, user);
  return startWrite(call, {
    type: 'delete',
    targetLink: url,
    targetId: network.id,
    onDone: () => {
      state.networks.delete(network.name);
      state.routes.delete(network.defaultRoute);
    },
  });
}

/** The first overlap between the subnetworks of two networks, GCE's words. */
function overlap(call: GceCall, local: SubnetworkRecord[], peer: SubnetworkRecord[], peerState: GceNetworkState): string | undefined {
  for (const a of local) {
    for (const b of peer) {
      if (cidrsOverlap(parseCidr(a.ipCidrRange), parseCidr(b.ipCidrRange))) {
        return `An IP range in the peer network (${b.ipCidrRange}) overlaps with an IP range in the local network (${a.ipCidrRange}) allocated by resource (projects/${call.state.project}/regions/${a.region}/subnetworks/${a.name}). (peer: projects/${peerState.project}/regions/${b.region}/subnetworks/${b.name})`;
      }
    }
  }
  return undefined;
}

function refuseWhileBusy(state: GceNetworkState, ...networks: string[]): void {
  const running = state.fabric.peeringOperations;
  if (networks.some((n) => running.has(n))) throw new GceError(400, 'badRequest', 'There is a peering operation in progress on the local or peer network. Try again later.');
}

/** `networks.addPeering`. */
export function addPeering(call: GceCall): GceOperation {
  const repeated = repeatedWrite(call);
  if (repeated) return repeated;
  const network = existing(call);
  const state = networkState(call);
  const u = urls(call);
  const body = call.body();
  const spec = objectField(body.networkPeering, 'networkPeering');
  const name = checkName(stringField(spec?.name ?? body.name, spec ? 'networkPeering.name' : 'name'), spec ? 'networkPeering.name' : 'name');
  const peerField = spec ? 'networkPeering.network' : 'peerNetwork';
  const { state: peerState, network: peer } = networkOfField(call, stringField(spec?.network ?? body.peerNetwork, peerField), peerField);
  const peerUrl = new NetworkUrls(peerState.project).network(peer.name);
  const selfUrl = u.network(network.name);
  if (peerUrl === selfUrl) throw invalidField(peerField, peerUrl, 'A network cannot be peered with itself.');
  const exchange = booleanField(spec?.exchangeSubnetRoutes, 'networkPeering.exchangeSubnetRoutes') ?? booleanField(body.autoCreateRoutes, 'autoCreateRoutes');
  if (exchange === false) throw invalidField('networkPeering.exchangeSubnetRoutes', false, 'exchangeSubnetRoutes must be true: Compute Engine creates and manages the subnet routes between peered networks.');
  if (network.peerings.some((p) => p.name === name)) throw invalidField('networkPeering.name', name, `There is already a peering named '${name}' in network '${network.name}'.`);
  if (network.peerings.some((p) => p.network === peerUrl)) throw invalidField(peerField, peerUrl, `Network '${network.name}' already has a peering to this network.`);
  refuseWhileBusy(state, selfUrl, peerUrl);
  // The call that completes the pair is the one GCE checks the ranges on.
  if (peer.peerings.some((p) => p.network === selfUrl)) {
    const clash = overlap(call, state.subnetworksOf(network.name), peerState.subnetworksOf(peer.name), peerState);
    if (clash) throw invalidField(peerField, peerUrl, clash);
  }
  const entry = {
    name,
    network: peerUrl,
    exchangeSubnetRoutes: true,
    exportCustomRoutes: booleanField(spec?.exportCustomRoutes, 'networkPeering.exportCustomRoutes') ?? false,
    importCustomRoutes: booleanField(spec?.importCustomRoutes, 'networkPeering.importCustomRoutes') ?? false,
    createdAt: state.time(),
  };
  const running = state.fabric.peeringOperations;
  running.add(selfUrl);
  running.add(peerUrl);
  const settle = (): void => {
    running.delete(selfUrl);
    running.delete(peerUrl);
  };
  return startWrite(call, {
    type: 'addPeering',
    targetLink: selfUrl,
    targetId: network.id,
    onDone: () => {
      settle();
      if (state.networks.get(network.name) === network) network.peerings.push(entry);
    },
    onFailed: settle,
  });
}

/** `networks.removePeering`. */
export function removePeering(call: GceCall): GceOperation {
  const repeated = repeatedWrite(call);
  if (repeated) return repeated;
  const network = existing(call);
  const state = networkState(call);
  const name = stringField(call.body().name, 'name');
  if (name === undefined || name === '') throw new GceError(400, 'required', "Required field 'name' not specified");
  const peering = network.peerings.find((p) => p.name === name);
  if (!peering) throw invalidField('name', name, `There is no peering named '${name}' in network '${network.name}'.`);
  const selfUrl = urls(call).network(network.name);
  refuseWhileBusy(state, selfUrl, peering.network);
  const running = state.fabric.peeringOperations;
  running.add(selfUrl);
  return startWrite(call, {
    type: 'removePeering',
    targetLink: selfUrl,
    targetId: network.id,
    onDone: () => {
      running.delete(selfUrl);
      const at = network.peerings.indexOf(peering);
      if (at !== -1) network.peerings.splice(at, 1);
    },
    onFailed: () => running.delete(selfUrl),
  });
}
