/**
 * VPN tunnels of HA VPN gateways: `vpnTunnels.insert`, `get`, `list`, `aggregatedList` and
 * `delete` (Compute Engine REST reference v1, read 2026-12).
 *
 * An HA VPN tunnel names its `vpnGateway` and `vpnGatewayInterface`, the
 * `peerExternalGateway` and `peerExternalGatewayInterface` it goes to, the Cloud `router` of its
 * BGP session (same region and network as the gateway), `ikeVersion` (default 2) and a
 * `sharedSecret`. A `peerIp` is refused as GCE refuses it ("Cannot specify peer IP for HA VPN
 * tunnel creation, please specify peerExternalGateway or peerGcpGateway instead.", as users
 * report it); so are traffic selectors other than `0.0.0.0/0`. Classic VPN (`targetVpnGateway`)
 * and GCP-to-GCP tunnels (`peerGcpGateway`) are not emulated.
 *
 * The secret is never shown again: a GET has `sharedSecretHash`, and no refusal repeats it. A
 * tunnel that a Cloud Router interface still links cannot be deleted (remove the interface
 * first).
 */
import { GceError, alreadyExists, invalidField } from './gce-error.js';
import { integerField, stringField, type GceCall } from './gce-call.js';
import type { GceJsonObject, GceJsonValue, GceOperation } from './gce-shapes.js';
import { checkName } from './instance-insert.js';
import { checkLabels } from './label-rules.js';
import { sharedSecretHash, type VpnTunnelRecord } from './network-state.js';
import { aggregatedAnswer, inUse, listAnswer, networkState, referenced, renderer, repeatedWrite, startWrite, urls } from './network-writes.js';

function existing(call: GceCall): VpnTunnelRecord {
  const region = call.region();
  const tunnel = networkState(call).vpnTunnels.get(`${region}/${call.param('vpnTunnel')}`);
  if (!tunnel) throw call.notFound(`projects/${call.state.project}/regions/${region}/vpnTunnels/${call.param('vpnTunnel')}`);
  return tunnel;
}

function required<T>(value: T | undefined, field: string): T {
  if (value === undefined || value === '') throw new GceError(400, 'required', `Required field '${field}' not specified`);
  return value;
}

function onlyAnyTrafficSelector(value: GceJsonValue | undefined, field: string): void {
  if (value === undefined || value === null) return;
  const ok = Array.isArray(value) && value.every((v) => v === '0.0.0.0/0');
  if (!ok) throw invalidField(field, value, 'Traffic selector narrowing is not allowed for an HA VPN tunnel.');
}

/** `vpnTunnels.insert`: an HA VPN tunnel to an external VPN gateway. */
export function insertVpnTunnel(call: GceCall): GceOperation {
  const region = call.region();
  const repeated = repeatedWrite(call);
  if (repeated) return repeated;
  const body = call.body();
  const state = networkState(call);
  const name = checkName(stringField(body.name, 'resource.name'), 'resource.name');
  if (body.targetVpnGateway !== undefined) throw invalidField('resource.targetVpnGateway', body.targetVpnGateway, '[gce-emulator] Classic VPN tunnels are not emulated; use an HA VPN gateway (vpnGateway).');
  if (body.peerGcpGateway !== undefined) throw invalidField('resource.peerGcpGateway', body.peerGcpGateway, '[gce-emulator] HA VPN tunnels between two GCP gateways are not emulated; describe the peer with an external VPN gateway.');
  const peerIp = stringField(body.peerIp, 'resource.peerIp');
  if (peerIp !== undefined) throw invalidField('resource.peerIp', peerIp, 'Cannot specify peer IP for HA VPN tunnel creation, please specify peerExternalGateway or peerGcpGateway instead.');
  onlyAnyTrafficSelector(body.localTrafficSelector, 'resource.localTrafficSelector');
  onlyAnyTrafficSelector(body.remoteTrafficSelector, 'resource.remoteTrafficSelector');

  const gatewayValue = required(stringField(body.vpnGateway, 'resource.vpnGateway'), 'resource.vpnGateway');
  const gatewayRef = referenced(gatewayValue, 'vpnGateways', call);
  const gateway = gatewayRef && gatewayRef.project === call.state.project && gatewayRef.region === region ? state.vpnGateways.get(`${region}/${gatewayRef.name}`) : undefined;
  if (!gateway) throw invalidField('resource.vpnGateway', gatewayValue, `The referenced vpnGateway resource cannot be found in region '${region}'.`);
  const gatewayInterface = required(integerField(body.vpnGatewayInterface, 'resource.vpnGatewayInterface'), 'resource.vpnGatewayInterface');
  const local = gateway.interfaces.find((i) => i.id === gatewayInterface);
  if (!local) throw invalidField('resource.vpnGatewayInterface', gatewayInterface, `The VPN gateway has interfaces ${gateway.interfaces.map((i) => i.id).join(' and ')}.`);

  const peerValue = required(stringField(body.peerExternalGateway, 'resource.peerExternalGateway'), 'resource.peerExternalGateway');
  const peerRef = referenced(peerValue, 'externalVpnGateways', call);
  const peer = peerRef && peerRef.project === call.state.project ? state.externalVpnGateways.get(peerRef.name) : undefined;
  if (!peer) throw invalidField('resource.peerExternalGateway', peerValue, 'The referenced externalVpnGateway resource cannot be found.');
  const peerInterface = integerField(body.peerExternalGatewayInterface, 'resource.peerExternalGatewayInterface') ?? (peer.interfaces.length === 1 ? 0 : undefined);
  const remote = peerInterface === undefined ? undefined : peer.interfaces.find((i) => i.id === peerInterface);
  if (!remote) throw invalidField('resource.peerExternalGatewayInterface', peerInterface ?? '', `The external VPN gateway has interfaces 0 to ${peer.interfaces.length - 1}; name one.`);

  const routerValue = required(stringField(body.router, 'resource.router'), 'resource.router');
  const routerRef = referenced(routerValue, 'routers', call);
  const router = routerRef && routerRef.project === call.state.project && routerRef.region === region ? state.routers.get(`${region}/${routerRef.name}`) : undefined;
  if (!router) throw invalidField('resource.router', routerValue, `The referenced router resource cannot be found in region '${region}'.`);
  if (router.network !== gateway.network) throw invalidField('resource.router', routerValue, `The router's network '${router.network}' is not the VPN gateway's network '${gateway.network}'.`);

  // The secret is checked and hashed, never echoed.
  const secret = stringField(body.sharedSecret, 'resource.sharedSecret');
  if (secret === undefined || secret === '') throw new GceError(400, 'required', "Required field 'resource.sharedSecret' not specified");
  const ikeVersion = integerField(body.ikeVersion, 'resource.ikeVersion') ?? 2;
  if (ikeVersion !== 1 && ikeVersion !== 2) throw invalidField('resource.ikeVersion', ikeVersion, 'Must be 1 or 2.');
  const labels = checkLabels(body.labels, 'resource.labels');

  const key = `${region}/${name}`;
  if (!state.reserve('vpnTunnels', key)) throw alreadyExists(`projects/${call.state.project}/regions/${region}/vpnTunnels/${name}`);
  const id = state.id();
  const record: VpnTunnelRecord = {
    id,
    name,
    region,
    description: stringField(body.description, 'resource.description'),
    labels,
    vpnGateway: gateway.name,
    vpnGatewayInterface: gatewayInterface,
    peerExternalGateway: peer.name,
    peerExternalGatewayInterface: remote.id,
    router: router.name,
    ikeVersion,
    sharedSecretHash: sharedSecretHash(secret),
    localIp: local.ipAddress,
    peerIp: remote.ipAddress,
    createdAt: state.time(),
  };
  return startWrite(call, {
    region,
    type: 'insert',
    targetLink: urls(call).vpnTunnel(region, name),
    targetId: id,
    onDone: () => {
      state.release('vpnTunnels', key);
      state.vpnTunnels.set(key, record);
    },
  });
}

/** `vpnTunnels.get`: `sharedSecretHash`, never the secret. */
export function getVpnTunnel(call: GceCall): GceJsonObject {
  return renderer(call).vpnTunnel(existing(call));
}

/** `vpnTunnels.list` (one region). */
export function listVpnTunnels(call: GceCall): object {
  const region = call.region();
  const r = renderer(call);
  const items = [...networkState(call).vpnTunnels.values()].filter((t) => t.region === region).map((t) => r.vpnTunnel(t));
  return listAnswer(call, 'compute#vpnTunnelList', `projects/${call.state.project}/regions/${region}/vpnTunnels`, items);
}

/** `vpnTunnels.aggregatedList`. */
export function aggregatedListVpnTunnels(call: GceCall): object {
  const r = renderer(call);
  return aggregatedAnswer(call, 'compute#vpnTunnelAggregatedList', 'vpnTunnels', [...networkState(call).vpnTunnels.values()].map((t) => ({ region: t.region, item: r.vpnTunnel(t) })));
}

/** `vpnTunnels.delete`: refused while a Cloud Router interface links the tunnel. */
export function deleteVpnTunnel(call: GceCall): GceOperation {
  const repeated = repeatedWrite(call);
  if (repeated) return repeated;
  const tunnel = existing(call);
  const state = networkState(call);
  const u = urls(call);
  const url = u.vpnTunnel(tunnel.region, tunnel.name);
  const router = [...state.routers.values()].find((r) => r.interfaces.some((i) => i.linkedVpnTunnel === url));
  if (router) throw inUse('vpn_tunnel', url, u.router(router.region, router.name));
  return startWrite(call, { region: tunnel.region, type: 'delete', targetLink: url, targetId: tunnel.id, onDone: () => state.vpnTunnels.delete(`${tunnel.region}/${tunnel.name}`) });
}
