/**
 * A Cloud Storage resumable session URI is its own credential: whoever holds it can write the
 * upload without signing in. The upload's `UploadSession` is recorded in durable operations
 * (state stores hold no secret in plain text), so the store records the URI sealed — AES-256-GCM
 * under a key only holders of the store's credentials can derive — and opens it when it resumes.
 *
 * The key: the store's `sessionKey` option when given; else HKDF-SHA256 of the service account's
 * private key (the same credentials in a new process open what an earlier one sealed); else a
 * random key of this store instance (resuming then works within the process only: a new process
 * cannot open the session, which the contract treats as a session the store no longer knows).
 */
import { createCipheriv, createDecipheriv, hkdfSync, randomBytes } from 'node:crypto';
import { NotFoundError } from '../../provider/errors.js';

const PREFIX = 'sealed-v1.';
const INFO = 'novacron gcs resumable session v1';

/** Seals and opens session URIs for one store. */
export class SessionSeal {
  private readonly key: Buffer;

  /** A seal under `secret` (any length; stretched with HKDF), or a random key when none. */
  constructor(
    private readonly store: string,
    secret: string | Uint8Array | undefined,
  ) {
    this.key = secret === undefined ? randomBytes(32) : Buffer.from(hkdfSync('sha256', typeof secret === 'string' ? Buffer.from(secret, 'utf8') : secret, Buffer.alloc(0), INFO, 32));
  }

  /** The sealed form of a session URI (base64url: IV, ciphertext, tag). */
  seal(sessionUri: string): string {
    const iv = randomBytes(12);
    const cipher = createCipheriv('aes-256-gcm', this.key, iv);
    const body = Buffer.concat([cipher.update(sessionUri, 'utf8'), cipher.final()]);
    return PREFIX + Buffer.concat([iv, body, cipher.getAuthTag()]).toString('base64url');
  }

  /** The session URI of a sealed id; a `NotFoundError` when this store cannot open it (another key, tampered). */
  open(uploadId: string): string {
    const gone = (): NotFoundError => new NotFoundError({ provider: this.store, message: 'the upload session cannot be resumed by this store (sealed under other credentials); start the write afresh', resourceType: 'upload' });
    if (!uploadId.startsWith(PREFIX)) throw gone();
    const raw = Buffer.from(uploadId.slice(PREFIX.length), 'base64url');
    if (raw.length < 12 + 16 + 1) throw gone();
    try {
      const decipher = createDecipheriv('aes-256-gcm', this.key, raw.subarray(0, 12));
      decipher.setAuthTag(raw.subarray(raw.length - 16));
      return Buffer.concat([decipher.update(raw.subarray(12, raw.length - 16)), decipher.final()]).toString('utf8');
    } catch {
      throw gone();
    }
  }
}
