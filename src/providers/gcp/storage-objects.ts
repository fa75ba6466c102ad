/**
 * The Cloud Storage reads of the GCE adapter: an object's metadata through the JSON API
 * (`GET /storage/v1/b/{bucket}/o/{object}`, the object name one URL-encoded path segment; Cloud
 * Storage JSON API reference, "Objects: get", read 2026-12), with the auth client's headers — a
 * Google token with the `cloud-platform` scope serves Compute Engine and Cloud Storage alike —
 * under the provider's timeout, retries and error taxonomy. No SDK: `@google-cloud/storage` is
 * not a dependency of the GCE adapter for one GET.
 */
import { ProviderUnavailableError } from '../../provider/errors.js';
import type { GcpApi } from './gcp-api.js';

/** Object metadata of the Cloud Storage JSON API (the part read here). */
export interface StorageObjectMetadata {
  /** Size in bytes, as a decimal string. */
  readonly size?: string;
  /** MD5 of the content, base64 (absent for composite objects). */
  readonly md5Hash?: string;
  /** CRC32C of the content, base64. */
  readonly crc32c?: string;
  /** Generation. */
  readonly generation?: string;
  /** User metadata (the GCS artifact store keeps `novacron-sha256` there). */
  readonly metadata?: Readonly<Record<string, string>>;
}

/** `gs://bucket/object` split, `undefined` for another form. */
export function parseGsLocation(location: string): { readonly bucket: string; readonly object: string } | undefined {
  const m = /^gs:\/\/([^/]+)\/(.+)$/.exec(location) ?? /^https:\/\/storage\.googleapis\.com\/([^/]+)\/(.+)$/.exec(location);
  return m ? { bucket: m[1]!, object: m[2]! } : undefined;
}

/** Reads object metadata from Cloud Storage for one provider. */
export class StorageObjects {
  /** Keeps the API (auth, timeouts, retries) and the JSON API's origin. */
  constructor(
    private readonly api: GcpApi,
    private readonly providerName: string,
    private readonly endpoint: string,
  ) {}

  /** The object's metadata, `undefined` when Cloud Storage has no such object. */
  async metadata(bucket: string, object: string, operation: string, signal: AbortSignal | undefined): Promise<StorageObjectMetadata | undefined> {
    const url = `${this.endpoint.replace(/\/+$/, '')}/storage/v1/b/${encodeURIComponent(bucket)}/o/${encodeURIComponent(object)}`;
    const location = `gs://${bucket}/${object}`;
    const ctx = { operation, resourceType: 'object', resourceId: location, mutating: false };
    return this.api.run(ctx, signal, async () => {
      const headers = await this.api.requestHeaders(url);
      let response: Response;
      try {
        response = await fetch(url, { headers, signal: AbortSignal.any([AbortSignal.timeout(this.api.callOptions().timeout), ...(signal ? [signal] : [])]) });
      } catch (error) {
        throw new ProviderUnavailableError({ provider: this.providerName, message: `${operation}: Cloud Storage could not be reached (${error instanceof Error ? error.message : String(error)})`, requestSent: true, cause: error });
      }
      if (response.status === 404) return undefined;
      if (!response.ok) {
        // In the shape of a google-gax error, so that the usual classification applies.
        const text = await response.text().catch(() => '');
        throw Object.assign(new Error(`Cloud Storage answered ${response.status} for ${location}: ${text.slice(0, 500)}`), { response: { status: response.status } });
      }
      return (await response.json()) as StorageObjectMetadata;
    });
  }
}

/** An MD5 the JSON API gives in base64, as lower-case hex (`undefined` when absent or malformed). */
export function md5Hex(base64: string | undefined): string | undefined {
  if (base64 === undefined) return undefined;
  const bytes = Buffer.from(base64, 'base64');
  return bytes.length === 16 ? bytes.toString('hex') : undefined;
}
