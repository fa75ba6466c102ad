/**
 * One redaction helper, used by every error, event and log path, so that credentials,
 * pre-shared keys and private keys never leave the process in plain text.
 *
 * Two rules apply: values under secret-sounding keys are replaced whole, and strings are
 * scanned for shapes that are secrets whatever key they sit under (AWS access keys,
 * bearer tokens, PEM private keys, passwords inside URLs, `key=value` pairs).
 */

/** The text that stands in for a removed secret. */
export const REDACTED = '[REDACTED]';

const SECRET_KEY =
  /(secret|passw(or)?d|passwd|token|credential|private.?key|pre.?shared|\bpsk\b|api.?key|access.?key|authorization|session.?key|client.?secret|signature|cookie)/i;

// Key names that contain a secret word but are known to be harmless identifiers.
const HARMLESS_KEY = /^(accessKeyId|tokenType|idempotencyKey|clientToken|fencingToken|nextToken|NextToken|publicKey|publickey|keyName|KeyName|secretName|passwordSet)$/;

const STRING_PATTERNS: readonly [RegExp, string][] = [
  // PEM private keys (RSA, EC, OpenSSH, PKCS#8).
  [/-----BEGIN ([A-Z ]*)PRIVATE KEY-----[\s\S]*?(-----END \1PRIVATE KEY-----|$)/g, REDACTED],
  // Bearer / Basic authorization values.
  [/\b(Bearer|Basic)\s+[A-Za-z0-9\-._~+/]+=*/g, `$1 ${REDACTED}`],
  // user:password@ inside URLs.
  [/([a-z][a-z0-9+.-]*:\/\/[^\s:/@]+):[^\s@/]+@/gi, `$1:${REDACTED}@`],
  // key=value and key: value pairs whose key sounds secret (query strings, config dumps, SDK messages).
  [
    /\b([A-Za-z0-9_.-]*(secret|password|passwd|token|private[_-]?key|pre[_-]?shared[_-]?key|psk|api[_-]?key|access[_-]?key|signature)[A-Za-z0-9_.-]*)(["']?\s*[=:]\s*["']?)([^\s"'&,;}]+)/gi,
    `$1$3${REDACTED}`,
  ],
  // AWS access key ids (AKIA long-term, ASIA temporary).
  [/\b(AKIA|ASIA)[0-9A-Z]{16}\b/g, REDACTED],
  // JSON web tokens.
  [/\beyJ[A-Za-z0-9_-]{8,}\.[A-Za-z0-9_-]{8,}\.[A-Za-z0-9_-]{8,}/g, REDACTED],
];

/** Returns `text` with every secret-shaped substring replaced by {@link REDACTED}. */
export function redactString(text: string, knownSecrets?: Iterable<string>): string {
  let out = text;
  if (knownSecrets) {
    for (const secret of knownSecrets) {
      if (secret.length >= 4) out = out.split(secret).join(REDACTED);
    }
  }
  for (const [pattern, replacement] of STRING_PATTERNS) {
    out = out.replace(pattern, replacement);
  }
  return out;
}

/** True when a property of this name holds a secret and must be replaced whole. */
export function isSecretKey(key: string): boolean {
  return !HARMLESS_KEY.test(key) && SECRET_KEY.test(key);
}

/**
 * Returns a deep copy of `value` with secrets removed: properties with secret-sounding names
 * become {@link REDACTED}, strings are scanned with {@link redactString}. Cycles, class
 * instances and typed arrays are handled; functions are dropped.
 */
export function redact<T>(value: T, knownSecrets?: Iterable<string>): T {
  const known = knownSecrets ? [...knownSecrets] : undefined;
  return redactValue(value, known, new WeakMap()) as T;
}

function redactValue(value: unknown, known: string[] | undefined, seen: WeakMap<object, unknown>): unknown {
  if (typeof value === 'string') return redactString(value, known);
  if (value === null || typeof value !== 'object') return typeof value === 'function' ? undefined : value;
  if (seen.has(value)) return seen.get(value);
  if (value instanceof Date) return new Date(value.getTime());
  if (ArrayBuffer.isView(value)) return REDACTED; // raw bytes may be key material
  if (Array.isArray(value)) {
    const copy: unknown[] = [];
    seen.set(value, copy);
    for (const item of value) copy.push(redactValue(item, known, seen));
    return copy;
  }
  if (value instanceof Map) {
    const copy = new Map<unknown, unknown>();
    seen.set(value, copy);
    for (const [k, v] of value) {
      copy.set(k, typeof k === 'string' && isSecretKey(k) ? REDACTED : redactValue(v, known, seen));
    }
    return copy;
  }
  if (value instanceof Error) return redactError(value, known);
  const copy: Record<string, unknown> = {};
  seen.set(value, copy);
  for (const [k, v] of Object.entries(value)) {
    copy[k] = isSecretKey(k) && v !== undefined && v !== null ? REDACTED : redactValue(v, known, seen);
  }
  return copy;
}

function redactError(error: Error, known: string[] | undefined): Error {
  const copy = new Error(redactString(error.message, known));
  copy.name = error.name;
  if (error.stack) copy.stack = redactString(error.stack, known);
  return copy;
}
