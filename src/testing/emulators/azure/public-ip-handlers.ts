/**
 * `Microsoft.Network/publicIPAddresses`: PUT, GET, list, DELETE.
 * - The SKU defaults to Standard; Basic SKU public IPs can no longer be created (400
 *   `IPv4BasicSkuPublicIpCountLimitReached`, "Cannot create more than 0 IPv4 Basic SKU public IP
 *   addresses for this subscription in this region."), and a Standard one must be Static (400
 *   `StandardAndStandardV2SkuPublicIPAddressesMustBeStatic`, "Standard sku publicIp {id} must
 *   have AllocationMethod set to Static."), as ARM answers since the Basic SKU retirement
 *   (learn.microsoft.com "Upgrade a basic public IP address to Standard SKU" and the errors as
 *   quoted by Bicep/CLI users, read 2026-12).
 * - A public IP a NIC uses cannot be deleted: 400 `PublicIPAddressCannotBeDeleted`, "Public IP
 *   address {id} can not be deleted since it is still allocated to resource {ipConfig}. In order to
 *   delete the public IP, disassociate/detach the Public IP address from the resource. To learn
 *   how to do this, see aka.ms/deletepublicip." (network RP wording as Packer/Terraform logs quote it, read 2026-12).
 */
import { randomUUID } from 'node:crypto';
import { ArmError } from './arm-error.js';
import type { ArmAnswer, ArmCall } from './arm-call.js';
import type { ArmPublicIPAddress } from './arm-shapes.js';
import { pagedList } from './list-paging.js';
import { networkDeleteAnswer, networkIdOf, networkNotFound, networkPutAnswer, networkPutBasics } from './network-common.js';
import { isJsonObject } from './request-body.js';
import { idKey } from './resource-id.js';
import { LOCATION_ZONES } from './vm-size-catalog.js';

/** PUT a public IP. */
export function putPublicIPAddress(call: ArmCall): ArmAnswer {
  const { location, tags } = networkPutBasics(call, 'publicIPAddresses');
  const id = networkIdOf(call, 'publicIPAddresses', 'ipName');
  const existing = call.state.publicIPAddresses.get(idKey(id));
  const body = call.body();
  const skuName = body.at('sku.name').string() ?? existing?.sku.name ?? 'Standard';
  const tier = body.at('sku.tier').string() ?? 'Regional';
  const props = body.get('properties');
  const allocation = props.get('publicIPAllocationMethod').string() ?? 'Static';
  const version = props.get('publicIPAddressVersion').string() ?? 'IPv4';
  if (skuName.toLowerCase() === 'basic') {
    throw new ArmError(400, `${version}BasicSkuPublicIpCountLimitReached`, `Cannot create more than 0 ${version} Basic SKU public IP addresses for this subscription in this region.`, { details: [] });
  }
  if (skuName.toLowerCase() !== 'standard' && skuName.toLowerCase() !== 'standardv2') {
    throw new ArmError(400, 'InvalidRequestFormat', `Cannot parse the request. Value '${skuName}' is not valid for property 'sku.name'.`, { details: [] });
  }
  if (allocation.toLowerCase() !== 'static') {
    throw new ArmError(400, 'StandardAndStandardV2SkuPublicIPAddressesMustBeStatic', `Standard sku publicIp ${id} must have AllocationMethod set to Static.`, { details: [] });
  }
  if (existing && existing.sku.name.toLowerCase() !== skuName.toLowerCase()) {
    throw new ArmError(400, 'PublicIPAddressSkuCannotBeUpdated', `Sku property is set at creation time and cannot be changed from ${existing.sku.name} to ${skuName} on resource update for resource ${id}.`, { details: [] });
  }
  const zones = body.get('zones').items().map((z) => z.string() ?? '');
  const badZone = zones.find((z) => !LOCATION_ZONES.includes(z));
  if (badZone !== undefined) {
    throw new ArmError(400, 'InvalidAvailabilityZone', `The specified zone '${badZone}' for resource ${id} is not supported. Supported zones for location '${location}' are '${LOCATION_ZONES.join(',')}'.`, { details: [] });
  }
  const idle = props.get('idleTimeoutInMinutes').number() ?? 4;
  const dns = props.get('dnsSettings').json();
  const ip: ArmPublicIPAddress = {
    id: existing?.id ?? id,
    name: existing?.name ?? call.param('ipName'),
    type: 'Microsoft.Network/publicIPAddresses',
    location: existing?.location ?? location,
    ...(tags ? { tags } : {}),
    etag: call.state.networkEtag(),
    sku: { name: skuName === 'standard' ? 'Standard' : skuName, tier },
    ...(zones.length > 0 ? { zones } : {}),
    properties: {
      provisioningState: 'Succeeded',
      resourceGuid: existing?.properties.resourceGuid ?? randomUUID(),
      ipAddress: existing?.properties.ipAddress ?? call.state.nextPublicIp(),
      publicIPAddressVersion: version,
      publicIPAllocationMethod: 'Static',
      idleTimeoutInMinutes: idle,
      ipTags: [],
      ...(existing?.properties.ipConfiguration ? { ipConfiguration: existing.properties.ipConfiguration } : {}),
      ...(isJsonObject(dns) ? { dnsSettings: dns } : {}),
    },
  };
  call.state.publicIPAddresses.set(idKey(id), ip);
  return networkPutAnswer(call, existing === undefined, ip);
}

/** GET a public IP. */
export function getPublicIPAddress(call: ArmCall): ArmAnswer {
  const ip = call.state.publicIPAddresses.get(idKey(networkIdOf(call, 'publicIPAddresses', 'ipName')));
  if (!ip) throw networkNotFound(call, 'publicIPAddresses', 'ipName');
  return { status: 200, body: ip };
}

/** GET the public IPs of a resource group. */
export function listPublicIPAddresses(call: ArmCall): ArmAnswer {
  const prefix = idKey(`${call.group().id}/providers/Microsoft.Network/publicIPAddresses/`);
  return pagedList(call, [...call.state.publicIPAddresses.entries()].filter(([k]) => k.startsWith(prefix)).map(([, v]) => v), (v) => v);
}

/** GET every public IP of the subscription. */
export function listAllPublicIPAddresses(call: ArmCall): ArmAnswer {
  return pagedList(call, [...call.state.publicIPAddresses.values()], (v) => v);
}

/** DELETE a public IP (refused while a NIC uses it). */
export function deletePublicIPAddress(call: ArmCall): ArmAnswer {
  const id = networkIdOf(call, 'publicIPAddresses', 'ipName');
  const ip = call.state.publicIPAddresses.get(idKey(id));
  if (!ip) return { status: 204 };
  const user = ip.properties.ipConfiguration?.id;
  if (user !== undefined) {
    throw new ArmError(
      400,
      'PublicIPAddressCannotBeDeleted',
      `Public IP address ${ip.id} can not be deleted since it is still allocated to resource ${user}. In order to delete the public IP, disassociate/detach the Public IP address from the resource.  To learn how to do this, see aka.ms/deletepublicip.`,
      { details: [] },
    );
  }
  return networkDeleteAnswer(call, ip, () => call.state.publicIPAddresses.delete(idKey(id)));
}
