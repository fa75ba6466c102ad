/**
 * Labels ↔ Azure tags, and the tags novacron writes on what it creates.
 *
 * Azure's tag rules (learn.microsoft.com/azure/azure-resource-manager/management/tag-resources,
 * "Limitations", read 2026-12): at most 50 tags per resource; names up to 512 characters, values
 * up to 256; names may not contain `<`, `>`, `%`, `&`, `\`, `?` or `/`; names are case-insensitive
 * and the prefixes `microsoft`, `azure` and `windows` are reserved for Azure. Spec labels already
 * follow stricter rules (lower-case, at most 63 characters), except the reserved prefixes, which
 * are checked here before anything is sent.
 *
 * Owned resources (the NIC, public IP and OS disk of a VM) carry `novacron:vm` naming their VM:
 * a delete removes a resource only when that tag says it belongs to the VM being deleted, so a
 * resource that merely has a matching name, or that a user attached, is never touched.
 */
import { InvalidSpecError, type SpecIssue } from '../../provider/errors.js';
import { joinPath } from '../../provider/input-guards.js';
import type { VMSpec } from '../../provider/types.js';

/** Tags novacron writes on what it creates in Azure. */
export const NOVACRON_TAG = {
  /** Common prefix; such tags are not reported as labels. */
  prefix: 'novacron:',
  /** `true` on everything novacron created. */
  managed: 'novacron:managed',
  /** Provider instance name. */
  provider: 'novacron:provider',
  /** Federation id, when the provider was given one. */
  federation: 'novacron:federation',
  /** The VM's name as the spec gave it (the Azure name is derived from the idempotency key). */
  name: 'novacron:name',
  /** `specFingerprint` of the spec: tells a repeated create from a conflicting one. */
  specHash: 'novacron:spec-hash',
  /** The caller's idempotency key (cut to 256 characters, Azure's value limit). */
  idempotencyKey: 'novacron:idempotency-key',
  /** The image as the spec named it (alias, URN or image id). */
  image: 'novacron:image',
  /** On a NIC, public IP or disk: the name of the VM it was created for. */
  ownerVm: 'novacron:vm',
} as const;

/** Most tags an Azure resource may carry. */
export const MAX_TAGS = 50;
const MAX_NAME = 512;
const MAX_VALUE = 256;
const FORBIDDEN_IN_NAME = /[<>%&\\?/]/;
const RESERVED_PREFIX = /^(microsoft|azure|windows)/i;

/** What identifies a create in its tags. */
export interface VmTagContext {
  /** Provider instance name. */
  readonly providerName: string;
  /** Spec fingerprint. */
  readonly specHash: string;
  /** Federation id, when set. */
  readonly federationId?: string | undefined;
  /** The caller's idempotency key, when one was given. */
  readonly idempotencyKey?: string | undefined;
}

/** Problems of a label set under Azure's tag rules (empty when they are fine). */
export function labelTagIssues(labels: Readonly<Record<string, string>>): SpecIssue[] {
  const issues: SpecIssue[] = [];
  for (const [key, value] of Object.entries(labels)) {
    const field = joinPath('labels', key);
    if (key.length > MAX_NAME) issues.push({ field, message: `Azure tag names hold at most ${MAX_NAME} characters` });
    if (FORBIDDEN_IN_NAME.test(key)) issues.push({ field, message: 'Azure tag names may not contain < > % & \\ ? /' });
    if (RESERVED_PREFIX.test(key)) issues.push({ field, message: 'Azure reserves tag names starting with "microsoft", "azure" or "windows"' });
    if (key.toLowerCase().startsWith(NOVACRON_TAG.prefix)) issues.push({ field, message: `the "${NOVACRON_TAG.prefix}" prefix is novacron's own` });
    if (value.length > MAX_VALUE) issues.push({ field, message: `Azure tag values hold at most ${MAX_VALUE} characters` });
  }
  return issues;
}

/** The VM's tags: its labels (sorted) and novacron's own; `InvalidSpecError` on `labels` when they break Azure's rules. */
export function vmTags(spec: VMSpec, ctx: VmTagContext): Record<string, string> {
  const issues = labelTagIssues(spec.labels);
  if (issues.length > 0) throw new InvalidSpecError({ issues });
  const tags: Record<string, string> = {};
  for (const key of Object.keys(spec.labels).sort()) tags[key] = spec.labels[key]!;
  tags[NOVACRON_TAG.managed] = 'true';
  tags[NOVACRON_TAG.provider] = ctx.providerName.slice(0, MAX_VALUE);
  tags[NOVACRON_TAG.name] = spec.name;
  tags[NOVACRON_TAG.specHash] = ctx.specHash;
  tags[NOVACRON_TAG.image] = spec.image.slice(0, MAX_VALUE);
  if (ctx.federationId !== undefined) tags[NOVACRON_TAG.federation] = ctx.federationId.slice(0, MAX_VALUE);
  if (ctx.idempotencyKey !== undefined) tags[NOVACRON_TAG.idempotencyKey] = ctx.idempotencyKey.slice(0, MAX_VALUE);
  const own = Object.keys(tags).length - Object.keys(spec.labels).length;
  if (Object.keys(tags).length > MAX_TAGS) {
    throw new InvalidSpecError({ issues: [{ field: 'labels', message: `Azure allows ${MAX_TAGS} tags per resource; novacron uses ${own}, so at most ${MAX_TAGS - own} labels fit` }] });
  }
  return tags;
}

/** The tags of a resource created for VM `vm` (its NIC, public IP, OS disk, export snapshot). */
export function ownedResourceTags(vm: string, ctx: Pick<VmTagContext, 'providerName' | 'federationId'>): Record<string, string> {
  return {
    [NOVACRON_TAG.managed]: 'true',
    [NOVACRON_TAG.provider]: ctx.providerName.slice(0, MAX_VALUE),
    [NOVACRON_TAG.ownerVm]: vm,
    ...(ctx.federationId !== undefined ? { [NOVACRON_TAG.federation]: ctx.federationId.slice(0, MAX_VALUE) } : {}),
  };
}

/** True when a resource's tags say novacron created it for VM `vm`. */
export function isOwnedBy(tags: Readonly<Record<string, string>> | undefined, vm: string): boolean {
  return tags?.[NOVACRON_TAG.managed] === 'true' && tags[NOVACRON_TAG.ownerVm]?.toLowerCase() === vm.toLowerCase();
}

/** The labels among a VM's tags: everything but novacron's own. */
export function labelsOf(tags: Readonly<Record<string, string>> | undefined): Record<string, string> {
  const labels: Record<string, string> = {};
  for (const [key, value] of Object.entries(tags ?? {})) if (!key.toLowerCase().startsWith(NOVACRON_TAG.prefix)) labels[key] = value;
  return labels;
}

/** True when `tags` carry every label of `wanted` with its value (tag names compare case-insensitively, as in Azure). */
export function hasLabels(tags: Readonly<Record<string, string>> | undefined, wanted: readonly (readonly [string, string])[]): boolean {
  if (wanted.length === 0) return true;
  const lower = new Map(Object.entries(tags ?? {}).map(([k, v]) => [k.toLowerCase(), v]));
  return wanted.every(([k, v]) => lower.get(k.toLowerCase()) === v);
}
