/**
 * A disk `Import` (`creationData: { createOption: 'Import', sourceUri, storageAccountId }`): the
 * blob is checked as the disk RP checks it, then its guest bytes (the VHD without its footer) are
 * read into the new disk before the PUT is answered, so that a refused or unreadable blob leaves
 * nothing behind and a disk that exists holds its bytes.
 *
 * Azure takes a fixed VHD in a page blob whose virtual size is a whole number of MiB, the blob
 * being that size plus the 512-byte footer (learn.microsoft.com "Prepare a Windows VHD to upload
 * to Azure" and "Upload a VHD to Azure", read 2026-12). Refusals, all 400, in the order checked:
 * - no blob, or none the emulator can read: `InvalidParameter` (wording the emulator's);
 * - a blob of another subscription without `storageAccountId`: `InvalidParameter` "Required
 *   parameter 'storageAccountId' is missing (null)." (compute RP wording for a missing member;
 *   DiskRP documents the member as "Required only if the blob is in a different subscription");
 *   an id that names another account than the blob's: `InvalidParameter` (the emulator's wording);
 * - not a page blob, a footer whose checksum is wrong, a dynamic or differencing VHD, a blob
 *   whose length is not the footer's size + 512: `BadRequest` "Only blobs formatted as VHDs can
 *   be imported." (the disk RP's message as quoted in azure-docs issue #29268 and azure-cli
 *   issue #6179; that it is the answer for each of these cases is the emulator's assumption);
 * - no `conectix` cookie in the last 512 bytes: `InvalidVhd` "The specified cookie value in VHD
 *   footer indicates that disk '{name}' with blob {uri} is not a supported VHD. Disk is expected
 *   to have cookie value 'conectix'." (AzureStorageExplorer issue #8800 quotes the disk RP);
 * - a virtual size that is not a whole number of MiB: `BadRequest` "The VHD {uri} has an
 *   unsupported virtual size of {n} bytes. The size must be a whole number (in MBs)." (the
 *   platform's message as azure-xplat-cli issue #1784 quotes it; the code is the emulator's).
 * The blob's query (a SAS) never goes into a message.
 */
import type { GuestDisk } from '../kit/guest-disks.js';
import { ArmError, invalidParameter, missingParameter } from './arm-error.js';
import type { ArmCall } from './arm-call.js';
import { UrlBlobReader, type ImportBlobReader } from './import-blob-readers.js';
import { idKey } from './resource-id.js';
import { readVhdFooter, stripQuery, VHD_FIXED_DISK, VHD_FOOTER_BYTES } from './vhd-blobs.js';

const MIB = 1024 * 1024;
const GIB = 1024 ** 3;
/** Longest an import's read may take. */
const IMPORT_TIMEOUT_MS = 10 * 60_000;

/** What the import gives the new disk. */
export interface ImportedBlob {
  /** Smallest size of the disk, GiB. */
  readonly sizeGiB: number;
  /** Its guest bytes. */
  readonly contents: Promise<GuestDisk>;
}

/** What is imported, and into what. */
export interface ImportAsk {
  /** `creationData.sourceUri`. */
  readonly uri: string;
  /** `creationData.storageAccountId`. */
  readonly storageAccountId: string | undefined;
  /** Name of the new disk (for messages). */
  readonly diskName: string;
}

/** Checks and reads the blob of a disk import. */
export async function readImportBlob(call: ArmCall, ask: ImportAsk): Promise<ImportedBlob> {
  const shown = stripQuery(ask.uri);
  const found = call.state.blobs.lookup(ask.uri);
  switch (found.kind) {
    case 'expired':
      throw new ArmError(409, 'OperationNotAllowed', `The source blob ${shown} could not be read: its shared access signature has expired.`, { target: 'creationData.sourceUri' });
    case 'unreadable':
      throw unreadable(shown);
    case 'grant': {
      // An export URL of this emulator: the VHD it serves is the source's guest disk and footer.
      const disk = await found.grant.contents;
      return { sizeGiB: Math.max(found.grant.diskSizeGiB, Math.ceil(disk.sizeBytes / GIB)), contents: found.grant.contents };
    }
    case 'declared': {
      const { blob } = found;
      if (!blob.vhd || blob.sizeBytes < VHD_FOOTER_BYTES) throw badCookie(ask.diskName, shown);
      const virtual = blob.sizeBytes - VHD_FOOTER_BYTES;
      if (virtual === 0 || virtual % MIB !== 0) throw badVirtualSize(shown, virtual);
      return { sizeGiB: Math.max(1, Math.ceil(virtual / GIB)), contents: call.state.contents.store.syntheticDisk(`declared blob ${blob.url}`, MIB) };
    }
    case 'elsewhere':
      return readBlobElsewhere(call, ask, found.url.toString());
  }
}

async function readBlobElsewhere(call: ArmCall, ask: ImportAsk, url: string): Promise<ImportedBlob> {
  const shown = stripQuery(url);
  const accounts = call.state.storageAccounts;
  const account = accounts.holding(url);
  if (account && !accounts.isLocal(account) && ask.storageAccountId === undefined) throw missingParameter('storageAccountId');
  if (account && ask.storageAccountId !== undefined && idKey(ask.storageAccountId) !== idKey(account.id)) {
    throw invalidParameter('creationData.storageAccountId', `The blob ${shown} is in storage account '${account.id}', not in '${ask.storageAccountId}'.`);
  }
  const reader: ImportBlobReader = account?.reader ?? new UrlBlobReader(call.world.ca);
  const signal = AbortSignal.any([call.request.signal, AbortSignal.timeout(IMPORT_TIMEOUT_MS)]);
  const props = await reader.properties(url, signal);
  if (!props) throw unreadable(shown);
  if (props.blobType !== undefined && props.blobType !== 'PageBlob') throw notAVhd();
  if (props.sizeBytes < VHD_FOOTER_BYTES) throw badCookie(ask.diskName, shown);
  let footer: Buffer;
  try {
    footer = await collect(reader.read(url, { start: props.sizeBytes - VHD_FOOTER_BYTES, end: props.sizeBytes - 1 }, signal));
  } catch {
    throw unreadable(shown);
  }
  const facts = readVhdFooter(footer);
  if (!facts.cookieOk) throw badCookie(ask.diskName, shown);
  if (!facts.checksumOk || facts.diskType !== VHD_FIXED_DISK) throw notAVhd();
  if (facts.currentSize === 0 || facts.currentSize % MIB !== 0) throw badVirtualSize(shown, facts.currentSize);
  if (props.sizeBytes !== facts.currentSize + VHD_FOOTER_BYTES) throw notAVhd();
  let disk: GuestDisk;
  try {
    disk = await call.state.contents.store.fromRaw(reader.read(url, { start: 0, end: facts.currentSize - 1 }, signal));
  } catch {
    throw unreadable(shown);
  }
  if (disk.sizeBytes !== facts.currentSize) throw unreadable(shown);
  return { sizeGiB: Math.max(1, Math.ceil(disk.sizeBytes / GIB)), contents: Promise.resolve(disk) };
}

async function collect(chunks: AsyncIterable<Uint8Array>): Promise<Buffer> {
  const parts: Uint8Array[] = [];
  for await (const chunk of chunks) parts.push(chunk);
  return Buffer.concat(parts);
}

function unreadable(shown: string): ArmError {
  return invalidParameter('creationData.sourceUri', `The source blob ${shown} could not be read: it does not exist or is not accessible.`);
}

function notAVhd(): ArmError {
  return new ArmError(400, 'BadRequest', 'Only blobs formatted as VHDs can be imported.', { target: 'creationData.sourceUri' });
}

function badCookie(diskName: string, shown: string): ArmError {
  return new ArmError(400, 'InvalidVhd', `The specified cookie value in VHD footer indicates that disk '${diskName}' with blob ${shown} is not a supported VHD. Disk is expected to have cookie value 'conectix'.`, {
    target: 'creationData.sourceUri',
  });
}

function badVirtualSize(shown: string, bytes: number): ArmError {
  return new ArmError(400, 'BadRequest', `The VHD ${shown} has an unsupported virtual size of ${bytes} bytes. The size must be a whole number (in MBs).`, { target: 'creationData.sourceUri' });
}
