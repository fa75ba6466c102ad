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

// Shapes that are secrets wherever they appear. Each pattern is linear on any input: no nested
// or overlapping quantifiers.
const STRING_PATTERNS: readonly [RegExp, string][] = [
  // Bearer / Basic authorization values.
  [/\b(Bearer|Basic) +[A-Za-z0-9\-._~+/]{8,}=*/g, `$1 ${REDACTED}`],
  // AWS access key ids (AKIA long-term, ASIA temporary).
  [/\b(AKIA|ASIA)[0-9A-Z]{16}\b/g, REDACTED],
  // JSON web tokens.
  [/\beyJ[A-Za-z0-9_-]{8,}\.eyJ[A-Za-z0-9_-]{8,}\.[A-Za-z0-9_-]{8,}/g, REDACTED],
];

/** Words of a key that names a secret, in `key=value` and `key: value` text. */
const SECRET_WORD = /secret|password|passwd|token|private[_-]?key|pre[_-]?shared[_-]?key|\bpsk\b|api[_-]?key|access[_-]?key|signature|^sig$/i;
/** Where a value ends. */
const VALUE_END = new Set([' ', '\t', '\n', '\r', '"', "'", '&', ',', ';', '}', ')', ']']);

/**
 * A value after `key: ` in running text is a secret only when it looks like one — long enough
 * and not a plain word — so that `password: must be a string` or `SignatureDoesNotMatch: The
 * request signature` keep their words. After `=`, or in quotes, any value is taken as given.
 */
function looksLikeSecret(value: string): boolean {
  return value.length >= 20 || (value.length >= 8 && /[0-9+/=_-]/.test(value));
}

/**
 * Replaces the values of `key=value`, `key: value` and `"key": "value"` pairs whose key names a
 * secret, in one pass (linear: each word is read once, each value once).
 */
function redactPairs(text: string): string {
  let out = '';
  let copied = 0;
  // A word as a key can be written (letters, digits, `_`, `.`, `-`); one regex per call keeps `lastIndex` local.
  const words = /[A-Za-z0-9_.-]+/g;
  for (let m = words.exec(text); m !== null; m = words.exec(text)) {
    const key = m[0];
    if (!SECRET_WORD.test(key) || HARMLESS_KEY.test(key)) continue;
    let i = m.index + key.length;
    const quotedKey = text[i] === '"' || text[i] === "'";
    if (quotedKey) i++;
    while (text[i] === ' ') i++;
    const sep = text[i];
    if (sep !== '=' && sep !== ':') continue;
    i++;
    while (text[i] === ' ') i++;
    const quoted = text[i] === '"' || text[i] === "'";
    if (quoted) i++;
    const start = i;
    while (i < text.length && !VALUE_END.has(text[i]!)) i++;
    const value = text.slice(start, i);
    if (value.length === 0) continue;
    // In prose (`key: value`, nothing quoted) only a secret-shaped value is taken for one.
    if (sep === ':' && !quoted && !quotedKey && !looksLikeSecret(value)) continue;
    out += text.slice(copied, start) + REDACTED;
    copied = i;
    words.lastIndex = i;
  }
  return copied === 0 ? text : out + text.slice(copied);
}

/** `user:password@` inside URLs (linear: each scan runs from a `://` to the next separator). */
function redactUrlPasswords(text: string): string {
  let out = '';
  let copied = 0;
  for (let at = text.indexOf('://'); at !== -1; at = text.indexOf('://', at + 3)) {
    let i = at + 3;
    let colon = -1;
    while (i < text.length && text[i] !== '@' && text[i] !== '/' && text[i] !== ' ' && text[i] !== '\n') {
      if (text[i] === ':' && colon === -1) colon = i;
      i++;
    }
    if (text[i] !== '@' || colon === -1 || colon === i - 1) continue;
    out += text.slice(copied, colon + 1) + REDACTED;
    copied = i;
  }
  return copied === 0 ? text : out + text.slice(copied);
}

/** PEM private key blocks (RSA, EC, OpenSSH, PKCS#8), to their END line or the end of the text. */
function redactPrivateKeys(text: string): string {
  let out = '';
  let copied = 0;
  for (let at = text.indexOf('-----BEGIN '); at !== -1; at = text.indexOf('-----BEGIN ', Math.max(at + 1, copied))) {
    const head = text.indexOf('-----', at + 11);
    if (head === -1 || head - at > 80 || !text.slice(at + 11, head).endsWith('PRIVATE KEY')) continue;
    const end = text.indexOf('-----END ', head + 5);
    const close = end === -1 ? -1 : text.indexOf('-----', end + 9);
    const stop = close === -1 ? text.length : close + 5;
    out += text.slice(copied, at) + REDACTED;
    copied = stop;
  }
  return copied === 0 ? text : out + text.slice(copied);
}

/** Returns `text` with every secret-shaped substring replaced by {@link REDACTED}; linear in its length. */
export function redactString(text: string, knownSecrets?: Iterable<string>): string {
  let out = text;
  if (knownSecrets) {
    for (const secret of knownSecrets) {
      if (secret.length >= 4) out = out.split(secret).join(REDACTED);
    }
  }
  out = redactPrivateKeys(out);
  out = redactUrlPasswords(out);
  out = redactPairs(out);
  for (const [pattern, replacement] of STRING_PATTERNS) out = out.replace(pattern, replacement);
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
