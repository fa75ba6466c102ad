/**
 * GCE's label rules (cloud.google.com/compute/docs/labeling-resources, "Requirements for labels",
 * read 2026-12): at most 64 labels; keys 1–63 characters, starting with a lowercase letter;
 * keys and values only lowercase letters, digits, `_` and `-`; values at most 63 characters and
 * may be empty. (GCE also admits international lowercase letters; the emulator keeps to ASCII,
 * which is stricter, never more lenient.) The words of the refusals are approximate.
 */
import { invalidField } from './gce-error.js';
import type { GceJsonValue } from './gce-shapes.js';

const KEY = /^[a-z][a-z0-9_-]{0,62}$/;
const VALUE = /^[a-z0-9_-]{0,63}$/;

/** Checks a `labels` map; returns it as strings, or throws GCE's 400 naming `field`. */
export function checkLabels(value: GceJsonValue | undefined, field: string): Record<string, string> {
  if (value === undefined || value === null) return {};
  if (typeof value !== 'object' || Array.isArray(value)) throw invalidField(field, value, 'Labels must be a map of strings.');
  const entries = Object.entries(value);
  if (entries.length > 64) throw invalidField(field, '', `Too many labels: ${entries.length}. The maximum number of labels is 64.`);
  const out: Record<string, string> = {};
  for (const [key, v] of entries) {
    if (!KEY.test(key)) {
      throw invalidField(field, '', `Label key '${key}' violates format constraints. The key must start with a lowercase character, can only contain lowercase letters, numeric characters, underscores and dashes. The key can be at most 63 characters long. International characters are allowed.`);
    }
    if (typeof v !== 'string' || !VALUE.test(v)) {
      throw invalidField(field, '', `Label value '${String(v)}' violates format constraints. The value can only contain lowercase letters, numeric characters, underscores and dashes. The value can be at most 63 characters long. International characters are allowed.`);
    }
    out[key] = v;
  }
  return out;
}
