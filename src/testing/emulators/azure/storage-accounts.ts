/**
 * Storage accounts the emulated disk RP can read import blobs from (an Azurite, say): each known
 * by its blob endpoint, with an ARM id (`/subscriptions/{s}/resourceGroups/{rg}/providers/
 * Microsoft.Storage/storageAccounts/{name}`) and a way to read its blobs. An account may belong
 * to another subscription than the emulator's: DiskRP then wants `creationData.storageAccountId`
 * ("Required only if the blob is in a different subscription", DiskRP `CreationData`
 * .storageAccountId, azure-rest-api-specs 2021-2024 descriptions, read 2026-12).
 */
import { SharedKeyBlobReader, type ImportBlobReader } from './import-blob-readers.js';
import { resourceId } from './resource-id.js';

/** A storage account linked to the emulator. */
export interface ArmStorageAccountLink {
  /** Account name (`devstoreaccount1` for Azurite). */
  readonly name: string;
  /** Blob endpoint: `https://{name}.blob.core.windows.net`, or Azurite's `http://127.0.0.1:{port}/devstoreaccount1`. */
  readonly blobEndpoint: string;
  /** The account key: blobs are read with Shared Key through `@azure/storage-blob`. */
  readonly accountKey?: string | undefined;
  /** Reads the blobs instead (a host's own transport). One of `accountKey` and `reader` is needed. */
  readonly reader?: ImportBlobReader | undefined;
  /** Subscription of the account (default: the emulator's). */
  readonly subscriptionId?: string | undefined;
  /** Its resource group (default: the emulator's seeded one). */
  readonly resourceGroup?: string | undefined;
}

/** A linked account, resolved. */
export interface LinkedStorageAccount {
  /** Account name. */
  readonly name: string;
  /** Blob endpoint, no trailing slash. */
  readonly blobEndpoint: string;
  /** ARM id. */
  readonly id: string;
  /** Subscription. */
  readonly subscriptionId: string;
  /** Reader of its blobs. */
  readonly reader: ImportBlobReader;
}

/** The linked accounts of one emulator. */
export class LinkedStorageAccounts {
  private readonly accounts: LinkedStorageAccount[] = [];

  /** Accounts of subscription `subscriptionId`, in `resourceGroup` unless a link says otherwise. */
  constructor(
    private readonly subscriptionId: string,
    private readonly resourceGroup: string,
  ) {}

  /** Links an account; returns its ARM id. */
  link(account: ArmStorageAccountLink): string {
    const reader = account.reader ?? (account.accountKey !== undefined ? new SharedKeyBlobReader(account.name, account.accountKey) : undefined);
    if (!reader) throw new Error(`[novacron] [arm-emulator] storage account ${account.name}: give accountKey or reader`);
    const subscriptionId = account.subscriptionId ?? this.subscriptionId;
    const id = resourceId(subscriptionId, account.resourceGroup ?? this.resourceGroup, 'Microsoft.Storage/storageAccounts', account.name);
    const blobEndpoint = account.blobEndpoint.replace(/\/+$/, '');
    const index = this.accounts.findIndex((a) => a.blobEndpoint === blobEndpoint);
    const linked = { name: account.name, blobEndpoint, id, subscriptionId, reader };
    if (index >= 0) this.accounts[index] = linked;
    else this.accounts.push(linked);
    return id;
  }

  /** The account holding the blob at `url`, when one is linked. */
  holding(url: string): LinkedStorageAccount | undefined {
    return this.accounts.find((a) => url.startsWith(`${a.blobEndpoint}/`));
  }

  /** Whether the account is of the emulator's subscription. */
  isLocal(account: LinkedStorageAccount): boolean {
    return account.subscriptionId.toLowerCase() === this.subscriptionId.toLowerCase();
  }
}
