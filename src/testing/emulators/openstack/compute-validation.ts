/**
 * Nova's request validation in Nova's words: its JSON-schema messages ("Invalid input for
 * field/attribute name. Value: .... 'x' is too long"), the metadata rules (keys 1–255
 * characters, string values up to 255, at most 128 items — a 403 "Maximum number of metadata
 * items exceeds 128", as the quota on metadata items is checked), and base64 user data up to
 * 65535 characters (nova `api/validation/parameter_types.py` and `api/openstack/compute/schemas/
 * servers.py`, read 2026-12). User data is a secret here: a refusal never repeats it.
 */
import { forbidden, OpenStackApiError } from './openstack-errors.js';

/** Nova's 400 for a value its schema refuses. */
export function invalidInput(field: string, value: unknown, reason: string): OpenStackApiError {
  const shown = typeof value === 'string' ? value : JSON.stringify(value);
  return new OpenStackApiError(400, `Invalid input for field/attribute ${field}. Value: ${shown}. ${reason}`);
}

/** Nova's 400 for a key its schema does not know. */
export function unexpectedKeys(field: string, value: Record<string, unknown>, allowed: ReadonlySet<string>): OpenStackApiError | undefined {
  const extra = Object.keys(value).filter((k) => !allowed.has(k));
  if (extra.length === 0) return undefined;
  return new OpenStackApiError(400, `Invalid input for field/attribute ${field}. Value: ${JSON.stringify(value)}. Additional properties are not allowed (${extra.map((k) => `'${k}'`).join(', ')} ${extra.length === 1 ? 'was' : 'were'} unexpected)`);
}

/** Most metadata items on a server or snapshot. */
export const MAX_METADATA_ITEMS = 128;

/** Checks a metadata object; returns it typed. */
export function checkMetadata(value: unknown, field = 'metadata'): Record<string, string> {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) throw invalidInput(field, value, `${JSON.stringify(value)} is not of type 'object'`);
  const out: Record<string, string> = {};
  for (const [key, v] of Object.entries(value as Record<string, unknown>)) {
    if (key.length < 1 || key.length > 255) throw invalidInput(field, value, `'${key}' does not match any of the regexes: '^[a-zA-Z0-9-_:. ]{1,255}$'`);
    if (typeof v !== 'string') throw invalidInput(field, value, `${JSON.stringify(v)} is not of type 'string'`);
    if (v.length > 255) throw invalidInput(field, value, `'${v.slice(0, 40)}...' is too long`);
    out[key] = v;
  }
  if (Object.keys(out).length > MAX_METADATA_ITEMS) throw forbidden(`Maximum number of metadata items exceeds ${MAX_METADATA_ITEMS}`);
  return out;
}

/** Checks base64 user data (at most 65535 characters); never echoes it. */
export function checkUserData(value: unknown): string {
  if (typeof value !== 'string') throw new OpenStackApiError(400, "Invalid input for field/attribute user_data. Value: <redacted>. <redacted> is not of type 'string'");
  if (value.length > 65535) throw new OpenStackApiError(400, 'Invalid input for field/attribute user_data. Value: <redacted>. <redacted> is too long');
  const compact = value.replace(/\s+/g, '');
  if (compact.length % 4 !== 0 || !/^[A-Za-z0-9+/]*={0,2}$/.test(compact)) throw new OpenStackApiError(400, "Invalid input for field/attribute user_data. Value: <redacted>. <redacted> is not a 'base64'");
  return value;
}

/** A required non-blank name of at most 255 characters without leading or trailing spaces. */
export function checkName(value: unknown, field = 'name'): string {
  if (typeof value !== 'string') throw invalidInput(field, value, `${JSON.stringify(value)} is not of type 'string'`);
  if (value.length === 0) throw invalidInput(field, value, "'' is too short");
  if (value.length > 255) throw invalidInput(field, value, `'${value.slice(0, 40)}...' is too long`);
  if (value.trim() !== value) throw invalidInput(field, value, `'${value}' does not match '^(?! )[a-zA-Z0-9. _-]+(?<! )$'`);
  return value;
}

/** A field that must be a string when present. */
export function optionalString(value: unknown, field: string): string | undefined {
  if (value === undefined || value === null) return undefined;
  if (typeof value !== 'string') throw invalidInput(field, value, `${JSON.stringify(value)} is not of type 'string'`);
  return value;
}
