/**
 * WireGuard keys from node:crypto: Curve25519 (X25519) key pairs as raw 32 bytes in base64,
 * the format `wg genkey` and `wg pubkey` print and wg-quick configs carry.
 *
 * Node imports a raw private key only inside a PKCS#8 envelope (its JWK import wants the public
 * half too), so the 32 bytes are wrapped in the fixed PKCS#8 header of an X25519 key (RFC 8410,
 * section 7) and the public key is read back as JWK `x`.
 */
import { createPrivateKey, createPublicKey, generateKeyPairSync, randomBytes } from 'node:crypto';
import { InvalidSpecError } from '../provider/errors.js';

/** A WireGuard key pair, base64 of 32 raw bytes each. The private half is a secret. */
export interface WireGuardKeyPair {
  /** Private key (`wg genkey` format). Store it through the secrets hook; never log it. */
  readonly privateKey: string;
  /** Public key (`wg pubkey` format). */
  readonly publicKey: string;
}

/** The PKCS#8 DER header of an X25519 private key, followed by its 32 raw bytes (RFC 8410). */
const X25519_PKCS8_HEADER = Buffer.from('302e020100300506032b656e04220420', 'hex');

/** A WireGuard key is base64 of exactly 32 bytes: 43 characters and one `=`. */
const KEY_SHAPE = /^[A-Za-z0-9+/]{42}[AEIMQUYcgkosw048]=$/;

/** True when `text` has the shape of a WireGuard key (base64 of 32 bytes). */
export function isWireGuardKey(text: string): boolean {
  return typeof text === 'string' && KEY_SHAPE.test(text);
}

/** The 32 bytes of a base64 WireGuard key; `InvalidSpecError` naming `field` otherwise (the value is never quoted). */
function keyBytes(key: string, field: string): Buffer {
  if (!isWireGuardKey(key)) throw new InvalidSpecError({ issues: [{ field, message: 'is not a WireGuard key (base64 of 32 bytes, as `wg genkey` prints)' }] });
  return Buffer.from(key, 'base64');
}

/**
 * A new key pair. The private key is clamped as `wg genkey` clamps it (RFC 7748 section 5), so
 * its text is what `wg genkey` could have printed; X25519 clamps on use either way.
 */
export function generateWireGuardKeyPair(): WireGuardKeyPair {
  // generateKeyPairSync('x25519') is the source of randomness and the check that Node has X25519.
  const jwk = generateKeyPairSync('x25519').privateKey.export({ format: 'jwk' });
  const raw = jwk.d !== undefined ? Buffer.from(jwk.d, 'base64url') : randomBytes(32);
  raw[0]! &= 248;
  raw[31]! &= 127;
  raw[31]! |= 64;
  const privateKey = raw.toString('base64');
  return { privateKey, publicKey: wireGuardPublicKey(privateKey) };
}

/** The public key of a private key, as `wg pubkey` derives it. */
export function wireGuardPublicKey(privateKey: string): string {
  const der = Buffer.concat([X25519_PKCS8_HEADER, keyBytes(privateKey, 'privateKey')]);
  const jwk = createPublicKey(createPrivateKey({ key: der, format: 'der', type: 'pkcs8' })).export({ format: 'jwk' });
  return Buffer.from(jwk.x!, 'base64url').toString('base64');
}

/** A new pre-shared key: 32 random bytes in base64 (`wg genpsk` format), for WireGuard's optional PresharedKey. */
export function generateWireGuardPresharedKey(): string {
  return randomBytes(32).toString('base64');
}
