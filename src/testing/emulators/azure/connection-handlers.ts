/**
 * `Microsoft.Network/connections` of type `IPsec` (site-to-site, a VPN gateway to a local network
 * gateway): PUT, GET, list, DELETE, and the `sharedkey` sub-resource (GET, PUT).
 *
 * The pre-shared key: ARM keeps it and hands it out only from `.../sharedkey` (what Terraform's
 * provider reads, `GetSharedKey`; learn.microsoft.com "Get-AzVirtualNetworkGatewayConnectionSharedKey",
 * read 2026-12); the emulator never puts it into a connection's body, a PUT answer or an error
 * message. A PUT without one gets a generated key, as the service does (Azure CLI issue 2799,
 * read 2026-12). A key must be 1–128 printable ASCII characters (400 `InvalidSharedKey`, the
 * emulator's code; the message never quotes the key).
 *
 * Rules: both gateways must exist in the connection's location and be provisioned (400
 * `ReferencedResourceNotProvisioned`, "Cannot proceed with operation because resource {ref} used
 * by resource {id} is not in Succeeded state. Resource is in {state} state and the last operation
 * that updated/is updating the resource is {operation}.", network RP wording as Terraform users
 * quote it, read 2026-12); `enableBgp` needs BGP on the VPN gateway and a BGP speaker on the local
 * network gateway (400 `BgpNotConfigured`, the emulator's code); each custom BGP address must be
 * one the gateway's IP configuration has (400 `InvalidCustomBgpIpAddress`, the emulator's code).
 * The connection provisions in `gatewayTiming.connectionMs`; its `connectionStatus` is `Unknown`
 * until then and `Connecting` after (nothing answers on the far side of an emulator), unless a
 * test sets another status with {@link setConnectionStatus}.
 */
import { randomBytes, randomUUID } from 'node:crypto';
import { ArmError, missingParameter } from './arm-error.js';
import { asyncAnswer, resourceNotFound, type ArmAnswer, type ArmCall } from './arm-call.js';
import type { ArmState } from './arm-state.js';
import { pagedList } from './list-paging.js';
import { invalidPropertyId, invalidReference } from './network-common.js';
import type { BodyField } from './request-body.js';
import { idKey, isIdOfType } from './resource-id.js';
import { refuseWhileBusy, routingIdOf, routingPutBasics } from './virtual-network-gateway-common.js';
import { routingOf, type ArmConnection, type ArmGatewayCustomBgpIpAddress, type ConnectionRecord } from './virtual-network-gateway-state.js';

/** Printable ASCII, 1–128 characters. */
const SHARED_KEY = /^[\x20-\x7e]{1,128}$/;

function checkSharedKey(key: string, connectionId: string): string {
  if (!SHARED_KEY.test(key)) {
    throw new ArmError(400, 'InvalidSharedKey', `The shared key of connection ${connectionId} is not valid: it must be 1 to 128 printable ASCII characters.`, { details: [] });
  }
  return key;
}

function notProvisioned(ref: string, by: string, state: string, operation: string): ArmError {
  return new ArmError(
    400,
    'ReferencedResourceNotProvisioned',
    `Cannot proceed with operation because resource ${ref} used by resource ${by} is not in Succeeded state. Resource is in ${state} state and the last operation that updated/is updating the resource is ${operation}.`,
    { details: [] },
  );
}

function reference(field: BodyField, fullType: string, path: string): string {
  const ref = field.get('id').string();
  if (ref === undefined) throw missingParameter(`${field.target}.id`);
  if (!isIdOfType(ref, fullType)) throw invalidPropertyId(ref, path, fullType);
  return ref;
}

/** PUT a connection. */
export function putConnection(call: ArmCall): ArmAnswer {
  const { location, tags } = routingPutBasics(call, 'connections');
  const id = routingIdOf(call, 'connections', 'connectionName');
  const routing = routingOf(call.state);
  const existing = routing.connections.get(idKey(id));
  if (existing) refuseWhileBusy(call, existing.body.id, existing.body.location);
  const connectionId = existing?.body.id ?? id;
  const props = call.body().get('properties');
  const type = props.get('connectionType').string();
  if (type === undefined) throw missingParameter('connectionType');
  if (type.toLowerCase() !== 'ipsec') throw new ArmError(400, 'InvalidRequestFormat', `Connection type '${type}' is not served by the emulator: only 'IPsec' (site-to-site) connections are.`, { details: [] });
  const gatewayRef = reference(props.get('virtualNetworkGateway1'), 'Microsoft.Network/virtualNetworkGateways', 'properties.virtualNetworkGateway1.id');
  const localRef = reference(props.get('localNetworkGateway2'), 'Microsoft.Network/localNetworkGateways', 'properties.localNetworkGateway2.id');
  const gateway = routing.virtualNetworkGateways.get(idKey(gatewayRef));
  if (!gateway || gateway.location !== location) throw invalidReference(gatewayRef, connectionId);
  const local = routing.localNetworkGateways.get(idKey(localRef));
  if (!local || local.location !== location) throw invalidReference(localRef, connectionId);
  if (gateway.properties.provisioningState !== 'Succeeded') throw notProvisioned(gateway.id, connectionId, gateway.properties.provisioningState, 'PutVirtualNetworkGatewayOperation');
  if (local.properties.provisioningState !== 'Succeeded') throw notProvisioned(local.id, connectionId, local.properties.provisioningState, 'PutLocalNetworkGatewayOperation');
  if (existing && (idKey(existing.body.properties.virtualNetworkGateway1.id) !== idKey(gateway.id) || idKey(existing.body.properties.localNetworkGateway2.id) !== idKey(local.id))) {
    throw new ArmError(400, 'PropertyChangeNotAllowed', `The gateways of connection ${connectionId} cannot be changed; delete it and create another.`, { details: [] });
  }
  const enableBgp = props.get('enableBgp').boolean() ?? false;
  if (enableBgp && (!gateway.properties.enableBgp || local.properties.bgpSettings === undefined)) {
    throw new ArmError(400, 'BgpNotConfigured', `Connection ${connectionId} enables BGP, but ${!gateway.properties.enableBgp ? `virtual network gateway ${gateway.id} has BGP disabled` : `local network gateway ${local.id} has no BGP settings`}.`, { details: [] });
  }
  const custom: ArmGatewayCustomBgpIpAddress[] = props.get('gatewayCustomBgpIpAddresses').items().map((entry) => {
    const configId = entry.get('ipConfigurationId').string();
    const address = entry.get('customBgpIpAddress').string();
    if (configId === undefined) throw missingParameter(`${entry.target}.ipConfigurationId`);
    if (address === undefined) throw missingParameter(`${entry.target}.customBgpIpAddress`);
    const peering = gateway.properties.bgpSettings.bgpPeeringAddresses?.find((p) => idKey(p.ipconfigurationId) === idKey(configId));
    if (peering === undefined) throw invalidReference(configId, connectionId);
    if (!peering.customBgpIpAddresses.includes(address)) {
      throw new ArmError(400, 'InvalidCustomBgpIpAddress', `Custom BGP IP address ${address} of connection ${connectionId} is not one of the custom BGP addresses of ${configId} (${peering.customBgpIpAddresses.join(', ') || 'none'}).`, { details: [] });
    }
    return { ipConfigurationId: configId, customBgpIpAddress: address };
  });
  const sent = props.get('sharedKey').string();
  const sharedKey = sent !== undefined ? checkSharedKey(sent, connectionId) : (existing?.sharedKey ?? randomBytes(24).toString('base64url'));
  const body: ArmConnection = {
    id: connectionId,
    name: existing?.body.name ?? call.param('connectionName'),
    type: 'Microsoft.Network/connections',
    location: existing?.body.location ?? location,
    ...(tags ? { tags } : {}),
    etag: call.state.networkEtag(),
    properties: {
      provisioningState: 'Updating',
      resourceGuid: existing?.body.properties.resourceGuid ?? randomUUID(),
      virtualNetworkGateway1: { id: gateway.id, properties: {} },
      localNetworkGateway2: { id: local.id, properties: {} },
      connectionType: 'IPsec',
      connectionProtocol: props.get('connectionProtocol').string() ?? 'IKEv2',
      routingWeight: props.get('routingWeight').number() ?? 0,
      dpdTimeoutSeconds: props.get('dpdTimeoutSeconds').number() ?? 45,
      enableBgp,
      ...(custom.length > 0 ? { gatewayCustomBgpIpAddresses: custom } : {}),
      usePolicyBasedTrafficSelectors: props.get('usePolicyBasedTrafficSelectors').boolean() ?? false,
      ipsecPolicies: [],
      connectionStatus: existing?.body.properties.connectionStatus ?? 'Unknown',
      ingressBytesTransferred: 0,
      egressBytesTransferred: 0,
      connectionMode: props.get('connectionMode').string() ?? 'Default',
    },
  };
  const record: ConnectionRecord = { body, sharedKey, settledStatus: existing?.settledStatus ?? 'Connecting' };
  routing.connections.set(idKey(connectionId), record);
  return asyncAnswer(
    call,
    {
      kind: call.operation,
      provider: 'network',
      location: body.location,
      target: body.id,
      runningMs: routing.timing.connectionMs,
      effect: () => {
        if (routing.connections.get(idKey(body.id)) === record) settle(call.state, record);
        return undefined;
      },
    },
    { status: existing ? 200 : 201, body: structuredClone(body), withLocation: false },
  );
}

/** A provisioned connection: its status, and one tunnel per instance of its gateway. */
function settle(state: ArmState, record: ConnectionRecord): void {
  const props = record.body.properties;
  props.provisioningState = 'Succeeded';
  props.connectionStatus = record.settledStatus;
  const routing = routingOf(state);
  const gateway = routing.virtualNetworkGateways.get(idKey(props.virtualNetworkGateway1.id));
  const local = routing.localNetworkGateways.get(idKey(props.localNetworkGateway2.id));
  const tunnels = (gateway?.properties.bgpSettings.bgpPeeringAddresses ?? []).flatMap((p) => p.tunnelIpAddresses);
  props.tunnelConnectionStatus = tunnels.map((ip) => ({
    tunnel: `${local?.properties.gatewayIpAddress ?? local?.properties.fqdn ?? ''}_${ip}`,
    connectionStatus: record.settledStatus,
    ingressBytesTransferred: 0,
    egressBytesTransferred: 0,
  }));
}

function connectionOf(call: ArmCall): ConnectionRecord {
  const record = routingOf(call.state).connections.get(idKey(routingIdOf(call, 'connections', 'connectionName')));
  if (!record) throw resourceNotFound('Microsoft.Network/connections', call.param('connectionName'), call.group().name);
  return record;
}

/** GET a connection (never with its shared key). */
export function getConnection(call: ArmCall): ArmAnswer {
  return { status: 200, body: connectionOf(call).body };
}

/** GET the connections of a resource group. */
export function listConnections(call: ArmCall): ArmAnswer {
  const prefix = idKey(`${call.group().id}/providers/Microsoft.Network/connections/`);
  return pagedList(call, [...routingOf(call.state).connections.entries()].filter(([k]) => k.startsWith(prefix)).map(([, v]) => v), (v) => v.body);
}

/** DELETE a connection. */
export function deleteConnection(call: ArmCall): ArmAnswer {
  const routing = routingOf(call.state);
  const record = routing.connections.get(idKey(routingIdOf(call, 'connections', 'connectionName')));
  if (!record) return { status: 204 };
  refuseWhileBusy(call, record.body.id, record.body.location);
  record.body.properties.provisioningState = 'Deleting';
  return asyncAnswer(
    call,
    {
      kind: call.operation,
      provider: 'network',
      location: record.body.location,
      target: record.body.id,
      runningMs: routing.timing.connectionMs,
      effect: () => {
        routing.connections.delete(idKey(record.body.id));
        return undefined;
      },
    },
    { status: 202, withLocation: true },
  );
}

/** GET a connection's shared key: the one place ARM shows it. */
export function getConnectionSharedKey(call: ArmCall): ArmAnswer {
  const record = connectionOf(call);
  return { status: 200, body: { id: record.body.id, value: record.sharedKey } };
}

/** PUT a connection's shared key. */
export function putConnectionSharedKey(call: ArmCall): ArmAnswer {
  const record = connectionOf(call);
  refuseWhileBusy(call, record.body.id, record.body.location);
  const value = call.body().get('value').string();
  if (value === undefined) throw missingParameter('value');
  const key = checkSharedKey(value, record.body.id);
  return asyncAnswer(
    call,
    {
      kind: call.operation,
      provider: 'network',
      location: record.body.location,
      target: record.body.id,
      effect: () => {
        record.sharedKey = key;
        return { id: record.body.id, value: key };
      },
    },
    { status: 201, body: { id: record.body.id, value: key }, withLocation: true },
  );
}

/** Sets the status a connection reports once provisioned (`Connected`, `NotConnected`, ...): the far side's answer, which no emulator sees. */
export function setConnectionStatus(state: ArmState, connectionId: string, status: 'Connecting' | 'Connected' | 'NotConnected' | 'Unknown'): void {
  const record = routingOf(state).connections.get(idKey(connectionId));
  if (!record) throw new Error(`[novacron] [arm-emulator] no connection ${connectionId}`);
  record.settledStatus = status;
  if (record.body.properties.provisioningState === 'Succeeded') settle(state, record);
}
