/**
 * `Microsoft.Network/networkSecurityGroups`: PUT, GET, list, DELETE. Every NSG carries the six
 * default rules Azure adds (AllowVnetInBound 65000, AllowAzureLoadBalancerInBound 65001,
 * DenyAllInBound 65500, AllowVnetOutBound 65000, AllowInternetOutBound 65001, DenyAllOutBound
 * 65500; learn.microsoft.com "Network security groups", default security rules, read 2026-12).
 * Rule priorities must lie in 100-4096 (400 `SecurityRuleInvalidPriority`); an NSG in use by a
 * NIC or subnet cannot be deleted (400 `InUseNetworkSecurityGroupCannotBeDeleted`), network RP
 * wording as Azure troubleshooting pages quote it, read 2026-12.
 */
import { randomUUID } from 'node:crypto';
import { ArmError, missingParameter } from './arm-error.js';
import type { ArmAnswer, ArmCall } from './arm-call.js';
import type { ArmState } from './arm-state.js';
import type { ArmNetworkSecurityGroup, ArmSecurityRule } from './arm-shapes.js';
import { pagedList } from './list-paging.js';
import { networkDeleteAnswer, networkIdOf, networkNotFound, networkPutAnswer, networkPutBasics } from './network-common.js';
import { isJsonObject, type JsonObject } from './request-body.js';
import { idKey } from './resource-id.js';

const DEFAULT_RULES: readonly (readonly [string, number, 'Inbound' | 'Outbound', 'Allow' | 'Deny', string, string])[] = [
  ['AllowVnetInBound', 65000, 'Inbound', 'Allow', 'VirtualNetwork', 'VirtualNetwork'],
  ['AllowAzureLoadBalancerInBound', 65001, 'Inbound', 'Allow', 'AzureLoadBalancer', '*'],
  ['DenyAllInBound', 65500, 'Inbound', 'Deny', '*', '*'],
  ['AllowVnetOutBound', 65000, 'Outbound', 'Allow', 'VirtualNetwork', 'VirtualNetwork'],
  ['AllowInternetOutBound', 65001, 'Outbound', 'Allow', '*', 'Internet'],
  ['DenyAllOutBound', 65500, 'Outbound', 'Deny', '*', '*'],
];

function defaultRules(state: ArmState, nsgId: string): ArmSecurityRule[] {
  return DEFAULT_RULES.map(([name, priority, direction, access, source, destination]) => ({
    name,
    id: `${nsgId}/defaultSecurityRules/${name}`,
    type: 'Microsoft.Network/networkSecurityGroups/defaultSecurityRules',
    properties: {
      provisioningState: 'Succeeded',
      description: `Default rule ${name}`,
      protocol: '*',
      sourcePortRange: '*',
      destinationPortRange: '*',
      sourceAddressPrefix: source,
      destinationAddressPrefix: destination,
      access,
      priority,
      direction,
      etag: state.networkEtag(),
    },
  }));
}

/** An NSG as stored. */
export function buildNetworkSecurityGroup(state: ArmState, id: string, name: string, location: string, rules: ArmSecurityRule[], tags?: Record<string, string>): ArmNetworkSecurityGroup {
  return {
    id,
    name,
    type: 'Microsoft.Network/networkSecurityGroups',
    location,
    ...(tags ? { tags } : {}),
    etag: state.networkEtag(),
    properties: { provisioningState: 'Succeeded', resourceGuid: randomUUID(), securityRules: rules, defaultSecurityRules: defaultRules(state, id) },
  };
}

/** PUT an NSG. */
export function putNetworkSecurityGroup(call: ArmCall): ArmAnswer {
  const { location, tags } = networkPutBasics(call, 'networkSecurityGroups');
  const id = networkIdOf(call, 'networkSecurityGroups', 'nsgName');
  const existing = call.state.networkSecurityGroups.get(idKey(id));
  const rules = call
    .body()
    .at('properties.securityRules')
    .items()
    .map((f): ArmSecurityRule => {
      const name = f.get('name').string();
      if (name === undefined) throw missingParameter(`${f.target}.name`);
      const priority = f.at('properties.priority').number();
      if (priority === undefined || !Number.isInteger(priority) || priority < 100 || priority > 4096) {
        throw new ArmError(400, 'SecurityRuleInvalidPriority', `Security rule has invalid Priority. Value provided: ${priority ?? 'null'} Allowed range 100-4096.`, { details: [] });
      }
      const sent = f.get('properties').json();
      const props: JsonObject = isJsonObject(sent) ? sent : {};
      return { name, id: `${id}/securityRules/${name}`, type: 'Microsoft.Network/networkSecurityGroups/securityRules', properties: { ...props, provisioningState: 'Succeeded' } };
    });
  const nsg = buildNetworkSecurityGroup(call.state, existing?.id ?? id, existing?.name ?? call.param('nsgName'), existing?.location ?? location, rules, tags);
  if (existing?.properties.networkInterfaces) nsg.properties.networkInterfaces = existing.properties.networkInterfaces;
  if (existing?.properties.subnets) nsg.properties.subnets = existing.properties.subnets;
  call.state.networkSecurityGroups.set(idKey(id), nsg);
  return networkPutAnswer(call, existing === undefined, nsg);
}

/** GET an NSG. */
export function getNetworkSecurityGroup(call: ArmCall): ArmAnswer {
  const nsg = call.state.networkSecurityGroups.get(idKey(networkIdOf(call, 'networkSecurityGroups', 'nsgName')));
  if (!nsg) throw networkNotFound(call, 'networkSecurityGroups', 'nsgName');
  return { status: 200, body: nsg };
}

/** GET the NSGs of a resource group. */
export function listNetworkSecurityGroups(call: ArmCall): ArmAnswer {
  const prefix = idKey(`${call.group().id}/providers/Microsoft.Network/networkSecurityGroups/`);
  return pagedList(call, [...call.state.networkSecurityGroups.entries()].filter(([k]) => k.startsWith(prefix)).map(([, v]) => v), (v) => v);
}

/** DELETE an NSG (refused while in use). */
export function deleteNetworkSecurityGroup(call: ArmCall): ArmAnswer {
  const id = networkIdOf(call, 'networkSecurityGroups', 'nsgName');
  const nsg = call.state.networkSecurityGroups.get(idKey(id));
  if (!nsg) return { status: 204 };
  const users = [...(nsg.properties.networkInterfaces ?? []), ...(nsg.properties.subnets ?? [])].map((r) => r.id);
  if (users.length > 0) {
    throw new ArmError(
      400,
      'InUseNetworkSecurityGroupCannotBeDeleted',
      `Network security group ${nsg.id} cannot be deleted because it is in use by the following resources: ${users.join(', ')}. In order to delete the Network security group, remove the association with the resource(s). To learn how to do this, see https://aka.ms/deletensg.`,
      { details: [] },
    );
  }
  return networkDeleteAnswer(call, nsg, () => call.state.networkSecurityGroups.delete(idKey(id)));
}
