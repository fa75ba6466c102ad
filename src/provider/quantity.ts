/**
 * Kubernetes-style resource quantities (`8Gi`, `512Mi`, `16G`, `500m`), as used in
 * VirtualMachine manifests. Binary suffixes are powers of 1024, decimal ones powers of 1000.
 */

const BYTES_PER_GIB = 1024 ** 3;

const SUFFIX_MULTIPLIER: Readonly<Record<string, number>> = {
  '': 1,
  Ki: 1024,
  Mi: 1024 ** 2,
  Gi: 1024 ** 3,
  Ti: 1024 ** 4,
  Pi: 1024 ** 5,
  k: 1e3,
  M: 1e6,
  G: 1e9,
  T: 1e12,
  P: 1e15,
};

const QUANTITY = /^\s*([0-9]+(?:\.[0-9]+)?(?:[eE][+-]?[0-9]+)?)\s*(Ki|Mi|Gi|Ti|Pi|k|M|G|T|P)?\s*$/;

/** Parses a byte quantity; `undefined` when the text is not one. A bare number is bytes, as in Kubernetes. */
export function parseByteQuantity(text: string): number | undefined {
  const m = QUANTITY.exec(text);
  if (!m) return undefined;
  const value = Number(m[1]);
  const multiplier = SUFFIX_MULTIPLIER[m[2] ?? ''];
  if (!Number.isFinite(value) || multiplier === undefined) return undefined;
  return value * multiplier;
}

/** Parses a quantity to GiB; a number is taken as GiB already. */
export function toGiB(value: number | string): number | undefined {
  if (typeof value === 'number') return Number.isFinite(value) ? value : undefined;
  const bytes = parseByteQuantity(value);
  return bytes === undefined ? undefined : bytes / BYTES_PER_GIB;
}

/** Parses a CPU quantity (`4`, `"4"`, `"500m"`) to cores. */
export function toCores(value: number | string): number | undefined {
  if (typeof value === 'number') return Number.isFinite(value) ? value : undefined;
  const m = /^\s*([0-9]+(?:\.[0-9]+)?)(m)?\s*$/.exec(value);
  if (!m) return undefined;
  const n = Number(m[1]);
  return m[2] ? n / 1000 : n;
}

/** A hint for common unit mistakes (`8Gb`, `8GB`, `8gi`), or `undefined`. */
export function quantityHint(text: string): string | undefined {
  const m = /^\s*([0-9.]+)\s*([A-Za-z]+)\s*$/.exec(text);
  if (!m) return undefined;
  const [, n, unit] = m;
  const lower = unit!.toLowerCase();
  if (lower === 'gb' || lower === 'gib' || lower === 'gi' || lower === 'g') return `did you mean "${n}Gi" (GiB) or "${n}G" (GB)?`;
  if (lower === 'mb' || lower === 'mib' || lower === 'mi' || lower === 'm') return `did you mean "${n}Mi" (MiB) or "${n}M" (MB)?`;
  if (lower === 'tb' || lower === 'tib' || lower === 'ti' || lower === 't') return `did you mean "${n}Ti" (TiB) or "${n}T" (TB)?`;
  return undefined;
}
