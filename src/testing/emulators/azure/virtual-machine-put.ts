/**
 * `PUT .../Microsoft.Compute/virtualMachines/{vm}`: create or update, as the compute RP runs it.
 * The body is checked (see `vm-request.ts`, `vm-references.ts`, `vm-allocation.ts`); a new VM is
 * stored at once with provisioning state `Creating` and its OS disk created as a disk resource
 * (named `{vm}_OsDisk_1_{32 hex}` unless `osDisk.name` says otherwise, Azure's default pattern),
 * its NICs attached; the answer is 201 (200 for an update) with `Azure-AsyncOperation` and no
 * `Location`, and the operation ends `Succeeded` (VM running) or `Failed` (provisioning state
 * `Failed`, the VM and its disk left in place, as Azure leaves them). An existing VM keeps its
 * immutable properties: changing one is 409 `PropertyChangeNotAllowed` "Changing property
 * '{name}' is not allowed." (target the property); a different location is 400
 * `InvalidResourceLocation`; `If-None-Match: *` on an existing VM and a stale `If-Match` are 412
 * `PreconditionFailed` (compute RP wording as quoted in Azure SDK issue threads, read 2026-12).
 * `adminPassword` is never stored; `customData` is kept aside (GET does not return it).
 * When `managedDisk.storageAccountType` is absent the OS disk is Premium_LRS on sizes that take
 * premium storage and Standard_LRS otherwise (the emulator's assumption; Azure does not document it).
 */
import { randomBytes, randomUUID } from 'node:crypto';
import { ArmError, invalidParameter } from './arm-error.js';
import { asyncAnswer, checkLocation, locationOf, type ArmAnswer, type ArmCall } from './arm-call.js';
import type { ArmVirtualMachine } from './arm-shapes.js';
import type { VirtualMachineRecord } from './arm-state.js';
import { diskTier, storeDisk } from './managed-disks.js';
import { isJsonObject, type JsonObject } from './request-body.js';
import { idKey, resourceId } from './resource-id.js';
import { checkTags } from './tag-rules.js';
import { allocate, checkQuotas, checkSizeOffered, checkSpot, type PlacementAsk } from './vm-allocation.js';
import { renderVirtualMachine } from './vm-instance-view.js';
import { checkBootable, checkDiskTypeForSize, resolveAttachedDisk, resolveImage, resolveNics } from './vm-references.js';
import { readVmRequest, type VmRequest } from './vm-request.js';
import { familyOf, premiumIoCapable } from './vm-size-families.js';

const VM_TYPE = 'Microsoft.Compute/virtualMachines';

function changed(target: string): ArmError {
  return new ArmError(409, 'PropertyChangeNotAllowed', `Changing property '${target}' is not allowed.`, { target });
}

/** Refuses a PUT that changes what cannot change after create. */
function checkImmutable(existing: VirtualMachineRecord, request: VmRequest): void {
  const props = existing.body.properties;
  const os = props.osProfile;
  const same = (a: string | undefined, b: string | undefined): boolean => (a ?? '').toLowerCase() === (b ?? '').toLowerCase();
  if (request.osProfile && os) {
    if (!same(request.osProfile.computerName, os.computerName)) throw changed('osProfile.computerName');
    if (request.osProfile.adminUsername !== os.adminUsername) throw changed('osProfile.adminUsername');
    if (request.osProfile.customData !== existing.customData) throw changed('customData');
  }
  if (request.osDisk.name !== undefined && !same(request.osDisk.name, props.storageProfile.osDisk.name)) throw changed('osDisk.name');
  if (request.osDisk.createOption !== props.storageProfile.osDisk.createOption) throw changed('osDisk.createOption');
  const image = props.storageProfile.imageReference;
  if (request.image && image && !(same(request.image.publisher, image.publisher) && same(request.image.offer, image.offer) && same(request.image.sku, image.sku))) {
    throw changed('imageReference');
  }
  if ((request.zones[0] ?? '') !== (existing.body.zones?.[0] ?? '')) throw changed('zones');
  if (request.priority !== (props.priority ?? 'Regular')) throw changed('priority');
}

/** Answers `If-Match` / `If-None-Match` as the compute RP does. */
function checkPreconditions(call: ArmCall, existing: VirtualMachineRecord | undefined): void {
  const ifNoneMatch = call.request.header('if-none-match');
  const ifMatch = call.request.header('if-match');
  if (ifNoneMatch === '*' && existing) throw new ArmError(412, 'PreconditionFailed', "The specified precondition 'If-None-Match = *' failed.");
  if (ifMatch !== undefined && ifMatch !== '*' && ifMatch !== existing?.body.etag) throw new ArmError(412, 'PreconditionFailed', `The specified precondition 'If-Match = ${ifMatch}' failed.`);
  if (ifMatch === '*' && !existing) throw new ArmError(412, 'PreconditionFailed', "The specified precondition 'If-Match = *' failed.");
}

/** The last write as the emulator shows it: the body with `adminPassword` removed. */
function redactedWrite(call: ArmCall): JsonObject {
  const sent = call.body().json();
  const copy: JsonObject = isJsonObject(sent) ? sent : {};
  const props = copy.properties;
  if (isJsonObject(props) && isJsonObject(props.osProfile)) delete props.osProfile.adminPassword;
  return copy;
}

/** PUT a VM. */
export function putVirtualMachine(call: ArmCall): ArmAnswer {
  const state = call.state;
  const group = call.group();
  const name = call.param('vmName');
  const location = locationOf(call);
  checkLocation(call, location, VM_TYPE);
  if (name.length > 64 || !/^[A-Za-z0-9][A-Za-z0-9_.-]*$/.test(name) || name.endsWith('.') || name.endsWith('-')) {
    throw invalidParameter('vmName', `The resource name '${name}' is invalid. It can contain only letters, digits, '_', '.' and '-', must start with a letter or digit and be at most 64 characters long.`);
  }
  const id = resourceId(state.subscriptionId, group.name, VM_TYPE, name);
  const existing = state.virtualMachines.get(idKey(id));
  checkPreconditions(call, existing);
  if (existing && existing.body.location !== location) {
    throw new ArmError(400, 'InvalidResourceLocation', `The resource '${name}' already exists in location '${existing.body.location}' in resource group '${group.name}'. A resource with the same name cannot be created in location '${location}'. Please select a new resource name.`);
  }
  const request = readVmRequest(call.body(), name);
  checkTags(request.tags);
  if (existing) checkImmutable(existing, request);
  const vmId = existing?.body.id ?? id;
  const sized = checkSizeOffered(state, { size: request.size, location, zones: request.zones, vmName: name });
  const sizeRow = state.catalog.offering(sized.name, location)!.offer;
  const image = resolveImage(request);
  const attached = request.osDisk.createOption === 'Attach' ? resolveAttachedDisk(state, request.osDisk.diskId!, vmId, location, request.zones) : undefined;
  const generation = image?.image.hyperVGeneration ?? attached?.body.properties.hyperVGeneration ?? 'V1';
  checkBootable({ name: sized.name, arch: sized.arch, gpus: sizeRow.gpu?.count ?? 0 }, generation, image?.image.architecture ?? sized.arch);
  const storageType = request.osDisk.storageAccountType ?? attached?.body.sku.name ?? existing?.body.properties.storageProfile.osDisk.managedDisk.storageAccountType ?? (premiumIoCapable(sized.name) ? 'Premium_LRS' : 'Standard_LRS');
  const osDiskName = existing?.body.properties.storageProfile.osDisk.name ?? attached?.body.name ?? request.osDisk.name ?? `${name}_OsDisk_1_${randomBytes(16).toString('hex')}`;
  checkDiskTypeForSize(storageType, sized.name, osDiskName);
  const imageSize = image?.image.osDiskSizeGB ?? attached?.body.properties.diskSizeGB ?? 30;
  const diskSizeGB = request.osDisk.diskSizeGB ?? existing?.body.properties.storageProfile.osDisk.diskSizeGB ?? imageSize;
  if (diskSizeGB < imageSize) {
    throw invalidParameter(
      'osDisk.diskSizeGB',
      `The specified disk size ${diskSizeGB} GB is smaller than the size of the corresponding disk in the VM image: ${imageSize} GB. This is not allowed. Please choose equal or greater size or do not specify an explicit size.`,
    );
  }
  const nics = resolveNics(state, request, vmId, location);
  const spot = request.priority !== 'Regular';
  const ask: PlacementAsk = { vmId, vmName: name, size: sized.name, location, zones: request.zones, spot, maxPrice: request.maxPrice, operationName: 'PutVM' };
  checkSpot(state, ask);
  const needsAllocation = !existing || existing.body.properties.provisioningState === 'Failed' || existing.body.properties.hardwareProfile.vmSize.toLowerCase() !== sized.name.toLowerCase();
  if (needsAllocation) checkQuotas(state, call.world.faults, ask, sized.vcpus);
  const failure = needsAllocation ? allocate(state, call.world.faults, ask, !existing) : undefined;

  const diskId = attached?.body.id ?? existing?.body.properties.storageProfile.osDisk.managedDisk.id ?? resourceId(state.subscriptionId, group.name, 'Microsoft.Compute/disks', osDiskName);
  const osType = image?.image.osType ?? request.osDisk.osType ?? 'Linux';
  const os = request.osProfile;
  const body: ArmVirtualMachine = {
    id: vmId,
    name: existing?.body.name ?? name,
    type: VM_TYPE,
    location,
    ...(request.tags ? { tags: request.tags } : {}),
    ...(request.zones.length > 0 ? { zones: [...request.zones] } : {}),
    etag: `"${existing ? Number(existing.body.etag.replace(/"/g, '')) + 1 : 1}"`,
    properties: {
      vmId: existing?.body.properties.vmId ?? randomUUID(),
      hardwareProfile: { vmSize: sized.name },
      storageProfile: {
        ...(image && request.image ? { imageReference: { publisher: image.image.publisher, offer: image.image.offer, sku: image.image.sku, version: request.image.version, exactVersion: image.exactVersion } } : {}),
        osDisk: { osType, name: osDiskName, createOption: request.osDisk.createOption, caching: request.osDisk.caching, diskSizeGB, managedDisk: { storageAccountType: storageType, id: diskId }, deleteOption: request.osDisk.deleteOption },
        dataDisks: [],
      },
      ...(os
        ? {
            osProfile: {
              computerName: os.computerName ?? name,
              adminUsername: os.adminUsername,
              ...(os.linuxConfiguration ? { linuxConfiguration: os.linuxConfiguration } : {}),
              ...(os.windowsConfiguration ? { windowsConfiguration: os.windowsConfiguration } : {}),
              secrets: [],
              allowExtensionOperations: os.allowExtensionOperations,
              requireGuestProvisionSignal: os.requireGuestProvisionSignal,
            },
          }
        : {}),
      networkProfile: {
        networkInterfaces: request.nics.map((n, i) => ({ id: nics[i]!.body.id, properties: { primary: n.primary ?? i === 0, ...(n.deleteOption ? { deleteOption: n.deleteOption } : {}) } })),
      },
      ...(spot ? { priority: request.priority, evictionPolicy: request.evictionPolicy!, billingProfile: { maxPrice: request.maxPrice ?? -1 } } : {}),
      ...request.passThrough,
      provisioningState: existing ? 'Updating' : 'Creating',
      timeCreated: existing?.body.properties.timeCreated ?? state.isoNow(),
    },
  };
  const record: VirtualMachineRecord = {
    body,
    power: existing && !needsAllocation ? existing.power : 'starting',
    powerTime: state.isoNow(),
    failure: undefined,
    lastWrite: redactedWrite(call),
    passwordSet: os?.adminPassword !== undefined || (existing?.passwordSet ?? false),
    customData: os?.customData ?? existing?.customData,
    vcpus: sized.vcpus,
    family: familyOf(sized.name),
    hyperVGeneration: generation,
    evicted: false,
  };
  state.virtualMachines.set(idKey(vmId), record);
  attachResources(call, record, nics.map((n) => n.body.id), existing);
  if (!existing && !attached) {
    storeDisk(state, {
      id: diskId,
      name: osDiskName,
      location,
      storageType,
      zones: request.zones,
      sizeGB: diskSizeGB,
      osType,
      hyperVGeneration: generation,
      managedBy: vmId,
      creationData: { createOption: 'FromImage', imageReference: { id: `/Subscriptions/${state.subscriptionId}/Providers/Microsoft.Compute/Locations/${location}/Publishers/${image!.image.publisher}/ArtifactTypes/VMImage/Offers/${image!.image.offer}/Skus/${image!.image.sku}/Versions/${image!.exactVersion}` } },
    });
  }
  const disk = state.disks.get(idKey(diskId));
  if (disk && disk.body.sku.name !== storageType) disk.body.sku = { name: storageType, tier: diskTier(storageType) };
  if (disk) disk.body.properties.diskSizeGB = Math.max(disk.body.properties.diskSizeGB, diskSizeGB);
  return asyncAnswer(
    call,
    {
      kind: call.operation,
      provider: 'compute',
      location,
      target: vmId,
      failure,
      effect: () => {
        record.body.properties.provisioningState = 'Succeeded';
        // A PUT that arrives while an earlier one is still creating the VM replaces its record
        // mid-start: this operation then finishes the start too.
        if (needsAllocation || record.power === 'starting') record.power = 'running';
        record.powerTime = state.isoNow();
        for (const nicId of record.body.properties.networkProfile.networkInterfaces.map((n) => n.id)) {
          const nic = state.networkInterfaces.get(idKey(nicId));
          if (nic && nic.body.properties.macAddress === undefined) nic.body.properties.macAddress = state.nextMacAddress();
        }
        return undefined;
      },
      onFailed: () => {
        record.body.properties.provisioningState = 'Failed';
        record.failure = failure;
        record.power = 'deallocated';
        record.powerTime = state.isoNow();
      },
    },
    { status: existing ? 200 : 201, body: renderVirtualMachine(record), withLocation: false },
  );
}

/** Points the VM's NICs and disk at it, and frees those an update no longer names. */
function attachResources(call: ArmCall, record: VirtualMachineRecord, nicIds: readonly string[], existing: VirtualMachineRecord | undefined): void {
  const state = call.state;
  const vmId = record.body.id;
  const keep = new Set(nicIds.map(idKey));
  for (const old of existing?.body.properties.networkProfile.networkInterfaces ?? []) {
    if (keep.has(idKey(old.id))) continue;
    const nic = state.networkInterfaces.get(idKey(old.id));
    if (nic) {
      delete nic.body.properties.virtualMachine;
      delete nic.body.properties.primary;
    }
  }
  nicIds.forEach((nicId, i) => {
    const nic = state.networkInterfaces.get(idKey(nicId))!;
    nic.body.properties.virtualMachine = { id: vmId };
    nic.body.properties.primary = record.body.properties.networkProfile.networkInterfaces[i]?.properties?.primary ?? i === 0;
    nic.reservedUntil = undefined;
    nic.reservedFor = undefined;
  });
  const disk = state.disks.get(idKey(record.body.properties.storageProfile.osDisk.managedDisk.id));
  if (disk) disk.body.managedBy = vmId;
}
