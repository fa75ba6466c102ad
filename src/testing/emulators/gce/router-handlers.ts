/**
 * Cloud Routers: `routers.insert`, `get`, `list`, `aggregatedList`, `patch`, `update` and `delete`
 * (Compute Engine REST reference v1, Router resource, read 2026-12).
 *
 * - `bgp.asn` is a private ASN, 64512–65534 or 4200000000–4294967294 ("Cloud Router overview",
 *   read 2026-12); `keepaliveInterval` is 20–60 s (default 20).
 * - A `patch` replaces each list it carries (`interfaces`, `bgpPeers`) whole, as GCE's PATCH
 *   does; an `update` (PUT) replaces the whole router. An interface links at most one VPN tunnel of the router (in its region, with this
 *   `router`); its `ipRange` is the router's own address with the length of a link-local /30
 *   (`169.254.1.1/30`: "Do not truncate the IP address"). A BGP peer runs over one interface;
 *   its `ipAddress` must be the interface's ("BGP Peer "x" has IP address 169.254.1.2 different
 *   from interface IP address 169.254.1.3", as users report it), its `peerIpAddress` the other
 *   host of the /30; `peerAsn` 1–4294967294; `customLearnedIpRanges` are CIDR ranges (a bare
 *   address is a /32) and `customLearnedRoutePriority` 0–65535.
 * - A router is refused deletion while a VPN tunnel uses it.
 */
import { cidrContains, cidrsOverlap, parseCidr, type Cidr } from '../../../provider/cidr.js';
import { GceError, alreadyExists, invalidField } from './gce-error.js';
import { arrayField, integerField, objectField, stringField, type GceCall } from './gce-call.js';
import type { GceJsonObject, GceJsonValue, GceOperation } from './gce-shapes.js';
import { checkName } from './instance-insert.js';
import type { BgpPeerRecord, RouterInterfaceRecord, RouterRecord } from './network-state.js';
import { aggregatedAnswer, inUse, listAnswer, networkOfField, networkState, referenced, renderer, repeatedWrite, startWrite, urls } from './network-writes.js';

const LINK_LOCAL = parseCidr('169.254.0.0/16');

function existing(call: GceCall): RouterRecord {
  const region = call.region();
  const router = networkState(call).routers.get(`${region}/${call.param('router')}`);
  if (!router) throw call.notFound(`projects/${call.state.project}/regions/${region}/routers/${call.param('router')}`);
  return router;
}

/** True for a private ASN (RFC 6996), the ones a Cloud Router takes. */
function privateAsn(asn: number): boolean {
  return (asn >= 64512 && asn <= 65534) || (asn >= 4_200_000_000 && asn <= 4_294_967_294);
}

function bgpOf(value: GceJsonValue | undefined, current: RouterRecord['bgp']): RouterRecord['bgp'] {
  const bgp = objectField(value, 'resource.bgp');
  if (!bgp) return current;
  const asn = integerField(bgp.asn, 'resource.bgp.asn') ?? current?.asn;
  if (asn === undefined) throw new GceError(400, 'required', "Required field 'resource.bgp.asn' not specified");
  if (!privateAsn(asn)) throw invalidField('resource.bgp.asn', asn, 'The ASN of a Cloud Router must be a private ASN: 64512-65534 or 4200000000-4294967294.');
  const keepaliveInterval = integerField(bgp.keepaliveInterval, 'resource.bgp.keepaliveInterval') ?? current?.keepaliveInterval ?? 20;
  if (keepaliveInterval < 20 || keepaliveInterval > 60) throw invalidField('resource.bgp.keepaliveInterval', keepaliveInterval, 'Must be between 20 and 60 seconds.');
  const advertiseMode = stringField(bgp.advertiseMode, 'resource.bgp.advertiseMode') ?? current?.advertiseMode ?? 'DEFAULT';
  if (advertiseMode !== 'DEFAULT' && advertiseMode !== 'CUSTOM') throw invalidField('resource.bgp.advertiseMode', advertiseMode, 'Must be DEFAULT or CUSTOM.');
  return { asn, advertiseMode, keepaliveInterval };
}

/** An interface's address and its /30, from `169.254.1.1/30`. */
function interfaceRange(value: string, field: string): { readonly ip: string; readonly range: Cidr } {
  const ip = value.split('/')[0] ?? '';
  let range: Cidr;
  try {
    range = parseCidr(value, { lenient: true });
  } catch {
    throw invalidField(field, value, 'Must be a CIDR-formatted address such as 169.254.0.1/30.');
  }
  if (range.version !== 4 || !cidrContains(LINK_LOCAL, range)) throw invalidField(field, value, 'The IP range must be in the RFC3927 link-local IP address space (169.254.0.0/16).');
  if (range.prefix !== 30 && range.prefix !== 29) throw invalidField(field, value, 'The IP range of a VPN tunnel interface must be a /30 (or /29).');
  const host = parseCidr(`${ip}/32`).first;
  if (host === range.first || host === range.last) throw invalidField(field, value, 'Do not truncate the IP address: give the router’s own address in the range (for example 169.254.0.1/30).');
  return { ip, range };
}

function interfacesOf(call: GceCall, router: Pick<RouterRecord, 'name' | 'region'>, value: GceJsonValue | undefined): RouterInterfaceRecord[] {
  const state = networkState(call);
  const u = urls(call);
  const names = new Set<string>();
  const linked = new Set<string>();
  const ranges: Cidr[] = [];
  return arrayField(value, 'resource.interfaces').map((item, i) => {
    const field = `resource.interfaces[${i}]`;
    const name = checkName(stringField(item.name, `${field}.name`), `${field}.name`);
    if (names.has(name)) throw invalidField(`${field}.name`, name, `Duplicate interface name '${name}'.`);
    names.add(name);
    const tunnelValue = stringField(item.linkedVpnTunnel, `${field}.linkedVpnTunnel`);
    let linkedVpnTunnel: string | undefined;
    if (tunnelValue !== undefined) {
      const ref = referenced(tunnelValue, 'vpnTunnels', call);
      const tunnel = ref && ref.project === call.state.project && ref.region === router.region ? state.vpnTunnels.get(`${ref.region}/${ref.name}`) : undefined;
      if (!tunnel) throw invalidField(`${field}.linkedVpnTunnel`, tunnelValue, `The referenced vpnTunnel resource cannot be found in region '${router.region}'.`);
      if (tunnel.router !== router.name) throw invalidField(`${field}.linkedVpnTunnel`, tunnelValue, `VPN tunnel '${tunnel.name}' does not use router '${router.name}'.`);
      linkedVpnTunnel = u.vpnTunnel(tunnel.region, tunnel.name);
      if (linked.has(linkedVpnTunnel)) throw invalidField(`${field}.linkedVpnTunnel`, tunnelValue, `VPN tunnel '${tunnel.name}' is already linked to another interface of the router.`);
      linked.add(linkedVpnTunnel);
    }
    const rangeValue = stringField(item.ipRange, `${field}.ipRange`);
    if (rangeValue !== undefined) {
      const { range } = interfaceRange(rangeValue, `${field}.ipRange`);
      if (ranges.some((r) => cidrsOverlap(r, range))) throw invalidField(`${field}.ipRange`, rangeValue, 'The IP range overlaps another interface of the router.');
      ranges.push(range);
    }
    return { name, linkedVpnTunnel, ipRange: rangeValue };
  });
}

function peersOf(value: GceJsonValue | undefined, interfaces: readonly RouterInterfaceRecord[], bgp: RouterRecord['bgp']): BgpPeerRecord[] {
  const names = new Set<string>();
  const items = arrayField(value, 'resource.bgpPeers');
  if (items.length > 0 && bgp === undefined) throw invalidField('resource.bgpPeers', '', 'A router without BGP settings (bgp.asn) cannot have BGP peers.');
  return items.map((item, i) => {
    const field = `resource.bgpPeers[${i}]`;
    const name = checkName(stringField(item.name, `${field}.name`), `${field}.name`);
    if (names.has(name)) throw invalidField(`${field}.name`, name, `Duplicate BGP peer name '${name}'.`);
    names.add(name);
    const interfaceName = stringField(item.interfaceName, `${field}.interfaceName`);
    const iface = interfaces.find((f) => f.name === interfaceName);
    if (!iface) throw invalidField(`${field}.interfaceName`, interfaceName ?? '', `The router has no interface named '${interfaceName ?? ''}'.`);
    if (iface.ipRange === undefined) throw invalidField(`${field}.interfaceName`, iface.name, `Interface '${iface.name}' has no IP range for a BGP session.`);
    const { ip, range } = interfaceRange(iface.ipRange, `${field}.interfaceName`);
    const ipAddress = stringField(item.ipAddress, `${field}.ipAddress`) ?? ip;
    if (ipAddress !== ip) throw invalidField(`${field}.ipAddress`, '', `BGP Peer "${name}" has IP address ${ipAddress} different from interface IP address ${ip}`);
    const peerIpAddress = stringField(item.peerIpAddress, `${field}.peerIpAddress`);
    if (peerIpAddress === undefined || peerIpAddress === '') throw new GceError(400, 'required', `Required field '${field}.peerIpAddress' not specified`);
    let peerHost: bigint;
    try {
      peerHost = parseCidr(`${peerIpAddress}/32`).first;
    } catch {
      throw invalidField(`${field}.peerIpAddress`, peerIpAddress, 'Must be an IPv4 address.');
    }
    if (peerHost < range.first || peerHost > range.last || peerHost === range.first || peerHost === range.last || peerIpAddress === ip) {
      throw invalidField(`${field}.peerIpAddress`, peerIpAddress, `The peer IP address must be the other usable address of the interface's range ${range.text}.`);
    }
    const peerAsn = integerField(item.peerAsn, `${field}.peerAsn`);
    if (peerAsn === undefined) throw new GceError(400, 'required', `Required field '${field}.peerAsn' not specified`);
    if (peerAsn < 1 || peerAsn > 4_294_967_294) throw invalidField(`${field}.peerAsn`, peerAsn, 'Must be an ASN between 1 and 4294967294.');
    const customLearnedIpRanges = arrayField(item.customLearnedIpRanges, `${field}.customLearnedIpRanges`).map((r, j) => {
      const text = stringField(r.range, `${field}.customLearnedIpRanges[${j}].range`) ?? '';
      try {
        return parseCidr(text).text;
      } catch {
        throw invalidField(`${field}.customLearnedIpRanges[${j}].range`, text, 'Must be a valid CIDR-formatted prefix.');
      }
    });
    const customLearnedRoutePriority = integerField(item.customLearnedRoutePriority, `${field}.customLearnedRoutePriority`);
    if (customLearnedRoutePriority !== undefined && (customLearnedRoutePriority < 0 || customLearnedRoutePriority > 65535)) {
      throw invalidField(`${field}.customLearnedRoutePriority`, customLearnedRoutePriority, 'Must be between 0 and 65535.');
    }
    const advertisedRoutePriority = integerField(item.advertisedRoutePriority, `${field}.advertisedRoutePriority`);
    return { name, interfaceName: iface.name, ipAddress, peerIpAddress, peerAsn, advertisedRoutePriority, customLearnedIpRanges, customLearnedRoutePriority };
  });
}

/** `routers.insert`. */
export function insertRouter(call: GceCall): GceOperation {
  const region = call.region();
  const repeated = repeatedWrite(call);
  if (repeated) return repeated;
  const body = call.body();
  const state = networkState(call);
  const name = checkName(stringField(body.name, 'resource.name'), 'resource.name');
  const { state: owner, network } = networkOfField(call, stringField(body.network, 'resource.network'), 'resource.network');
  if (owner !== state) throw invalidField('resource.network', body.network, 'The network must be in the project of the router.');
  const bgp = bgpOf(body.bgp, undefined);
  const interfaces = interfacesOf(call, { name, region }, body.interfaces);
  const bgpPeers = peersOf(body.bgpPeers, interfaces, bgp);
  const key = `${region}/${name}`;
  if (!state.reserve('routers', key)) throw alreadyExists(`projects/${call.state.project}/regions/${region}/routers/${name}`);
  const id = state.id();
  const record: RouterRecord = { id, name, region, network: network.name, description: stringField(body.description, 'resource.description'), bgp, interfaces, bgpPeers, createdAt: state.time() };
  return startWrite(call, {
    region,
    type: 'insert',
    targetLink: urls(call).router(region, name),
    targetId: id,
    onDone: () => {
      state.release('routers', key);
      state.routers.set(key, record);
    },
  });
}

/** `routers.get`. */
export function getRouter(call: GceCall): GceJsonObject {
  return renderer(call).router(existing(call));
}

/** `routers.list` (one region). */
export function listRouters(call: GceCall): object {
  const region = call.region();
  const r = renderer(call);
  const items = [...networkState(call).routers.values()].filter((x) => x.region === region).map((x) => r.router(x));
  return listAnswer(call, 'compute#routerList', `projects/${call.state.project}/regions/${region}/routers`, items);
}

/** `routers.aggregatedList`. */
export function aggregatedListRouters(call: GceCall): object {
  const r = renderer(call);
  return aggregatedAnswer(call, 'compute#routerAggregatedList', 'routers', [...networkState(call).routers.values()].map((x) => ({ region: x.region, item: r.router(x) })));
}

/** `routers.patch`: each list in the body replaces the router's whole list. */
export function patchRouter(call: GceCall): GceOperation {
  const repeated = repeatedWrite(call);
  if (repeated) return repeated;
  const router = existing(call);
  const body = call.body();
  const name = stringField(body.name, 'resource.name');
  if (name !== undefined && name !== router.name) throw invalidField('resource.name', name, 'The name of a router cannot be changed.');
  const bgp = body.bgp === undefined ? router.bgp : bgpOf(body.bgp, router.bgp);
  if (bgp?.asn !== router.bgp?.asn && router.bgpPeers.length > 0) throw invalidField('resource.bgp.asn', bgp?.asn ?? '', 'The ASN of a router with BGP sessions cannot be changed.');
  const interfaces = body.interfaces === undefined ? router.interfaces : interfacesOf(call, router, body.interfaces);
  const bgpPeers = body.bgpPeers === undefined ? peersOf(router.bgpPeers.map(peerJson), interfaces, bgp) : peersOf(body.bgpPeers, interfaces, bgp);
  const description = body.description === undefined ? router.description : stringField(body.description, 'resource.description');
  const state = networkState(call);
  const key = `${router.region}/${router.name}`;
  return startWrite(call, {
    region: router.region,
    type: 'patch',
    targetLink: urls(call).router(router.region, router.name),
    targetId: router.id,
    onDone: () => {
      const current = state.routers.get(key);
      if (current !== router) return;
      router.interfaces = interfaces;
      router.bgpPeers = bgpPeers;
      router.description = description;
      router.bgp = bgp;
    },
  });
}

/**
 * `routers.update` (PUT): the body is the whole router; lists and fields it leaves out are
 * cleared (the only way to remove a router's last interface or BGP peer: a PATCH cannot send an
 * empty list, since proto3 JSON omits it). The name and network cannot change.
 */
export function updateRouter(call: GceCall): GceOperation {
  const repeated = repeatedWrite(call);
  if (repeated) return repeated;
  const router = existing(call);
  const body = call.body();
  const name = stringField(body.name, 'resource.name');
  if (name !== undefined && name !== router.name) throw invalidField('resource.name', name, 'The name of a router cannot be changed.');
  const network = stringField(body.network, 'resource.network');
  if (network !== undefined && referenced(network, 'networks', call)?.name !== router.network) throw invalidField('resource.network', network, 'The network of a router cannot be changed.');
  const bgp = body.bgp === undefined ? undefined : bgpOf(body.bgp, undefined);
  if (bgp?.asn !== router.bgp?.asn && router.bgpPeers.length > 0 && bgp !== undefined) throw invalidField('resource.bgp.asn', bgp.asn, 'The ASN of a router with BGP sessions cannot be changed.');
  const interfaces = interfacesOf(call, router, body.interfaces);
  const bgpPeers = peersOf(body.bgpPeers, interfaces, bgp);
  const description = stringField(body.description, 'resource.description');
  const state = networkState(call);
  const key = `${router.region}/${router.name}`;
  return startWrite(call, {
    region: router.region,
    type: 'update',
    targetLink: urls(call).router(router.region, router.name),
    targetId: router.id,
    onDone: () => {
      if (state.routers.get(key) !== router) return;
      router.interfaces = interfaces;
      router.bgpPeers = bgpPeers;
      router.description = description;
      router.bgp = bgp;
    },
  });
}

/** A stored peer as a body item (to recheck it against new interfaces). */
function peerJson(p: BgpPeerRecord): GceJsonObject {
  return {
    name: p.name,
    interfaceName: p.interfaceName,
    ipAddress: p.ipAddress,
    peerIpAddress: p.peerIpAddress,
    peerAsn: p.peerAsn,
    customLearnedIpRanges: p.customLearnedIpRanges.map((range) => ({ range })),
    ...(p.customLearnedRoutePriority === undefined ? {} : { customLearnedRoutePriority: p.customLearnedRoutePriority }),
    ...(p.advertisedRoutePriority === undefined ? {} : { advertisedRoutePriority: p.advertisedRoutePriority }),
  };
}

/** `routers.delete`: refused while a VPN tunnel uses the router. */
export function deleteRouter(call: GceCall): GceOperation {
  const repeated = repeatedWrite(call);
  if (repeated) return repeated;
  const router = existing(call);
  const state = networkState(call);
  const u = urls(call);
  const url = u.router(router.region, router.name);
  const tunnel = [...state.vpnTunnels.values()].find((t) => t.region === router.region && t.router === router.name);
  if (tunnel) throw inUse('router', url, u.vpnTunnel(tunnel.region, tunnel.name));
  return startWrite(call, { region: router.region, type: 'delete', targetLink: url, targetId: router.id, onDone: () => state.routers.delete(`${router.region}/${router.name}`) });
}
