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

// -------------------------------------------------------------------------------------------
// Host side

/** Providers served on 127.0.0.1. */
export class ProviderHost {
  private constructor(
    private readonly server: Server,
    /** Base URL (`http://127.0.0.1:<port>`). */
    readonly url: string,
  ) {}

  /** Serves `providers` (by name) on a free local port. */
  static async start(providers: readonly ProviderV1[]): Promise<ProviderHost> {
    const byName = new Map(providers.map((p) => [p.name, p]));
    const server = createServer((req, res) => void answer(byName, req, res));
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

async function answer(providers: ReadonlyMap<string, ProviderV1>, req: IncomingMessage, res: ServerResponse): Promise<void> {
  // A client that hangs up (a killed child) aborts what it asked for.
  const hangUp = new AbortController();
  res.on('close', () => {
    if (!res.writableFinished) hangUp.abort(new AbortError({ message: 'the remote caller hung up' }));
  });
  let reply: WireAnswer;
  try {
    const { provider: name, method, args } = JSON.parse(await readBody(req)) as { provider: string; method: string; args: unknown[] };
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

async function call<T>(url: string, provider: string, method: string, args: unknown[], signal: AbortSignal | undefined): Promise<T> {
  throwIfAborted(signal);
  let response: Response;
  try {
    response = await fetch(`${url}/call`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ provider, method, args }), signal });
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
