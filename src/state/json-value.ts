/** How values become stored text, identically in every store. */
import { InvalidSpecError } from '../provider/errors.js';

function rejectNonJson(_key: string, value: unknown): unknown {
  if (typeof value === 'number' && !Number.isFinite(value)) {
    // JSON.stringify would silently turn NaN and Infinity into null: a different value than was put.
    throw new InvalidSpecError({ issues: [{ field: 'value', message: 'must not contain NaN or Infinity' }] });
  }
  return value;
}

/**
 * Serializes a value for storage. Throws `InvalidSpecError` when the value has no JSON form
 * (`undefined`, a function, a bigint, a cycle) or contains a number JSON cannot represent.
 */
export function encodeValue(value: unknown, field = 'value'): string {
  let text: string | undefined;
  try {
    text = JSON.stringify(value);
    // NaN and Infinity come out as `null`: only then is the slower checking pass needed.
    if (text !== undefined && text.includes('null')) JSON.stringify(value, rejectNonJson);
  } catch (error) {
    if (InvalidSpecError.isInstance(error)) throw error;
    throw new InvalidSpecError({ issues: [{ field, message: 'must be JSON-serializable' }], cause: error });
  }
  if (text === undefined) throw new InvalidSpecError({ issues: [{ field, message: 'must be JSON-serializable (got undefined or a function)' }] });
  return text;
}

/** Parses stored text back into a fresh value. */
export function decodeValue<T>(text: string): T {
  return JSON.parse(text) as T;
}
