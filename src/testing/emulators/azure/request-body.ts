/**
 * Reading an ARM request body by path, with ARM's refusals: a body that is not JSON, or a field
 * of the wrong JSON type, is 400 `InvalidRequestContent` ("The request content was invalid and
 * could not be deserialized: ...", ARM's answer to a body its model binder rejects, as quoted in
 * Azure SDK and Terraform provider issue threads, read 2026-12; the detail after the colon is the
 * emulator's); a value
 * of the right type that the resource provider refuses is the handler's business. Targets are
 * written the compute RP's way, without the `properties` segments (`hardwareProfile.vmSize`).
 */
import type { JsonValue } from '../../../state/state-store.js';
import { ArmError } from './arm-error.js';

export type { JsonValue };

/** A JSON object. */
export interface JsonObject {
  [key: string]: JsonValue;
}

function contentError(path: string, expected: string): ArmError {
  return new ArmError(400, 'InvalidRequestContent', `The request content was invalid and could not be deserialized: 'Unexpected value at path '${path}': expected ${expected}.'`);
}

/** True for a plain JSON object. */
export function isJsonObject(value: unknown): value is JsonObject {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** A field of a request body, read by path. */
export class BodyField {
  private constructor(
    private readonly value: unknown,
    /** JSON path from the body's root (`properties.hardwareProfile.vmSize`). */
    readonly path: string,
  ) {}

  /** The root of a parsed body. */
  static root(value: unknown): BodyField {
    return new BodyField(value, '');
  }

  /** Parses a request body; an empty body is `{}`. Throws `InvalidRequestContent` on bad JSON. */
  static parse(text: string): BodyField {
    if (text.trim() === '') return new BodyField({}, '');
    try {
      return new BodyField(JSON.parse(text) as unknown, '');
    } catch (e) {
      throw new ArmError(400, 'InvalidRequestContent', `The request content was invalid and could not be deserialized: '${e instanceof Error ? e.message : String(e)}'.`);
    }
  }

  /** The field's target as the compute RP names it (`properties` segments dropped). */
  get target(): string {
    return this.path
      .split('.')
      .filter((s) => s !== 'properties' && s !== '')
      .join('.');
  }

  /** True when the field is present and not `null`. */
  get present(): boolean {
    return this.value !== undefined && this.value !== null;
  }

  /** A member of this object (absent when this is absent). Throws when this is not an object. */
  get(key: string): BodyField {
    const path = this.path === '' ? key : `${this.path}.${key}`;
    if (!this.present) return new BodyField(undefined, path);
    if (!isJsonObject(this.value)) throw contentError(this.path, 'an object');
    return new BodyField(this.value[key], path);
  }

  /** A nested member by dotted path (`properties.hardwareProfile`). */
  at(dotted: string): BodyField {
    return dotted.split('.').reduce<BodyField>((field, key) => field.get(key), this);
  }

  /** The keys of this object (none when absent). */
  keys(): string[] {
    if (!this.present) return [];
    if (!isJsonObject(this.value)) throw contentError(this.path, 'an object');
    return Object.keys(this.value);
  }

  /** The value as a string, `undefined` when absent. */
  string(): string | undefined {
    if (!this.present) return undefined;
    if (typeof this.value !== 'string') throw contentError(this.path, 'a string');
    return this.value;
  }

  /** The value as a number (a numeric string is accepted, as ARM's binder does), `undefined` when absent. */
  number(): number | undefined {
    if (!this.present) return undefined;
    if (typeof this.value === 'number') return this.value;
    if (typeof this.value === 'string' && this.value.trim() !== '' && Number.isFinite(Number(this.value))) return Number(this.value);
    throw contentError(this.path, 'a number');
  }

  /** The value as a boolean, `undefined` when absent. */
  boolean(): boolean | undefined {
    if (!this.present) return undefined;
    if (typeof this.value !== 'boolean') throw contentError(this.path, 'a boolean');
    return this.value;
  }

  /** The items of an array (empty when absent). */
  items(): BodyField[] {
    if (!this.present) return [];
    if (!Array.isArray(this.value)) throw contentError(this.path, 'an array');
    return this.value.map((v: unknown, i) => new BodyField(v, `${this.path}[${i}]`));
  }

  /** The value as an object of strings (tags), `undefined` when absent. */
  stringMap(): Record<string, string> | undefined {
    if (!this.present) return undefined;
    if (!isJsonObject(this.value)) throw contentError(this.path, 'an object');
    const out: Record<string, string> = {};
    for (const [k, v] of Object.entries(this.value)) {
      if (typeof v !== 'string') throw contentError(`${this.path}.${k}`, 'a string');
      out[k] = v;
    }
    return out;
  }

  /** The raw JSON value (a copy), `undefined` when absent. */
  json(): JsonValue | undefined {
    return this.present ? (structuredClone(this.value) as JsonValue) : undefined;
  }
}
