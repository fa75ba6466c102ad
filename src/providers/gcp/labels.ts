/**
 * Labels ↔ Compute Engine labels, and the labels novacron writes on what it creates.
 *
 * GCE's rules ("Labels overview", cloud.google.com/compute/docs/labeling-resources, read
 * 2026-12): at most 64 labels per resource; keys and values at most 63 characters of lower-case
 * letters, digits, `_` and `-`; keys start with a lower-case letter; values may be empty. Spec
 * labels already follow these rules (they are the strictest cloud's), so they pass unchanged.
 *
 * novacron's own values are not always label-safe (an image alias has a dot, a provider name may
 * have capitals), so they are encoded reversibly: every character outside `[a-z0-9-]` becomes `_`
 * and two hex digits of its code (`ubuntu-22.04` → `ubuntu-22_2e04`, `_` → `_5f`). A value whose
 * encoding would not fit in 63 characters is cut at a character boundary and ends with `_` and
 * no digits, which decoding reports as cut (the idempotency key is never stored this way: its
 * label carries its digest, see `naming.ts`).
 */
import { InvalidSpecError } from '../../provider/errors.js';
import type { VMSpec } from '../../provider/types.js';

/** Labels novacron writes on what it creates in Compute Engine. */
export const NOVACRON_LABEL = {
  /** Common prefix of these labels (the core's own labels, such as `novacron-federation`, share it and stay labels). */
  prefix: 'novacron-',
  /** `true` on everything novacron created. */
  managed: 'novacron-managed',
  /** Provider instance name (encoded). */
  provider: 'novacron-provider',
  /** The provider's `federationId`, when it was given one (encoded; `novacron-federation` is the core's label). */
  federation: 'novacron-federation-id',
  /** The VM's name as the spec gave it (the instance name is derived from the idempotency key). */
  name: 'novacron-name',
  /** `specFingerprint` of the spec: tells a repeated create from a conflicting one. */
  specHash: 'novacron-spec-hash',
  /** Digest of the caller's idempotency key (see `keyLabelValue`). */
  idempotencyKey: 'novacron-key',
  /** The image as the spec named it (encoded). */
  image: 'novacron-image',
} as const;

/** Most labels a GCE resource may carry. */
export const MAX_LABELS = 64;
const MAX_CHARS = 63;
const OWN_KEYS: ReadonlySet<string> = new Set(Object.entries(NOVACRON_LABEL).filter(([k]) => k !== 'prefix').map(([, v]) => v));

/** A value in GCE's label alphabet, reversibly (see the file comment). */
export function encodeLabelValue(value: string): string {
  let out = '';
  for (const ch of value) {
    const piece = /^[a-z0-9-]$/.test(ch) ? ch : [...Buffer.from(ch, 'utf8')].map((b) => `_${b.toString(16).padStart(2, '0')}`).join('');
    if (out.length + piece.length > MAX_CHARS) return `${out.slice(0, MAX_CHARS - 1)}_`;
    out += piece;
  }
  return out;
}

/** The value {@link encodeLabelValue} encoded; `undefined` when it was cut or is not such an encoding. */
export function decodeLabelValue(label: string): string | undefined {
  const bytes: number[] = [];
  for (let i = 0; i < label.length; i++) {
    const ch = label[i]!;
    if (ch !== '_') {
      bytes.push(ch.charCodeAt(0));
      continue;
    }
    const hex = label.slice(i + 1, i + 3);
    if (!/^[0-9a-f]{2}$/.test(hex)) return undefined;
    bytes.push(parseInt(hex, 16));
    i += 2;
  }
  return Buffer.from(bytes).toString('utf8');
}

/** What identifies a create in its labels. */
export interface VmLabelContext {
  /** Provider instance name. */
  readonly providerName: string;
  /** Spec fingerprint. */
  readonly specHash: string;
  /** Federation id, when set. */
  readonly federationId?: string | undefined;
  /** The key label's value (`keyLabelValue`), when the create has a key. */
  readonly keyLabel?: string | undefined;
}

/** The instance's labels: the spec's (sorted) and novacron's own; `InvalidSpecError` on `labels` when they collide or are too many. */
export function vmLabels(spec: VMSpec, ctx: VmLabelContext): Record<string, string> {
  const labels: Record<string, string> = {};
  for (const key of Object.keys(spec.labels).sort()) {
    if (OWN_KEYS.has(key)) throw new InvalidSpecError({ issues: [{ field: `labels.${key}`, message: `"${key}" is a label the GCE adapter writes itself` }] });
    labels[key] = spec.labels[key]!;
  }
  const own: Record<string, string> = {
    [NOVACRON_LABEL.managed]: 'true',
    [NOVACRON_LABEL.provider]: encodeLabelValue(ctx.providerName),
    [NOVACRON_LABEL.name]: spec.name,
    [NOVACRON_LABEL.specHash]: ctx.specHash,
    [NOVACRON_LABEL.image]: encodeLabelValue(spec.image),
    ...(ctx.federationId !== undefined ? { [NOVACRON_LABEL.federation]: encodeLabelValue(ctx.federationId) } : {}),
    ...(ctx.keyLabel !== undefined ? { [NOVACRON_LABEL.idempotencyKey]: ctx.keyLabel } : {}),
  };
  const count = Object.keys(labels).length + Object.keys(own).length;
  if (count > MAX_LABELS) {
    throw new InvalidSpecError({ issues: [{ field: 'labels', message: `GCE allows ${MAX_LABELS} labels per resource; novacron uses ${Object.keys(own).length}, so at most ${MAX_LABELS - Object.keys(own).length} labels fit` }] });
  }
  return { ...labels, ...own };
}

/** The VM's labels among an instance's: everything but the adapter's own. */
export function labelsOf(labels: Readonly<Record<string, string>> | null | undefined): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [key, value] of Object.entries(labels ?? {})) if (!OWN_KEYS.has(key)) out[key] = value;
  return out;
}

/** A novacron label's value decoded (`image`, `provider`, `federation`); `undefined` when absent or cut. */
export function ownLabel(labels: Readonly<Record<string, string>> | null | undefined, key: string): string | undefined {
  const value = labels?.[key];
  return value === undefined ? undefined : decodeLabelValue(value);
}

/**
 * A list `filter` requiring every label: `(labels.env = "prod") (labels.tier = "web")` (GCE's
 * filter syntax: expressions in parentheses are joined by AND). Label values hold no quote.
 */
export function labelFilter(wanted: Readonly<Record<string, string>>): string | undefined {
  const parts = Object.entries(wanted).map(([k, v]) => `(labels.${k} = "${v}")`);
  return parts.length === 0 ? undefined : parts.join(' ');
}

/** True when `labels` carry every wanted label with its value. */
export function hasLabels(labels: Readonly<Record<string, string>> | null | undefined, wanted: Readonly<Record<string, string>>): boolean {
  return Object.entries(wanted).every(([k, v]) => labels?.[k] === v);
}
