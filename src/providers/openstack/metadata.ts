/**
 * Labels ↔ Nova server metadata, and the metadata novacron writes on what it creates.
 *
 * Nova's rules (Compute API reference, "Create Server", `metadata`, read 2026-12): string keys
 * and values, a key at most 255 characters, a value at most 255, and at most 128 items under the
 * default `metadata_items` quota. Spec labels already follow the strictest cloud's rules, so they
 * pass unchanged; the adapter's own keys start with `novacron-` and are refused as labels.
 */
import { InvalidSpecError } from '../../provider/errors.js';
import type { VMSpec } from '../../provider/types.js';

/** Metadata keys novacron writes on servers (and the images and ports it makes). */
export const NOVACRON_METADATA = {
  /** `true` on everything novacron created. */
  managed: 'novacron-managed',
  /** Provider instance name. */
  provider: 'novacron-provider',
  /** The provider's `federationId`, when it was given one. */
  federation: 'novacron-federation-id',
  /** The VM's name as the spec gave it (the server's name is derived from the idempotency key). */
  name: 'novacron-name',
  /** `specFingerprint` of the spec: tells a repeated create from a conflicting one. */
  specHash: 'novacron-spec-hash',
  /** Digest of the caller's idempotency key (see `keyDigestOf`). */
  idempotencyKey: 'novacron-key',
  /** The image as the spec named it (an alias, or the artifact's base image for an import). */
  image: 'novacron-image',
} as const;

/** Most metadata items Nova takes by default (`metadata_items` quota). */
export const MAX_METADATA_ITEMS = 128;
/** Longest metadata key and value. */
export const MAX_METADATA_CHARS = 255;

const OWN_KEYS: ReadonlySet<string> = new Set(Object.values(NOVACRON_METADATA));

/** What identifies a create in its metadata. */
export interface VmMetadataContext {
  /** Provider instance name. */
  readonly providerName: string;
  /** Spec fingerprint. */
  readonly specHash: string;
  /** Federation id, when set. */
  readonly federationId?: string | undefined;
  /** The key digest, when the create has a key. */
  readonly keyDigest?: string | undefined;
  /** The image to record (default the spec's). */
  readonly image?: string | undefined;
}

/** The server's metadata: the spec's labels (sorted) and novacron's own; `InvalidSpecError` on `labels` when they collide or break Nova's limits. */
export function vmMetadata(spec: VMSpec, ctx: VmMetadataContext): Record<string, string> {
  const out: Record<string, string> = {};
  for (const key of Object.keys(spec.labels).sort()) {
    const value = spec.labels[key]!;
    if (OWN_KEYS.has(key)) throw new InvalidSpecError({ issues: [{ field: `labels.${key}`, message: `"${key}" is metadata the OpenStack adapter writes itself` }] });
    if (key.length > MAX_METADATA_CHARS || value.length > MAX_METADATA_CHARS) {
      throw new InvalidSpecError({ issues: [{ field: `labels.${key}`, message: `Nova metadata keys and values hold at most ${MAX_METADATA_CHARS} characters` }] });
    }
    out[key] = value;
  }
  const own: Record<string, string> = {
    [NOVACRON_METADATA.managed]: 'true',
    [NOVACRON_METADATA.provider]: ctx.providerName.slice(0, MAX_METADATA_CHARS),
    [NOVACRON_METADATA.name]: spec.name,
    [NOVACRON_METADATA.specHash]: ctx.specHash,
    [NOVACRON_METADATA.image]: (ctx.image ?? spec.image).slice(0, MAX_METADATA_CHARS),
    ...(ctx.federationId !== undefined ? { [NOVACRON_METADATA.federation]: ctx.federationId.slice(0, MAX_METADATA_CHARS) } : {}),
    ...(ctx.keyDigest !== undefined ? { [NOVACRON_METADATA.idempotencyKey]: ctx.keyDigest } : {}),
  };
  const count = Object.keys(out).length + Object.keys(own).length;
  if (count > MAX_METADATA_ITEMS) {
    throw new InvalidSpecError({ issues: [{ field: 'labels', message: `Nova takes ${MAX_METADATA_ITEMS} metadata items per server; novacron uses ${Object.keys(own).length}, so at most ${MAX_METADATA_ITEMS - Object.keys(own).length} labels fit` }] });
  }
  return { ...out, ...own };
}

/** The VM's labels among a server's metadata: everything but the adapter's own. */
export function labelsOf(metadata: Readonly<Record<string, string>> | null | undefined): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [key, value] of Object.entries(metadata ?? {})) if (!OWN_KEYS.has(key)) out[key] = value;
  return out;
}

/** True when `metadata` carries every wanted item with its value. */
export function hasMetadata(metadata: Readonly<Record<string, string>> | null | undefined, wanted: Readonly<Record<string, string>>): boolean {
  return Object.entries(wanted).every(([k, v]) => metadata?.[k] === v);
}
