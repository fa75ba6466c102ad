/**
 * Subnetworks: `subnetworks.insert`, `get`, `list`, `aggregatedList` and `delete` (Compute
 * Engine REST reference v1, read 2026-12). A subnetwork is regional and belongs to a network of
 * the project; its `ipCidrRange` is a canonical IPv4 range of /8 to /29 that overlaps no other
 * subnetwork of the network in any region — refused as GCE refuses it, "Invalid value for field
 * 'resource.ipCidrRange': '…'. Invalid IPCidrRange: … conflicts with existing subnetwork '…' in
 * region '…'." (400 `invalid`, as users report it) — nor one of a network peered with it
 * (wording approximate). A subnetwork used by an instance cannot be deleted.
 */
import { addressAt, cidrsOverlap, parseCidr, type Cidr } from '../../../provider/cidr.js';
import { GceError, alreadyExists, invalidField } from './gce-error.js';
import { booleanField, stringField, type GceCall } from './gce-call.js';
import type { GceJsonObject, GceOperation } from './gce-shapes.js';
import { checkName } from './instance-insert.js';
import type { SubnetworkRecord } from './network-state.js';
import { aggregatedAnswer, inUse, listAnswer, networkOfField, networkState, renderer, repeatedWrite, startWrite, urls } from './network-writes.js';

function existing(call: GceCall): SubnetworkRecord {
  const region = call.region();
  const subnet = networkState(call).subnetworks.get(`${region}/${call.param('subnetwork')}`);
  if (!subnet) throw call.notFound(`projects/${call.state.project}/regions/${region}/subnetworks/${call.param('subnetwork')}`);
  return subnet;
}

/** The range of `ipCidrRange`, checked as GCE checks it. */
function rangeOf(value: string | undefined): Cidr {
  const field = 'resource.ipCidrRange';
  if (value === undefined || value === '') throw new GceError(400, 'required', `Required field '${field}' not specified`);
  let range: Cidr;
  try {
    range = parseCidr(value);
  } catch {
    throw invalidField(field, value, `Invalid IPCidrRange: ${value}.`);
  }
  if (range.version !== 4) throw invalidField(field, value, 'The primary range of a subnetwork must be IPv4.');
  if (range.prefix < 8 || range.prefix > 29) throw invalidField(field, value, `Invalid IPCidrRange: ${value}. The prefix length must be between /8 and /29.`);
  return range;
}

/** `subnetworks.insert`. */
export function insertSubnetwork(call: GceCall): GceOperation {
  const region = call.region();
  const repeated = repeatedWrite(call);
  if (repeated) return repeated;
  const body = call.body();
  const name = checkName(stringField(body.name, 'resource.name'), 'resource.name');
  const { state: owner, network } = networkOfField(call, stringField(body.network, 'resource.network'), 'resource.network');
  const state = networkState(call);
  if (owner !== state) throw invalidField('resource.network', body.network, '[gce-emulator] Shared VPC (a subnetwork in another project’s network) is not emulated.');
  const value = stringField(body.ipCidrRange, 'resource.ipCidrRange');
  const range = rangeOf(value);
  for (const other of state.subnetworksOf(network.name)) {
    if (cidrsOverlap(range, parseCidr(other.ipCidrRange))) {
      throw invalidField('resource.ipCidrRange', value, `Invalid IPCidrRange: ${range.text} conflicts with existing subnetwork '${other.name}' in region '${other.region}'.`);
    }
  }
  const r = renderer(call);
  for (const peering of network.peerings) {
    if (!r.peeringActive(network, peering)) continue;
    const peerProject = /\/projects\/([^/]+)\//.exec(peering.network)?.[1] ?? '';
    const peerState = state.fabric.project(peerProject);
    const peerName = peering.network.slice(peering.network.lastIndexOf('/') + 1);
    const clash = peerState?.subnetworksOf(peerName).find((s) => cidrsOverlap(range, parseCidr(s.ipCidrRange)));
    if (clash) throw invalidField('resource.ipCidrRange', value, `Invalid IPCidrRange: ${range.text} conflicts with subnetwork '${clash.name}' of peer network '${peerName}' (peering '${peering.name}').`);
  }
  const key = `${region}/${name}`;
  if (!state.reserve('subnetworks', key)) throw alreadyExists(`projects/${call.state.project}/regions/${region}/subnetworks/${name}`);
  const id = state.id();
  const record: SubnetworkRecord = {
    id,
    name,
    region,
    network: network.name,
    ipCidrRange: range.text,
    first: range.first,
    last: range.last,
    gatewayAddress: addressAt(range, 1n),
    description: stringField(body.description, 'resource.description'),
    privateIpGoogleAccess: booleanField(body.privateIpGoogleAccess, 'resource.privateIpGoogleAccess') ?? false,
    createdAt: state.time(),
  };
  return startWrite(call, {
    region,
    type: 'insert',
    targetLink: urls(call).subnetwork(region, name),
    targetId: id,
    onDone: () => {
      state.release('subnetworks', key);
      state.subnetworks.set(key, record);
    },
    onFailed: () => state.release('subnetworks', key),
  });
}

/** `subnetworks.get`. */
export function getSubnetwork(call: GceCall): GceJsonObject {
  return renderer(call).subnetwork(existing(call));
}

/** `subnetworks.list` (one region). */
export function listSubnetworks(call: GceCall): object {
  const region = call.region();
  const r = renderer(call);
  const items = [...networkState(call).subnetworks.values()].filter((s) => s.region === region).map((s) => r.subnetwork(s));
  return listAnswer(call, 'compute#subnetworkList', `projects/${call.state.project}/regions/${region}/subnetworks`, items);
}

/** `subnetworks.aggregatedList`. */
export function aggregatedListSubnetworks(call: GceCall): object {
  const r = renderer(call);
  return aggregatedAnswer(call, 'compute#subnetworkAggregatedList', 'subnetworks', [...networkState(call).subnetworks.values()].map((s) => ({ region: s.region, item: r.subnetwork(s) })));
}

/** `subnetworks.delete`: refused while an instance has an interface in it. */
export function deleteSubnetwork(call: GceCall): GceOperation {
  const repeated = repeatedWrite(call);
  if (repeated) return repeated;
  const subnet = existing(call);
  const state = networkState(call);
  const url = urls(call).subnetwork(subnet.region, subnet.name);
  const user = [...call.state.instances.values()].find((i) => i.networkInterfaces.some((n) => n.subnetwork === url));
  if (user) throw inUse('subnetwork', url, call.state.instanceUrl(user.zone, user.name));
  return startWrite(call, {
    region: subnet.region,
    type: 'delete',
    targetLink: url,
    targetId: subnet.id,
    onDone: () => state.subnetworks.delete(`${subnet.region}/${subnet.name}`),
  });
}
