/**
 * Object metadata as Blob Storage can hold it. Azure metadata names must be C# identifiers
 * (letters, digits, `_`; not starting with a digit; Blob service reference, "Setting and
 * retrieving properties and metadata", read 2026-12), so `novacron-sha256` and a user's
 * `source-format` cannot be written as they are. Names are encoded reversibly: `_` becomes `__`
 * and `-` becomes `_h`, so `novacron-sha256` is stored as `novacron_hsha256`, and read back
 * lower case as the specification wants. A name with any other character is refused up front.
 * An unfinished page blob (created at its full size before its pages are written) carries the
 * {@link UPLOAD_MARKER} until its commit, and reads as no object.
 */
import { InvalidSpecError } from '../../provider/errors.js';

/** The metadata key the SHA-256 of the content is recorded under (decoded form). */
export const SHA256_KEY = 'novacron-sha256';
/** The metadata key of a page blob whose pages are still being written (decoded form). */
export const UPLOAD_MARKER = 'novacron-upload';

const NAME = /^[A-Za-z_][A-Za-z0-9_-]*$/;

/** A metadata name as Azure stores it. */
export function encodeMetadataName(name: string): string {
  return name.replace(/_/g, '__').replace(/-/g, '_h');
}

/** A stored metadata name as the caller wrote it (lower case). */
export function decodeMetadataName(stored: string): string {
  return stored.toLowerCase().replace(/_(_|h)/g, (_m, c: string) => (c === '_' ? '_' : '-'));
}

/** User metadata encoded for Azure; names it cannot hold are an `InvalidSpecError`. */
export function encodeMetadata(store: string, metadata: Readonly<Record<string, string>>): Record<string, string> {
  const out: Record<string, string> = {};
  const issues = Object.keys(metadata)
    .filter((k) => !NAME.test(k))
    .map((k) => ({ field: `metadata.${k}`, message: 'Azure metadata names hold letters, digits, `_` and `-` only, and start with a letter or `_`' }));
  if (issues.length > 0) throw new InvalidSpecError({ provider: store, issues });
  for (const [k, v] of Object.entries(metadata)) out[encodeMetadataName(k)] = v;
  return out;
}

/** Stored metadata decoded (names lower case, as written). */
export function decodeMetadata(stored: Readonly<Record<string, string>> | undefined): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [k, v] of Object.entries(stored ?? {})) out[decodeMetadataName(k)] = v;
  return out;
}
