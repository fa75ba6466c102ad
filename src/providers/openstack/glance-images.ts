/**
 * Glance images: finding the image a spec names, and the calls export and import make (Image
 * API v2 reference, "Images", "Image data", docs.openstack.org/api-ref/image/v2, read 2026-12):
 * `GET /v2/images?name=&os_distro=&os_version=&status=&limit=&marker=` (paged through `next`),
 * `GET /v2/images/{id}`, `POST /v2/images` (201, `queued`), `PUT /v2/images/{id}/file` with an
 * `application/octet-stream` body (204; `active` once stored), `GET /v2/images/{id}/file`
 * (the bytes; `Range` for part of them, 206), `PATCH /v2/images/{id}` (a JSON patch of its
 * properties), `DELETE /v2/images/{id}` (204).
 */
import { sleep } from '../../provider/abort.js';
import { InvalidSpecError, NotFoundError, ProviderUnavailableError, TimeoutError } from '../../provider/errors.js';
import { findPortableImage, looksLikeAlias } from '../../provider/images.js';
import type { Architecture } from '../../provider/types.js';
import { architectureOfImage, newestPerArchitecture, OPENSTACK_IMAGE_ALIASES, UNAVAILABLE_ALIASES } from './image-aliases.js';
import { isUuid } from './naming.js';
import type { OpenStackApi } from './openstack-api.js';
import type { GlanceImage } from './wire-types.js';

/** An image a create can boot from, per architecture. */
export interface ResolvedImage {
  /** The image per architecture the cloud has. */
  readonly byArch: ReadonlyMap<Architecture, GlanceImage>;
  /** Operating system. */
  readonly os: 'linux' | 'windows';
  /** True for a native image (its architecture is the image's, `arch` must allow it). */
  readonly native: boolean;
}

/** A page of `GET /v2/images`. */
interface ImagePage {
  readonly images?: GlanceImage[];
  readonly next?: string;
}

/** Glance reads and writes of one provider. */
export class GlanceImages {
  /** Keeps the API. */
  constructor(
    private readonly api: OpenStackApi,
    private readonly providerName: string,
    private readonly pollIntervalMs: number,
  ) {}

  private refuse(message: string): never {
    throw new InvalidSpecError({ provider: this.providerName, issues: [{ field: 'image', message }] });
  }

  /** Images matching `query`, every page. */
  async list(query: Readonly<Record<string, string>>, operation: string, signal?: AbortSignal): Promise<GlanceImage[]> {
    const out: GlanceImage[] = [];
    for await (const page of this.pages(query, operation, signal)) out.push(...page);
    return out;
  }

  /** The pages of images matching `query`, fetched as they are consumed (`next` links, at most 1000 pages). */
  async *pages(query: Readonly<Record<string, string | number>>, operation: string, signal?: AbortSignal): AsyncGenerator<readonly GlanceImage[]> {
    let page: ImagePage | undefined = await this.api.json<ImagePage>({ service: 'image', method: 'GET', path: '/images', query: { limit: 100, ...query }, ctx: { operation, resourceType: 'image' } }, signal);
    for (let pages = 1; page; pages++) {
      yield page.images ?? [];
      const next: string | undefined = page.next;
      if (!next || pages > 1000) break;
      const at = next.indexOf('?');
      if (at === -1) break;
      page = await this.api.json<ImagePage>({ service: 'image', method: 'GET', path: `/images?${next.slice(at + 1)}`, ctx: { operation, resourceType: 'image' } }, signal);
    }
  }

  /** `POST /v2/images`: a `queued` record (extra properties are top-level string keys of `body`). */
  async create(body: Readonly<Record<string, unknown>>, ctx: { readonly operation: string; readonly resourceId: string }, signal?: AbortSignal): Promise<GlanceImage> {
    return this.api.json<GlanceImage>({ service: 'image', method: 'POST', path: '/images', json: body, ctx: { operation: ctx.operation, resourceType: 'image', resourceId: ctx.resourceId, mutating: true } }, signal);
  }

  /** `PUT /v2/images/{id}/file`: streams `data` in as `application/octet-stream` (never retried: the stream is spent). */
  async uploadData(id: string, data: ReadableStream<Uint8Array>, options: { readonly operation: string; readonly timeoutMs: number; readonly signal?: AbortSignal | undefined }): Promise<void> {
    await this.api.json(
      { service: 'image', method: 'PUT', path: `/images/${encodeURIComponent(id)}/file`, stream: data, contentType: 'application/octet-stream', timeoutMs: options.timeoutMs, ctx: { operation: options.operation, resourceType: 'image', resourceId: id, mutating: true } },
      options.signal,
    );
  }

  /** `PATCH /v2/images/{id}` with a JSON patch (`add`, `replace`, `remove` of `/<property>`); answers the image. */
  async patch(id: string, ops: readonly { readonly op: 'add' | 'replace' | 'remove'; readonly path: string; readonly value?: string }[], operation: string, signal?: AbortSignal): Promise<GlanceImage> {
    return this.api.json<GlanceImage>(
      { service: 'image', method: 'PATCH', path: `/images/${encodeURIComponent(id)}`, json: ops, contentType: 'application/openstack-images-v2.1-json-patch', ctx: { operation, resourceType: 'image', resourceId: id, mutating: true } },
      signal,
    );
  }

  /**
   * `GET /v2/images/{id}/file`, with `Range: bytes=start-end` when a range is given: the answer
   * unread (200 whole, 206 the range, 204 no data). Its time limit is `timeoutMs` (the body's
   * whole read), the caller's signal besides.
   */
  async download(id: string, options: { readonly operation: string; readonly range?: { readonly start: number; readonly end: number } | undefined; readonly timeoutMs: number; readonly signal?: AbortSignal | undefined }): Promise<Response> {
    const range = options.range;
    return this.api.response(
      {
        service: 'image',
        method: 'GET',
        path: `/images/${encodeURIComponent(id)}/file`,
        headers: range ? { range: `bytes=${range.start}-${range.end}` } : undefined,
        timeoutMs: options.timeoutMs,
        ctx: { operation: options.operation, resourceType: 'image', resourceId: id },
      },
      options.signal,
    );
  }

  /** One image; `undefined` when Glance has none of that id. */
  async get(id: string, operation: string, signal?: AbortSignal): Promise<GlanceImage | undefined> {
    try {
      return await this.api.json<GlanceImage>({ service: 'image', method: 'GET', path: `/images/${encodeURIComponent(id)}`, ctx: { operation, resourceType: 'image', resourceId: id } }, signal);
    } catch (error) {
      if (NotFoundError.isInstance(error)) return undefined;
      throw error;
    }
  }

  /** The image a spec names: an alias (by its properties), a Glance id, or an exact name; `InvalidSpecError` on `image` when there is none. */
  async resolve(image: string, signal?: AbortSignal): Promise<ResolvedImage> {
    const alias = OPENSTACK_IMAGE_ALIASES.find((a) => a.alias === image);
    if (alias) {
      const found = await this.list({ ...alias.properties, status: 'active' }, 'createVM', signal);
      const byArch = newestPerArchitecture(found.filter((i) => i.os_distro === alias.properties.os_distro && String(i.os_version) === alias.properties.os_version));
      if (byArch.size === 0) this.refuse(`no active Glance image has os_distro=${alias.properties.os_distro} os_version=${alias.properties.os_version} for alias "${image}"; upload one with those properties, or name an image id`);
      return { byArch, os: alias.os, native: false };
    }
    if (UNAVAILABLE_ALIASES.has(image)) this.refuse(`"${image}" has no OpenStack build; use one of ${OPENSTACK_IMAGE_ALIASES.map((a) => a.alias).join(', ')}`);
    if (looksLikeAlias(image) && findPortableImage(image) === undefined) this.refuse(`unknown image alias "${image}"`);
    const found = isUuid(image) ? [await this.get(image, 'createVM', signal)].filter((i): i is GlanceImage => i !== undefined) : (await this.list({ name: image }, 'createVM', signal)).filter((i) => i.name === image);
    const active = found.filter((i) => i.status === 'active');
    if (active.length === 0) this.refuse(found.length > 0 ? `Glance image "${image}" is ${found[0]!.status}, not active` : `no Glance image "${image}" (an alias, an image id or an exact image name)`);
    if (active.length > 1) this.refuse(`${active.length} Glance images are named "${image}"; give its id`);
    const one = active[0]!;
    return { byArch: new Map([[architectureOfImage(one) ?? 'x86_64', one]]), os: /windows/i.test(String(one.os_distro ?? one.name ?? '')) ? 'windows' : 'linux', native: true };
  }

  /** Reads an image until it is `active`; `killed` or `deleted` is a failure naming it. */
  async waitActive(id: string, options: { readonly operation: string; readonly timeoutMs: number; readonly signal?: AbortSignal | undefined }): Promise<GlanceImage> {
    const deadline = Date.now() + options.timeoutMs;
    for (;;) {
      const image = await this.get(id, options.operation, options.signal);
      if (!image) throw new NotFoundError({ provider: this.providerName, message: `${options.operation}: image ${id} disappeared`, resourceType: 'image', resourceId: id });
      if (image.status === 'active') return image;
      if (image.status === 'killed' || image.status === 'deleted' || image.status === 'deactivated') {
        throw new ProviderUnavailableError({ provider: this.providerName, retryable: false, message: `${options.operation}: image ${id} is ${image.status}` });
      }
      if (Date.now() > deadline) throw new TimeoutError({ provider: this.providerName, resourceId: id, message: `${options.operation}: image ${id} was not active within ${options.timeoutMs} ms (it is ${image.status ?? 'unknown'})` });
      await sleep(this.pollIntervalMs, options.signal);
    }
  }

  /** Deletes an image; one already gone is fine. */
  async remove(id: string, operation: string, signal?: AbortSignal): Promise<void> {
    try {
      await this.api.json({ service: 'image', method: 'DELETE', path: `/images/${encodeURIComponent(id)}`, ctx: { operation, resourceType: 'image', resourceId: id, mutating: true } }, signal);
    } catch (error) {
      if (!NotFoundError.isInstance(error)) throw error;
    }
  }
}
