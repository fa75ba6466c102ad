/**
 * What a VM size name tells about the size: its quota family and the capabilities Resource SKUs
 * list for it. The sizes themselves (vCPUs, memory, GPUs, architecture, prices) come from the
 * bundled price snapshot, so the SKUs, the Retail Prices emulator and spot price checks agree.
 *
 * Family names are the compute Usage API's (`standardDSv5Family`, ...) as `az vm list-usage` and
 * quota errors show them (learn.microsoft.com "Increase VM-family vCPU quotas", read 2026-12).
 * Capability names and value formats follow the Resource SKUs spec example (Skus stable/2021-07-01
 * `ListAvailableResourceSkusWithExtendedLocations.json`, read 2026-12); the values for data
 * disks, NICs and resource disks are typical per family, not each size's published figure.
 * B-series sizes do not support Azure Spot (learn.microsoft.com "Azure Spot Virtual Machines",
 * limitations, read 2026-12).
 */
import type { Offer } from '../../../provider/types.js';
import type { ArmSkuCapability } from './arm-shapes.js';

/** A size's family per name pattern; first match wins. */
const FAMILIES: readonly (readonly [RegExp, string])[] = [
  [/^Standard_B\d+[a-z]*$/, 'standardBSFamily'],
  [/^Standard_D\d+s_v5$/, 'standardDSv5Family'],
  [/^Standard_D\d+as_v5$/, 'standardDASv5Family'],
  [/^Standard_D\d+ps_v5$/, 'standardDPSv5Family'],
  [/^Standard_D\d+_v5$/, 'standardDv5Family'],
  [/^Standard_E\d+s_v5$/, 'standardESv5Family'],
  [/^Standard_E\d+as_v5$/, 'standardEASv5Family'],
  [/^Standard_F\d+s_v2$/, 'standardFSv2Family'],
  [/^Standard_NC\d+as_T4_v3$/, 'standardNCASv3_T4Family'],
  [/^Standard_NV\d+ads_A10_v5$/, 'standardNVADSA10v5Family'],
  [/^Standard_NC\d+s_v3$/, 'standardNCSv3Family'],
  [/^Standard_NC\d+ads_A100_v4$/, 'standardNCADSA100v4Family'],
  [/^Standard_ND\d+asr_v4$/, 'standardNDASv4_A100Family'],
];

/** The quota family of a size (`standardDSv5Family`); a name-derived one for sizes not in the table. */
export function familyOf(size: string): string {
  for (const [pattern, family] of FAMILIES) if (pattern.test(size)) return family;
  const m = /^Standard_([A-Z]+)\d+([a-z]*)(?:_v(\d+))?$/.exec(size);
  return m ? `standard${m[1]}${m[2]!.toUpperCase()}${m[3] ? `v${m[3]}` : ''}Family` : 'standardFamily';
}

/** `Standard_D2s_v5` → `D2s_v5`. */
export function shortSizeOf(size: string): string {
  return size.replace(/^Standard_/, '');
}

/** True for sizes that Azure Spot does not offer. */
export function spotCapable(size: string): boolean {
  return !/^Standard_B\d/.test(size);
}

/** True when the size takes premium disks (`s` in its feature letters, and the GPU families). */
export function premiumIoCapable(size: string): boolean {
  const features = /^Standard_[A-Z]+\d+([a-z]*)/.exec(size)?.[1] ?? '';
  return features.includes('s') || /^Standard_N/.test(size);
}

function yesNo(b: boolean): string {
  return b ? 'True' : 'False';
}

/** The capabilities Resource SKUs lists for a size. */
export function capabilitiesOf(offer: Offer): ArmSkuCapability[] {
  const size = offer.instanceType;
  const features = /^Standard_[A-Z]+\d+([a-z]*)/.exec(size)?.[1] ?? '';
  const localDisk = features.includes('d') || /^Standard_(B|F\d+s_v2|NC\d+s_v3|NC\d+as_T4)/.test(size);
  const gpus = offer.gpu?.count ?? 0;
  const arm = offer.arch === 'arm64';
  const caps: ArmSkuCapability[] = [
    { name: 'MaxResourceVolumeMB', value: String(localDisk ? offer.vcpus * 8192 : 0) },
    { name: 'OSVhdSizeMB', value: '1047552' },
    { name: 'vCPUs', value: String(offer.vcpus) },
    { name: 'MemoryPreservingMaintenanceSupported', value: 'True' },
    { name: 'HyperVGenerations', value: arm || gpus > 0 ? 'V2' : 'V1,V2' },
    { name: 'MemoryGB', value: String(offer.memoryGiB) },
    { name: 'MaxDataDiskCount', value: String(Math.min(64, Math.max(4, offer.vcpus * 2))) },
    { name: 'CpuArchitectureType', value: arm ? 'Arm64' : 'x64' },
    { name: 'LowPriorityCapable', value: yesNo(spotCapable(size)) },
    { name: 'PremiumIO', value: yesNo(premiumIoCapable(size)) },
    { name: 'VMDeploymentTypes', value: 'IaaS' },
    { name: 'vCPUsAvailable', value: String(offer.vcpus) },
    { name: 'vCPUsPerCore', value: arm || /^Standard_F/.test(size) ? '1' : '2' },
    { name: 'EphemeralOSDiskSupported', value: yesNo(localDisk) },
    { name: 'EncryptionAtHostSupported', value: 'True' },
    { name: 'AcceleratedNetworkingEnabled', value: yesNo(!/^Standard_B/.test(size)) },
    { name: 'RdmaEnabled', value: yesNo(/^Standard_ND\d+asr/.test(size)) },
    { name: 'MaxNetworkInterfaces', value: String(offer.vcpus <= 2 ? 2 : offer.vcpus <= 8 ? 4 : 8) },
  ];
  if (gpus > 0) caps.push({ name: 'GPUs', value: String(gpus) });
  return caps;
}
