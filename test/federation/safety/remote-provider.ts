/**
 * A provider served over HTTP from the test process, so that a cloud's state outlives a child
 * process that is killed while it talks to it (the crash matrix kills its children with SIGKILL).
 *
 * Wire form, one POST per call to `<url>/call`: `{ provider, method, args }` answered with
 * `{ value }` or `{ error }`. Async iterables travel as arrays, options lose their functions and
 * signals (the host gives each call a signal of its own that aborts when the client hangs up),
 * and errors travel as their name, code, message and own fields, rebuilt on the client side as
 * the matching novacron error class, `requestSent` included, so failover decisions made from
 * the taxonomy are the same as in process.
 *
 * The host may also serve artifact stores (`{ store, method, args }`): the calls a migration's
 * clean-up makes (`head`, `delete`, `abortUpload`, `list`), with `keyOf`/`locationOf` worked out
 * on the client from the prefixes the host describes. Streams (`openRead`, `write`) are not served.
 */
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import {
  AbortError,
  AuthError,
  CapacityError,
  ConflictError,
  InvalidSpecError,
  NotFoundError,
  ProviderUnavailableError,
  QuotaError,
  ThrottledError,
  TimeoutError,
  UnsupportedError,
  type CallOptions,
  type CostEstimate,
  type CreateVMOptions,
  type ImageArtifact,
  type ImportVMOptions,
  type ListVMsFilter,
  type NovacronErrorOptions,
  type Offer,
  type PowerOptions,
  type ProviderCapabilities,
  type ProviderKind,
  type ProviderV1,
  type ArtifactObject,
  type ArtifactStore,
  type ArtifactStoreCapabilities,
  type UploadSession,
  type Region,
  type SpecIssue,
  type StopVMOptions,
  type VM,
  type VMSpec,
  type VMSpecInput,
} from '../../../src/index.js';
import { sleep, throwIfAborted } from '../../../src/provider-utils/index.js';

/** Methods a client may call, with the position of their options argument (where the host puts its signal). */
const OPTIONS_AT: Readonly<Record<string, number>> = {
  createVM: 1,
  getVM: 1,
  findByIdempotencyKey: 1,
  listVMs: 1,
  deleteVM: 1,
  startVM: 1,
  stopVM: 1,
  rebootVM: 1,
  regions: 0,
  offers: 1,
  estimateCost: 1,
  exportVM: 1,
  importVM: 2,
};
const ITERABLE = new Set(['listVMs', 'regions', 'offers']);
const DESCRIBE = '$describe';

/** What a provider says about itself before any call. */
interface ProviderDescription {
  readonly name: string;
  readonly kind: ProviderKind;
  readonly capabilities: ProviderCapabilities;
}

/** An error as it travels: the class name, the message and every own field. */
interface WireError {
  readonly name: string;
  readonly message: string;
  readonly fields: Record<string, unknown>;
}

type WireAnswer = { readonly value: unknown } | { readonly error: WireError };

/** An artifact store served by a {@link ProviderHost}, with how its keys map to locations (what a client needs without a call). */
export interface HostedStore {
  readonly store: ArtifactStore;
  /** Location prefixes the store's `keyOf` accepts. */
  readonly claims: readonly string[];
  /** What `keyOf` strips from a location to make its key (and `locationOf` puts back). */
  readonly strip: string;
}

/** What a hosted store says about itself. */
interface StoreDescription {
  readonly name: string;
  readonly kind: string;
  readonly capabilities: ArtifactStoreCapabilities;
  readonly claims: readonly string[];
  readonly strip: string;
}

/** Store methods a client may call, with the position of their options argument. */
const STORE_OPTIONS_AT: Readonly<Record<string, number>> = { head: 1, delete: 1, abortUpload: 1, list: 1 };

// -------------------------------------------------------------------------------------------
// Host side

/** Providers served on 127.0.0.1. */
export class ProviderHost {
  private constructor(
    private readonly server: Server,
    /** Base URL (`http://127.0.0.1:<port>`). */
    readonly url: string,
  ) {}

  /** Serves `providers` (by name), and `stores` (by store name), on a free local port. */
  static async start(providers: readonly ProviderV1[], stores: readonly HostedStore[] = []): Promise<ProviderHost> {
    const byName = new Map(providers.map((p) => [p.name, p]));
    const storesByName = new Map(stores.map((s) => [s.store.name, s]));
    const server = createServer((req, res) => void answer(byName, req, res, storesByName));
    await new Promise<void>((resolve, reject) => {
      server.once('error', reject);
      server.listen(0, '127.0.0.1', () => resolve());
    });
    const { port } = server.address() as AddressInfo;
    return new ProviderHost(server, `http://127.0.0.1:${port}`);
  }

  /** Stops serving; open connections are cut. */
  async close(): Promise<void> {
    this.server.closeAllConnections();
    await new Promise<void>((resolve) => this.server.close(() => resolve()));
  }
}

async function answer(providers: ReadonlyMap<string, ProviderV1>, req: IncomingMessage, res: ServerResponse, stores: ReadonlyMap<string, HostedStore> = new Map()): Promise<void> {
  // A client that hangs up (a killed child) aborts what it asked for.
  const hangUp = new AbortController();
  res.on('close', () => {
    if (!res.writableFinished) hangUp.abort(new AbortError({ message: 'the remote caller hung up' }));
  });
  let reply: WireAnswer;
  try {
    const { provider: name, store, method, args } = JSON.parse(await readBody(req)) as { provider: string; store?: string; method: string; args: unknown[] };
    if (store !== undefined) {
      const hosted = stores.get(store);
      if (!hosted) throw new NotFoundError({ message: `no store "${store}" is hosted here`, resourceType: 'store', resourceId: store });
      reply = { value: await invokeStore(hosted, method, args, hangUp.signal) };
      if (res.destroyed) return;
      res.writeHead(200, { 'content-type': 'application/json' });
      res.end(JSON.stringify(reply));
      return;
    }
    const provider = providers.get(name);
    if (!provider) throw new NotFoundError({ message: `no provider "${name}" is hosted here`, resourceType: 'provider', resourceId: name });
    reply = { value: await invoke(provider, method, args, hangUp.signal) };
  } catch (error) {
    reply = { error: toWire(error) };
  }
  if (res.destroyed) return;
  res.writeHead(200, { 'content-type': 'application/json' });
  res.end(JSON.stringify(reply));
}

async function invoke(provider: ProviderV1, method: string, args: unknown[], signal: AbortSignal): Promise<unknown> {
  if (method === DESCRIBE) return { name: provider.name, kind: provider.kind, capabilities: provider.capabilities } satisfies ProviderDescription;
  const at = OPTIONS_AT[method];
  const fn = (provider as unknown as Record<string, unknown>)[method];
  if (at === undefined || typeof fn !== 'function') throw new UnsupportedError({ provider: provider.name, message: `${method} is not served`, capability: method });
  const call = [...args];
  while (call.length < at) call.push(undefined);
  call[at] = { ...(call[at] as object | undefined), signal };
  const result: unknown = (fn as (...a: unknown[]) => unknown).apply(provider, call);
  if (!ITERABLE.has(method)) return result;
  const items: unknown[] = [];
  for await (const item of result as AsyncIterable<unknown>) items.push(item);
  return items;
}

async function invokeStore(hosted: HostedStore, method: string, args: unknown[], signal: AbortSignal): Promise<unknown> {
  const { store } = hosted;
  if (method === DESCRIBE) return { name: store.name, kind: store.kind, capabilities: store.capabilities, claims: hosted.claims, strip: hosted.strip } satisfies StoreDescription;
  const at = STORE_OPTIONS_AT[method];
  const fn = (store as unknown as Record<string, unknown>)[method];
  if (at === undefined || typeof fn !== 'function') throw new UnsupportedError({ message: `${store.name}: ${method} is not served`, capability: method });
  const call = [...args];
  while (call.length < at) call.push(undefined);
  call[at] = { signal };
  const result: unknown = await (fn as (...a: unknown[]) => unknown).apply(store, call);
  if (method !== 'list') return result ?? null;
  const items: unknown[] = [];
  for await (const item of result as AsyncIterable<unknown>) items.push(item);
  return items;
}

function readBody(req: IncomingMessage): Promise<string> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => resolve(Buffer.concat(chunks).toString('utf8')));
    req.on('error', reject);
  });
}

function toWire(error: unknown): WireError {
  if (!(error instanceof Error)) return { name: 'Error', message: String(error), fields: {} };
  const fields = Object.fromEntries(Object.entries(error).filter(([k, v]) => k !== 'name' && k !== 'cause' && v !== undefined && typeof v !== 'function'));
  return { name: error.name, message: error.message, fields: JSON.parse(JSON.stringify(fields)) as Record<string, unknown> };
}

// -------------------------------------------------------------------------------------------
// Client side

/** The message as its constructor wants it: without the `[novacron] [provider] ` prefix the constructor adds again. */
function bareMessage(message: string): string {
  return message.replace(/^\[novacron\] (\[[^\]]*\] )?/, '');
}

/** Rebuilds a novacron error of the class named on the wire (a plain `Error` for anything else). */
export function fromWire(wire: WireError): Error {
  const f = wire.fields;
  const str = (k: string): string | undefined => (typeof f[k] === 'string' ? (f[k] as string) : undefined);
  const base: NovacronErrorOptions = {
    message: bareMessage(wire.message),
    provider: str('provider'),
    retryable: typeof f.retryable === 'boolean' ? f.retryable : undefined,
    requestSent: typeof f.requestSent === 'boolean' ? f.requestSent : undefined,
    operationId: str('operationId'),
  };
  switch (wire.name) {
    case 'CapacityError':
      return new CapacityError({ ...base, region: str('region'), zone: str('zone'), instanceType: str('instanceType') });
    case 'QuotaError':
      return new QuotaError({ ...base, region: str('region'), quotaName: str('quotaName') });
    case 'ThrottledError':
      return new ThrottledError({ ...base, retryAfterMs: typeof f.retryAfterMs === 'number' ? f.retryAfterMs : undefined });
    case 'AuthError':
      return new AuthError(base);
    case 'NotFoundError':
      return new NotFoundError({ ...base, resourceType: str('resourceType'), resourceId: str('resourceId') });
    case 'ConflictError':
    case 'FencedError':
      return new ConflictError(base);
    case 'InvalidSpecError':
      return new InvalidSpecError({ ...base, issues: Array.isArray(f.issues) ? (f.issues as SpecIssue[]) : [] });
    case 'UnsupportedError':
      return new UnsupportedError({ ...base, capability: str('capability') });
    case 'ProviderUnavailableError':
      return new ProviderUnavailableError({ ...base, resourceId: str('resourceId') });
    case 'TimeoutError':
      return new TimeoutError({ ...base, resourceId: str('resourceId') });
    case 'AbortError':
      return new AbortError(base);
    default: {
      const plain = new Error(wire.message);
      plain.name = wire.name;
      return plain;
    }
  }
}

/**
 * A {@link ProviderV1} whose calls go to a provider hosted by a {@link ProviderHost}. Its
 * `createVM` creates remotely without waiting, calls `onProvisioned` here (so the caller's
 * record of the id happens in this process, as with a real adapter), then polls until running.
 */
export class RemoteProvider implements ProviderV1 {
  readonly specificationVersion = 'v1' as const;

  private constructor(
    private readonly url: string,
    readonly name: string,
    readonly kind: ProviderKind,
    readonly capabilities: ProviderCapabilities,
  ) {}

  /** Connects to the provider `name` served at `url`. */
  static async connect(url: string, name: string): Promise<RemoteProvider> {
    const d = await call<ProviderDescription>(url, name, DESCRIBE, [], undefined);
    return new RemoteProvider(url, d.name, d.kind, d.capabilities);
  }

  async createVM(spec: VMSpecInput | VMSpec, options: CreateVMOptions = {}): Promise<VM> {
    const { signal, idempotencyKey, onProvisioned, wait, waitTimeoutMs } = options;
    const vm = await this.call<VM>('createVM', [spec, { idempotencyKey, wait: false }], signal);
    await onProvisioned?.(vm);
    throwIfAborted(signal);
    if (wait === false || vm.state === 'running') return vm;
    return this.waitForRunning(vm.id, signal, waitTimeoutMs ?? 300_000);
  }

  getVM(id: string, options: CallOptions = {}): Promise<VM> {
    return this.call('getVM', [id], options.signal);
  }

  findByIdempotencyKey(idempotencyKey: string, options: CallOptions = {}): Promise<VM | undefined> {
    return this.call<VM | null>('findByIdempotencyKey', [idempotencyKey], options.signal).then((vm) => vm ?? undefined);
  }

  async *listVMs(filter: ListVMsFilter = {}, options: CallOptions = {}): AsyncIterable<VM> {
    yield* await this.call<VM[]>('listVMs', [filter], options.signal);
  }

  async deleteVM(id: string, options: PowerOptions = {}): Promise<void> {
    await this.call('deleteVM', [id, { wait: options.wait }], options.signal);
  }

  startVM(id: string, options: PowerOptions = {}): Promise<VM> {
    return this.call('startVM', [id, { wait: options.wait }], options.signal);
  }

  stopVM(id: string, options: StopVMOptions = {}): Promise<VM> {
    return this.call('stopVM', [id, { wait: options.wait, deallocate: options.deallocate }], options.signal);
  }

  rebootVM(id: string, options: PowerOptions = {}): Promise<VM> {
    return this.call('rebootVM', [id, { wait: options.wait }], options.signal);
  }

  async *regions(options: CallOptions = {}): AsyncIterable<Region> {
    yield* await this.call<Region[]>('regions', [], options.signal);
  }

  async *offers(region?: string, options: CallOptions = {}): AsyncIterable<Offer> {
    yield* await this.call<Offer[]>('offers', region === undefined ? [] : [region], options.signal);
  }

  estimateCost(spec: VMSpecInput | VMSpec, options: CallOptions = {}): Promise<CostEstimate> {
    return this.call('estimateCost', [spec], options.signal);
  }

  exportVM(id: string, options: CallOptions = {}): Promise<ImageArtifact> {
    return this.call('exportVM', [id], options.signal);
  }

  /** Imports remotely and waits here, as `createVM` does. */
  async importVM(artifact: ImageArtifact, spec: VMSpecInput | VMSpec, options: ImportVMOptions = {}): Promise<VM> {
    const { signal, idempotencyKey, onProvisioned, wait, waitTimeoutMs } = options;
    const vm = await this.call<VM>('importVM', [artifact, spec, { idempotencyKey, wait: false }], signal);
    await onProvisioned?.(vm);
    if (wait === false || vm.state === 'running') return vm;
    return this.waitForRunning(vm.id, signal, waitTimeoutMs ?? 300_000);
  }

  private async waitForRunning(id: string, signal: AbortSignal | undefined, timeoutMs: number): Promise<VM> {
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      const vm = await this.getVM(id, { signal });
      if (vm.state === 'running') return vm;
      if (vm.state === 'terminated' || vm.state === 'error') {
        throw new ConflictError({ provider: this.name, message: `createVM: VM ${id} became ${vm.state}${vm.stateReason ? ` (${vm.stateReason})` : ''}` });
      }
      if (Date.now() >= deadline) throw new TimeoutError({ provider: this.name, message: `createVM: VM ${id} still ${vm.state} after ${timeoutMs} ms`, resourceId: id });
      await sleep(10, signal);
    }
  }

  private call<T>(method: string, args: unknown[], signal: AbortSignal | undefined): Promise<T> {
    return call<T>(this.url, this.name, method, args, signal);
  }
}

/**
 * An {@link ArtifactStore} served by a {@link ProviderHost}: head, delete, abortUpload and list
 * go to the host; keys and locations follow the prefixes the host describes; streams are refused.
 */
export class RemoteArtifactStore implements ArtifactStore {
  readonly specVersion = 1 as const;

  private constructor(
    private readonly url: string,
    private readonly d: StoreDescription,
  ) {}

  /** Connects to the store `name` served at `url`. */
  static async connect(url: string, name: string): Promise<RemoteArtifactStore> {
    return new RemoteArtifactStore(url, await call<StoreDescription>(url, name, DESCRIBE, [], undefined, 'store'));
  }

  get name(): string {
    return this.d.name;
  }

  get kind(): string {
    return this.d.kind;
  }

  get capabilities(): ArtifactStoreCapabilities {
    return this.d.capabilities;
  }

  locationOf(key: string): string {
    return this.d.strip + key;
  }

  keyOf(location: string): string | undefined {
    return this.d.claims.some((c) => location.startsWith(c)) ? location.slice(this.d.strip.length) : undefined;
  }

  async head(key: string, options: CallOptions = {}): Promise<ArtifactObject | undefined> {
    return (await call<ArtifactObject | null>(this.url, this.d.name, 'head', [key], options.signal, 'store')) ?? undefined;
  }

  async delete(key: string, options: CallOptions = {}): Promise<void> {
    await call(this.url, this.d.name, 'delete', [key], options.signal, 'store');
  }

  async abortUpload(session: UploadSession, options: CallOptions = {}): Promise<void> {
    await call(this.url, this.d.name, 'abortUpload', [session], options.signal, 'store');
  }

  async *list(prefix = '', options: CallOptions = {}): AsyncIterable<ArtifactObject> {
    yield* await call<ArtifactObject[]>(this.url, this.d.name, 'list', [prefix], options.signal, 'store');
  }

  openRead(): Promise<AsyncIterable<Uint8Array>> {
    return Promise.reject(new UnsupportedError({ message: `${this.d.name}: reads are not served remotely`, capability: 'openRead' }));
  }

  write(): Promise<ArtifactObject> {
    return Promise.reject(new UnsupportedError({ message: `${this.d.name}: writes are not served remotely`, capability: 'write' }));
  }

  presignRead(): Promise<string> {
    return Promise.reject(new UnsupportedError({ message: `${this.d.name}: presigned reads are not served remotely`, capability: 'presignRead' }));
  }
}

async function call<T>(url: string, target: string, method: string, args: unknown[], signal: AbortSignal | undefined, kind: 'provider' | 'store' = 'provider'): Promise<T> {
  throwIfAborted(signal);
  const provider = target;
  let response: Response;
  try {
    response = await fetch(`${url}/call`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ [kind]: target, method, args }), signal });
  } catch (error) {
    if (signal?.aborted) throw signal.reason;
    // A refused connection proves the request never left; anything else (a reset) proves nothing.
    const code = (error as { cause?: { code?: unknown } }).cause?.code;
    throw new ProviderUnavailableError({ provider, message: `${method}: the provider host could not be reached (${String(code ?? error)})`, cause: error, requestSent: code === 'ECONNREFUSED' ? false : undefined });
  }
  let body: WireAnswer;
  try {
    body = (await response.json()) as WireAnswer;
  } catch (error) {
    if (signal?.aborted) throw signal.reason;
    throw new ProviderUnavailableError({ provider, message: `${method}: the provider host's answer was cut off`, cause: error });
  }
  if ('error' in body) throw fromWire(body.error);
  return body.value as T;
}
