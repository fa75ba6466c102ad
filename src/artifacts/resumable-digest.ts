/**
 * The SHA-256 (recorded as `novacron-sha256`) and MD5 (the checksum Azure and GCS keep) of an
 * object's content, computed while it streams, whose state can be written into an
 * {@link UploadSession} and taken up again in another process: a resumed write's body starts at
 * `committedBytes`, so the bytes before it are never seen again, and node:crypto's hashes cannot
 * be saved. hash-wasm's hashers can (`save()`/`load()`, hash-wasm 4.x), and are exact SHA-256 and
 * MD5. The saved form is `d1.<bytes>.<sha-256 state>.<md5 state>` (base64url): hash state only,
 * no content and no secret; a part boundary is always 64-byte aligned, so the states hold no
 * pending bytes of the content in practice.
 */
import { createMD5, createSHA256, type IHasher } from 'hash-wasm';
import type { UploadSession } from '../provider/artifact-store.js';

const PREFIX = 'd1';

/** A running SHA-256 + MD5 of the bytes written so far, resumable from its saved form. */
export class ResumableDigest {
  private constructor(
    private readonly sha256: IHasher,
    private readonly md5: IHasher,
    private count: number,
  ) {}

  /** A digest of no bytes yet. */
  static async start(): Promise<ResumableDigest> {
    const [sha256, md5] = await Promise.all([createSHA256(), createMD5()]);
    sha256.init();
    md5.init();
    return new ResumableDigest(sha256, md5, 0);
  }

  /** The digest a {@link ResumableDigest.save} wrote; `undefined` when `saved` is not one. */
  static async restore(saved: string): Promise<ResumableDigest | undefined> {
    const [prefix, bytes, sha, md5State] = saved.split('.');
    if (prefix !== PREFIX || bytes === undefined || !/^[0-9]+$/.test(bytes) || !sha || !md5State) return undefined;
    const [sha256, md5] = await Promise.all([createSHA256(), createMD5()]);
    try {
      sha256.load(Buffer.from(sha, 'base64url'));
      md5.load(Buffer.from(md5State, 'base64url'));
    } catch {
      return undefined;
    }
    return new ResumableDigest(sha256, md5, Number(bytes));
  }

  /** Bytes digested so far. */
  get bytes(): number {
    return this.count;
  }

  /** Adds bytes. */
  update(chunk: Uint8Array): void {
    this.sha256.update(chunk);
    this.md5.update(chunk);
    this.count += chunk.byteLength;
  }

  /** The state, as text for a session's part token. */
  save(): string {
    return `${PREFIX}.${this.count}.${Buffer.from(this.sha256.save()).toString('base64url')}.${Buffer.from(this.md5.save()).toString('base64url')}`;
  }

  /** Ends the digest: SHA-256 and MD5 in hex. No update may follow. */
  finish(): { readonly sha256: string; readonly md5: string } {
    return { sha256: this.sha256.digest('hex'), md5: this.md5.digest('hex') };
  }
}

/** Joins a part's store token and the digest state after it (`<token>~<digest>`), as the stores here write part tokens. */
export function tokenWithDigest(token: string, digest: ResumableDigest): string {
  return `${token}~${digest.save()}`;
}

/** The store token and the digest state of a part token written by {@link tokenWithDigest}. */
export function splitPartToken(token: string): { readonly token: string; readonly digest: string | undefined } {
  const at = token.indexOf('~');
  return at === -1 ? { token, digest: undefined } : { token: token.slice(0, at), digest: token.slice(at + 1) };
}

/**
 * The digest to continue a resumed write with: the state in the session's last part, when it
 * covers exactly `committedBytes`; `undefined` when the session carries none (then the store
 * cannot know the whole content's SHA-256 and records none).
 */
export async function digestOfSession(session: UploadSession): Promise<ResumableDigest | undefined> {
  if (session.committedBytes === 0) return ResumableDigest.start();
  const last = session.parts.at(-1);
  const saved = last === undefined ? undefined : splitPartToken(last.token).digest;
  const digest = saved === undefined ? undefined : await ResumableDigest.restore(saved);
  return digest?.bytes === session.committedBytes ? digest : undefined;
}
