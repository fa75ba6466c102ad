/**
 * Reading a VM PUT body, with the compute RP's refusals of a body that is wrong in itself (the
 * checks against the subscription's sizes, images, NICs and disks come later). Wording is the
 * compute RP's, as its error messages are quoted in Azure docs and SDK issue threads (read 2026-12):
 * - a required member absent: 400 `InvalidParameter` "Required parameter '{name}' is missing (null).";
 * - `customData` not base64, or longer than 87,380 characters: "Custom data in OSProfile must be in
 *   Base64 encoding and with a maximum length of 87380 characters." (target `customData`);
 * - `adminPassword` outside 6-72 (Linux) / 8-123 (Windows) characters or with fewer than 3 of the
 *   4 character classes; reserved admin user names ("The Admin Username specified is not allowed.");
 * - SSH keys only at `/home/{user}/.ssh/authorized_keys` ("Destination path for SSH public keys is
 *   currently limited to its default value ... due to a known issue in Linux provisioning agent.");
 * - spot: `evictionPolicy` only on Azure Spot VMs (`EvictionPolicyCanBeSetOnlyOnAzureSpotVirtualMachines`),
 *   `Deallocate` (the default) or `Delete`; `billingProfile.maxPrice` -1 or above 0 (`MaxPriceValueInvalid`;
 *   learn.microsoft.com "Error messages for Azure Spot Virtual Machines and scale sets");
 * - `osProfile` with `createOption: Attach`: "Parameter 'osProfile' is not allowed.";
 * - `PremiumV2_LRS` is for data disks only (learn.microsoft.com "Deploy a Premium SSD v2", limitations).
 */
import { ArmError, invalidParameter, missingParameter } from './arm-error.js';
import { isJsonObject, type BodyField, type JsonObject } from './request-body.js';

/** A VM PUT, read. */
export interface VmRequest {
  /** Size. */
  readonly size: string;
  /** Zones asked for (at most one). */
  readonly zones: readonly string[];
  /** Tags. */
  readonly tags: Record<string, string> | undefined;
  /** `Regular`, `Spot` or `Low`. */
  readonly priority: 'Regular' | 'Spot' | 'Low';
  /** Eviction policy of a spot VM. */
  readonly evictionPolicy: 'Deallocate' | 'Delete' | undefined;
  /** Max price of a spot VM (-1: up to on-demand). */
  readonly maxPrice: number | undefined;
  /** OS disk. */
  readonly osDisk: {
    readonly name: string | undefined;
    readonly createOption: 'FromImage' | 'Attach';
    readonly caching: string;
    readonly diskSizeGB: number | undefined;
    readonly storageAccountType: string | undefined;
    readonly diskId: string | undefined;
    readonly deleteOption: 'Delete' | 'Detach';
    readonly osType: string | undefined;
  };
  /** Marketplace image (FromImage). */
  readonly image: { readonly publisher: string; readonly offer: string; readonly sku: string; readonly version: string } | undefined;
  /** OS profile (FromImage). */
  readonly osProfile:
    | {
        readonly computerName: string | undefined;
        readonly adminUsername: string;
        readonly adminPassword: string | undefined;
        readonly customData: string | undefined;
        readonly linuxConfiguration: JsonObject | undefined;
        readonly windowsConfiguration: JsonObject | undefined;
        readonly allowExtensionOperations: boolean;
        readonly requireGuestProvisionSignal: boolean;
        readonly sshKeyCount: number;
      }
    | undefined;
  /** NICs, in order. */
  readonly nics: readonly { readonly id: string; readonly primary: boolean | undefined; readonly deleteOption: string | undefined }[];
  /** Kept as sent. */
  readonly passThrough: { readonly diagnosticsProfile?: JsonObject; readonly securityProfile?: JsonObject; readonly licenseType?: string; readonly userData?: string };
}

/** Managed disk types the compute RP accepts (DiskRP `DiskStorageAccountTypes`). */
export const DISK_STORAGE_TYPES = ['Standard_LRS', 'Premium_LRS', 'StandardSSD_LRS', 'UltraSSD_LRS', 'Premium_ZRS', 'StandardSSD_ZRS', 'PremiumV2_LRS'] as const;

/** Admin user names Azure refuses (learn.microsoft.com Linux/Windows VM FAQ, "What are the username requirements", read 2026-12). */
const RESERVED_ADMIN_NAMES = new Set(
  'administrator admin user user1 test user2 test1 user3 admin1 1 123 a actuser adm admin2 aspnet backup console david guest john owner root server sql support support_388945a0 sys test2 test3 user4 user5'.split(' '),
);

const CUSTOM_DATA_MAX = 87_380;

function isBase64(text: string): boolean {
  return text.length % 4 === 0 && /^[A-Za-z0-9+/]*={0,2}$/.test(text);
}

function passwordOk(password: string, windows: boolean): boolean {
  const [min, max] = windows ? [8, 123] : [6, 72];
  // eslint-disable-next-line no-control-regex
  if (password.length < min || password.length > max || /[\u0000-\u001f]/.test(password)) return false;
  const classes = [/[A-Z]/, /[a-z]/, /[0-9]/, /[^A-Za-z0-9]/].filter((re) => re.test(password)).length;
  return classes >= 3;
}

function enumOf<T extends string>(field: BodyField, allowed: readonly T[], fallback: T): T;
function enumOf<T extends string>(field: BodyField, allowed: readonly T[], fallback: undefined): T | undefined;
function enumOf<T extends string>(field: BodyField, allowed: readonly T[], fallback: T | undefined): T | undefined {
  const value = field.string();
  if (value === undefined) return fallback;
  const match = allowed.find((a) => a.toLowerCase() === value.toLowerCase());
  if (!match) throw invalidParameter(field.target, `The value '${value}' of parameter '${field.target}' is not allowed. Allowed values are '${allowed.join(', ')}'.`);
  return match;
}

function readOsProfile(props: BodyField, vmName: string): VmRequest['osProfile'] {
  const os = props.get('osProfile');
  if (!os.present) return undefined;
  const adminUsername = os.get('adminUsername').string();
  if (adminUsername === undefined) throw missingParameter('osProfile.adminUsername');
  if (RESERVED_ADMIN_NAMES.has(adminUsername.toLowerCase()) || !/^[A-Za-z0-9_][A-Za-z0-9_.-]{0,63}$/.test(adminUsername)) {
    throw invalidParameter('osProfile.adminUsername', 'The Admin Username specified is not allowed.');
  }
  const windowsField = os.get('windowsConfiguration');
  const linuxField = os.get('linuxConfiguration');
  const windows = windowsField.present;
  const computerName = os.get('computerName').string() ?? vmName;
  if (windows && (computerName.length > 15 || /^\d+$/.test(computerName) || /[`~!@#$%^&*()=+_[\]{}\\|;:.'",<>/?]/.test(computerName))) {
    throw invalidParameter('osProfile.computerName', "Windows computer name cannot be more than 15 characters long, be entirely numeric, or contain the following characters: ` ~ ! @ # $ % ^ & * ( ) = + _ [ ] { } \\ | ; : . ' \" , < > / ?.");
  }
  if (!windows && (computerName.length > 64 || !/^[A-Za-z0-9.-]+$/.test(computerName))) {
    throw invalidParameter('osProfile.computerName', 'Linux host name cannot exceed 64 characters in length or contain the following characters: ` ~ ! @ # $ % ^ & * ( ) = + _ [ ] { } \\ | ; : \' " , < > / ?.');
  }
  const password = os.get('adminPassword').string();
  const keys = linuxField.at('ssh.publicKeys').items();
  for (const key of keys) {
    const path = key.get('path').string();
    const data = key.get('keyData').string();
    if (data === undefined || !/^(ssh-rsa|ssh-ed25519|ecdsa-sha2-nistp(256|384|521)) [A-Za-z0-9+/]+=*( .*)?$/.test(data.trim())) {
      throw invalidParameter('linuxConfiguration.ssh.publicKeys.keyData', 'The value of parameter linuxConfiguration.ssh.publicKeys.keyData is invalid.');
    }
    if (path !== undefined && path !== `/home/${adminUsername}/.ssh/authorized_keys`) {
      throw invalidParameter(
        'linuxConfiguration.ssh.publicKeys.path',
        `Destination path for SSH public keys is currently limited to its default value /home/${adminUsername}/.ssh/authorized_keys  due to a known issue in Linux provisioning agent.`,
      );
    }
  }
  const passwordOff = linuxField.get('disablePasswordAuthentication').boolean() === true;
  if (passwordOff && keys.length === 0) throw missingParameter('linuxConfiguration.ssh.publicKeys');
  if (!passwordOff && password === undefined) throw missingParameter('osProfile.adminPassword');
  if (password !== undefined && !passwordOk(password, windows)) {
    const range = windows ? '8-123' : '6-72';
    throw invalidParameter(
      'adminPassword',
      `The supplied password must be between ${range} characters long and must satisfy at least 3 of password complexity requirements from the following:\r\n1) Contains an uppercase character\r\n2) Contains a lowercase character\r\n3) Contains a numeric digit\r\n4) Contains a special character\r\n5) Control characters are not allowed`,
    );
  }
  const customData = os.get('customData').string();
  if (customData !== undefined && (customData.length > CUSTOM_DATA_MAX || !isBase64(customData))) {
    throw invalidParameter('customData', 'Custom data in OSProfile must be in Base64 encoding and with a maximum length of 87380 characters.');
  }
  const linux = linuxField.json();
  const win = windowsField.json();
  return {
    computerName,
    adminUsername,
    adminPassword: password,
    customData,
    linuxConfiguration: isJsonObject(linux) ? linux : windows ? undefined : { disablePasswordAuthentication: false },
    windowsConfiguration: isJsonObject(win) ? win : undefined,
    allowExtensionOperations: os.get('allowExtensionOperations').boolean() ?? true,
    requireGuestProvisionSignal: os.get('requireGuestProvisionSignal').boolean() ?? true,
    sshKeyCount: keys.length,
  };
}

/** Reads and checks a VM PUT body. */
export function readVmRequest(body: BodyField, vmName: string): VmRequest {
  const props = body.get('properties');
  const size = props.at('hardwareProfile.vmSize').string();
  if (size === undefined) throw missingParameter('hardwareProfile.vmSize');
  const zones = body.get('zones').items().map((z) => z.string() ?? '');
  if (zones.length > 1) throw invalidParameter('zones', `Virtual Machine ${vmName} can be deployed to only one availability zone. Requested zones: '${zones.join(',')}'.`);
  const priority = enumOf(props.get('priority'), ['Regular', 'Spot', 'Low'] as const, 'Regular');
  const spot = priority !== 'Regular';
  const evictionField = props.get('evictionPolicy');
  if (!spot && evictionField.present) {
    throw new ArmError(400, 'EvictionPolicyCanBeSetOnlyOnAzureSpotVirtualMachines', 'Eviction policy can be set only on Azure Spot Virtual Machines.', { target: 'evictionPolicy' });
  }
  const evictionPolicy = spot ? enumOf(evictionField, ['Deallocate', 'Delete'] as const, 'Deallocate') : undefined;
  const maxPrice = props.at('billingProfile.maxPrice').number();
  if (maxPrice !== undefined && maxPrice !== -1 && !(maxPrice > 0)) {
    throw new ArmError(
      400,
      'MaxPriceValueInvalid',
      'Invalid max price value. The only supported values for max price are -1 or a decimal greater than zero. Max price value of -1 indicates the Azure Spot virtual machine will not be evicted for price reasons.',
      { target: 'billingProfile.maxPrice' },
    );
  }

  const storage = props.get('storageProfile');
  const os = storage.get('osDisk');
  const sentOption = enumOf(os.get('createOption'), ['FromImage', 'Attach', 'Empty'] as const, undefined) ?? (storage.get('imageReference').present ? 'FromImage' : undefined);
  if (sentOption === undefined) throw missingParameter('storageProfile.osDisk.createOption');
  if (sentOption === 'Empty') throw invalidParameter('osDisk.createOption', "The value 'Empty' of parameter 'osDisk.createOption' is not allowed for an OS disk. Allowed values are 'FromImage, Attach'.");
  const storageAccountType = enumOf(os.at('managedDisk.storageAccountType'), DISK_STORAGE_TYPES, undefined);
  if (storageAccountType === 'PremiumV2_LRS' || storageAccountType === 'UltraSSD_LRS') {
    throw invalidParameter('osDisk.managedDisk.storageAccountType', `Storage account type '${storageAccountType}' is supported for data disks only. OS disks cannot use it.`);
  }
  const diskSizeGB = os.get('diskSizeGB').number();
  if (diskSizeGB !== undefined && (!Number.isInteger(diskSizeGB) || diskSizeGB < 1 || diskSizeGB > 4095)) {
    throw invalidParameter('osDisk.diskSizeGB', `The value '${diskSizeGB}' of parameter 'osDisk.diskSizeGB' is out of range. The value must be between '1' and '4095', inclusive.`);
  }
  const createOption: 'FromImage' | 'Attach' = sentOption;
  const imageField = storage.get('imageReference');
  let image: VmRequest['image'];
  if (createOption === 'FromImage') {
    if (!imageField.present) throw missingParameter('storageProfile.imageReference');
    const publisher = imageField.get('publisher').string();
    const offer = imageField.get('offer').string();
    const sku = imageField.get('sku').string();
    if (publisher === undefined || offer === undefined || sku === undefined) {
      throw missingParameter(`imageReference.${publisher === undefined ? 'publisher' : offer === undefined ? 'offer' : 'sku'}`);
    }
    image = { publisher, offer, sku, version: imageField.get('version').string() ?? 'latest' };
  }
  const osProfile = readOsProfile(props, vmName);
  if (createOption === 'FromImage' && !osProfile) throw missingParameter('osProfile');
  if (createOption === 'Attach' && props.get('osProfile').present) throw invalidParameter('osProfile', "Parameter 'osProfile' is not allowed.");
  const diskId = os.at('managedDisk.id').string();
  if (createOption === 'Attach' && diskId === undefined) throw missingParameter('osDisk.managedDisk.id');
  const osType = enumOf(os.get('osType'), ['Linux', 'Windows'] as const, undefined);
  if (createOption === 'Attach' && osType === undefined) throw missingParameter('osDisk.osType');
  if (storage.get('dataDisks').items().length > 0) {
    throw invalidParameter('storageProfile.dataDisks', 'The ARM emulator does not emulate data disks on VM PUT; attach data disks after create or leave dataDisks empty.');
  }

  const nicFields = props.at('networkProfile.networkInterfaces').items();
  if (nicFields.length === 0) throw missingParameter('networkProfile');
  const nics = nicFields.map((f) => {
    const id = f.get('id').string();
    if (id === undefined) throw missingParameter('networkProfile.networkInterfaces.id');
    return { id, primary: f.at('properties.primary').boolean(), deleteOption: enumOf(f.at('properties.deleteOption'), ['Delete', 'Detach'] as const, undefined) };
  });
  if (nics.length > 1 && nics.filter((n) => n.primary === true).length !== 1) {
    throw invalidParameter('networkProfile.networkInterfaces', `Virtual machine ${vmName} must have one network interface set as the primary.`);
  }
  const diag = props.get('diagnosticsProfile').json();
  const security = props.get('securityProfile').json();
  const licenseType = props.get('licenseType').string();
  const userData = props.get('userData').string();
  if (userData !== undefined && !isBase64(userData)) throw invalidParameter('userData', 'User data must be in Base64 encoding.');
  return {
    size,
    zones,
    tags: body.get('tags').stringMap(),
    priority,
    evictionPolicy,
    maxPrice: spot ? (maxPrice ?? -1) : undefined,
    osDisk: {
      name: os.get('name').string(),
      createOption,
      caching: enumOf(os.get('caching'), ['None', 'ReadOnly', 'ReadWrite'] as const, 'ReadWrite'),
      diskSizeGB,
      storageAccountType,
      diskId,
      deleteOption: enumOf(os.get('deleteOption'), ['Delete', 'Detach'] as const, 'Detach'),
      osType,
    },
    image,
    osProfile,
    nics,
    passThrough: {
      ...(isJsonObject(diag) ? { diagnosticsProfile: diag } : {}),
      ...(isJsonObject(security) ? { securityProfile: security } : {}),
      ...(licenseType !== undefined ? { licenseType } : {}),
      ...(userData !== undefined ? { userData } : {}),
    },
  };
}
