/**
 * Which storage account an imported VHD's blob URL is in, and so which `storageAccountId` goes
 * into the disk's `creationData`. DiskRP documents the member as the id "of the storage account
 * containing the blob to import as a disk", needed when that account is in another subscription
 * (azure-rest-api-specs DiskRP `CreationData`, read 2026-12); naming an account that does not hold
 * the blob is wrong, so an id is sent only with blobs of its own account:
 * - `https://{account}.blob.core.windows.net/{container}/{blob}` (any `blob.*` endpoint suffix):
 *   the account is the host's first label;
 * - path-style URLs (Azurite, an IP endpoint: `http://127.0.0.1:10000/{account}/{container}/{blob}`):
 *   the first path segment;
 * - a disk export URL (`md-*.blob.storage.azure.net`; the ARM emulator's `/_blob/...`): a managed
 *   disk's own storage, no account id.
 */
import { lastSegment } from './resource-id.js';

/** The storage account name a blob URL is in; `undefined` for export SAS URLs and what is no blob URL. */
export function storageAccountNameOf(blobUrl: string): string | undefined {
  let url: URL;
  try {
    url = new URL(blobUrl);
  } catch {
    return undefined;
  }
  if (/^md-/i.test(url.hostname)) return undefined;
  const hosted = /^([a-z0-9]{3,24})\.blob\./i.exec(url.hostname);
  if (hosted) return hosted[1]!.toLowerCase();
  const first = url.pathname.split('/').find((s) => s !== '');
  return first !== undefined && /^[a-z0-9]{3,24}$/i.test(first) ? first.toLowerCase() : undefined;
}

/** The id among `accounts` of the storage account holding `blobUrl`, if any. */
export function storageAccountIdFor(blobUrl: string, accounts: readonly (string | undefined)[]): string | undefined {
  const name = storageAccountNameOf(blobUrl);
  if (name === undefined) return undefined;
  return accounts.find((id): id is string => id !== undefined && lastSegment(id).toLowerCase() === name);
}
