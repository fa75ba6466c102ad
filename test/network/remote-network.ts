/**
 * Clouds and a secret store that outlive a process: the test process keeps the memory
 * providers' network companions and the vault, and serves them over loopback HTTP (one JSON
 * call per method); a child process reaches them through {@link RemoteNetwork} and
 * {@link RemoteSecretVault}, so that killing the child loses only what the child held — as a
 * real crash loses nothing the clouds or the secret manager have. Not a test file.
 *
 * The server can hold a create (`intercept`): before it reaches the cloud, or after the cloud
 * made the resource but before the answer goes back (the answer is then lost with the process).
 */
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { NetworkCreateOptions, NetworkProviderV1, VpnConnectionCreateOptions } from '../../src/provider/network-provider-v1.js';
import type {
  NetworkCapabilities,
  NetworkListFilter,
  NetworkResourceMap,
  NetworkResourceRef,
  NetworkResourceType,
  SecretRef,
} from '../../src/provider/network-types.js';
import { ConflictError, InvalidSpecError, NotFoundError, ProviderUnavailableError } from '../../src/provider/errors.js';
import type { CallOptions } from '../../src/provider/provider-v1.js';
import type { ProviderKind } from '../../src/provider/types.js';
import type { SecretVault } from '../../src/network/index.js';

/** What a child needs to know of a served network companion. */
export interface NetworkDescriptor {
  readonly provider: string;
  readonly kind: ProviderKind;
  readonly account: string;
  readonly capabilities: NetworkCapabilities;
}

interface Call {
  readonly target: string;
  readonly method: string;
  readonly args: unknown[];
}

const CREATES = new Set(['createNetwork', 'createSubnet', 'createVpnGateway', 'createPeerGateway', 'createVpnConnection', 'requestPeering', 'acceptPeering', 'createRoute']);

/** Decides, for the n-th create (1-based), whether to hold it `before` the cloud or `after` it, or answer. */
export type CreateInterceptor = (n: number, method: string) => 'before' | 'after' | 'answer';

/** A served set of clouds and a vault. */
export interface NetworkServer {
  readonly url: string;
  /** Creates that reached the cloud, in order. */
  readonly creates: { method: string; id: string }[];
  /** Resolves when a create was held (the moment to kill the child). */
  readonly held: Promise<{ n: number; method: string; phase: 'before' | 'after' }>;
  close(): Promise<void>;
}

/** Serves `networks` and `vault` on 127.0.0.1. */
export async function serveNetworks(networks: readonly NetworkProviderV1[], vault: SecretVault, intercept: CreateInterceptor = () => 'answer'): Promise<NetworkServer> {
  const byName = new Map(networks.map((n) => [n.provider, n]));
  const creates: { method: string; id: string }[] = [];
  let createCount = 0;
  let onHeld!: (h: { n: number; method: string; phase: 'before' | 'after' }) => void;
  const held = new Promise<{ n: number; method: string; phase: 'before' | 'after' }>((resolve) => (onHeld = resolve));
  const dispatch = async (call: Call): Promise<unknown> => {
    if (call.target === 'vault') {
      if (call.method === 'read') return vault.read(call.args[0] as SecretRef);
      if (call.method === 'write') return vault.write(call.args[0] as string, call.args[1] as string);
      if (call.method === 'remove') return vault.remove(call.args[0] as SecretRef);
      throw new Error(`no vault method ${call.method}`);
    }
    const net = byName.get(call.target);
    if (net === undefined) throw new Error(`no network ${call.target}`);
    const [first, second] = call.args as [never, never];
    switch (call.method) {
      case 'get':
        return net.get(first);
      case 'list': {
        const out: unknown[] = [];
        for await (const r of net.list(first, second)) out.push(r);
        return out;
      }
      case 'delete':
        return net.delete(first);
      case 'findByIdempotencyKey':
        return net.findByIdempotencyKey(first, second);
      case 'createVpnConnection':
        return net.createVpnConnection(first, { idempotencyKey: (second as { idempotencyKey?: string }).idempotencyKey, secrets: vault });
      default:
        if (!CREATES.has(call.method)) throw new Error(`no method ${call.method}`);
        return (net[call.method as 'createRoute'] as (input: never, options: NetworkCreateOptions) => Promise<unknown>).call(net, first, { idempotencyKey: (second as { idempotencyKey?: string }).idempotencyKey });
    }
  };
  const handle = async (req: IncomingMessage, res: ServerResponse): Promise<void> => {
    let body = '';
    for await (const chunk of req) body += String(chunk);
    if (req.url === '/describe') {
      const described: NetworkDescriptor[] = networks.map((n) => ({ provider: n.provider, kind: n.kind, account: n.account, capabilities: n.capabilities }));
      res.end(JSON.stringify(described));
      return;
    }
    const call = JSON.parse(body) as Call;
    const isCreate = call.target !== 'vault' && CREATES.has(call.method);
    const decision = isCreate ? intercept(++createCount, call.method) : 'answer';
    if (decision === 'before') return onHeld({ n: createCount, method: call.method, phase: 'before' }); // never answered
    let reply: string;
    try {
      const value = await dispatch(call);
      if (isCreate) creates.push({ method: call.method, id: (value as { id: string }).id });
      reply = JSON.stringify({ value });
    } catch (error) {
      const e = error as { code?: string; message?: string };
      reply = JSON.stringify({ error: { code: e.code ?? 'ERROR', message: e.message ?? String(error) } });
    }
    if (decision === 'after') return onHeld({ n: createCount, method: call.method, phase: 'after' }); // made, answer lost
    res.setHeader('content-type', 'application/json');
    res.end(reply);
  };
  const server: Server = createServer((req, res) => void handle(req, res));
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as { port: number };
  return {
    url: `http://127.0.0.1:${port}`,
    creates,
    held,
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}

/** The novacron error a served error stands for (the classes the orchestrator tells apart). */
function errorFrom(target: string, { code, message }: { code: string; message: string }): Error {
  const text = `${target}: ${message}`;
  if (code === 'NOT_FOUND') return new NotFoundError({ message: text });
  if (code === 'CONFLICT') return new ConflictError({ message: text });
  if (code === 'INVALID_SPEC') return new InvalidSpecError({ issues: [{ field: '(remote)', message: text }] });
  return new ProviderUnavailableError({ message: text });
}

async function post(url: string, call: Call, signal: AbortSignal | undefined): Promise<unknown> {
  let response: Response;
  try {
    response = await fetch(`${url}/call`, { method: 'POST', body: JSON.stringify(call), signal });
  } catch (error) {
    if (signal?.aborted) throw signal.reason;
    throw new ProviderUnavailableError({ message: `${call.target}.${call.method}: ${String(error)}`, cause: error });
  }
  const body = (await response.json()) as { value?: unknown; error?: { code: string; message: string } };
  if (body.error) throw errorFrom(call.target, body.error);
  return body.value;
}

/** The served clouds, as the child sees them. */
export async function describeNetworks(url: string): Promise<NetworkDescriptor[]> {
  return (await (await fetch(`${url}/describe`, { method: 'POST' })).json()) as NetworkDescriptor[];
}

/** A network companion served by {@link serveNetworks}. */
export class RemoteNetwork implements NetworkProviderV1 {
  readonly specificationVersion = 'v1' as const;
  readonly provider: string;
  readonly kind: ProviderKind;
  readonly account: string;
  readonly capabilities: NetworkCapabilities;

  constructor(
    private readonly url: string,
    descriptor: NetworkDescriptor,
  ) {
    this.provider = descriptor.provider;
    this.kind = descriptor.kind;
    this.account = descriptor.account;
    this.capabilities = descriptor.capabilities;
  }

  private call<R>(method: string, args: unknown[], options: CallOptions | undefined): Promise<R> {
    return post(this.url, { target: this.provider, method, args }, options?.signal) as Promise<R>;
  }

  get<T extends NetworkResourceType>(ref: NetworkResourceRef<T>, options?: CallOptions): Promise<NetworkResourceMap[T]> {
    return this.call('get', [ref], options);
  }

  async *list<T extends NetworkResourceType>(type: T, filter?: NetworkListFilter, options?: CallOptions): AsyncIterable<NetworkResourceMap[T]> {
    yield* await this.call<NetworkResourceMap[T][]>('list', [type, filter], options);
  }

  delete(ref: NetworkResourceRef, options?: CallOptions): Promise<void> {
    return this.call('delete', [ref], options);
  }

  findByIdempotencyKey<T extends NetworkResourceType>(type: T, idempotencyKey: string, options?: CallOptions): Promise<NetworkResourceMap[T] | undefined> {
    return this.call('findByIdempotencyKey', [type, idempotencyKey], options);
  }

  private create<R>(method: string, input: unknown, options: NetworkCreateOptions | undefined): Promise<R> {
    return this.call(method, [input, { idempotencyKey: options?.idempotencyKey }], options);
  }

  createNetwork: NetworkProviderV1['createNetwork'] = (input, options) => this.create('createNetwork', input, options);
  createSubnet: NetworkProviderV1['createSubnet'] = (input, options) => this.create('createSubnet', input, options);
  createVpnGateway: NetworkProviderV1['createVpnGateway'] = (input, options) => this.create('createVpnGateway', input, options);
  createPeerGateway: NetworkProviderV1['createPeerGateway'] = (input, options) => this.create('createPeerGateway', input, options);
  // The served side reads the pre-shared keys from its own vault (the secret manager both processes share).
  createVpnConnection: NetworkProviderV1['createVpnConnection'] = (input, options: VpnConnectionCreateOptions) => this.create('createVpnConnection', input, options);
  requestPeering: NetworkProviderV1['requestPeering'] = (input, options) => this.create('requestPeering', input, options);
  acceptPeering: NetworkProviderV1['acceptPeering'] = (input, options) => this.create('acceptPeering', input, options);
  createRoute: NetworkProviderV1['createRoute'] = (input, options) => this.create('createRoute', input, options);
}

/** The vault served by {@link serveNetworks}. */
export class RemoteSecretVault implements SecretVault {
  constructor(private readonly url: string) {}

  read(ref: SecretRef, options: { signal?: AbortSignal | undefined } = {}): Promise<string> {
    return post(this.url, { target: 'vault', method: 'read', args: [ref] }, options.signal) as Promise<string>;
  }

  write(name: string, value: string, options: { signal?: AbortSignal | undefined } = {}): Promise<SecretRef> {
    return post(this.url, { target: 'vault', method: 'write', args: [name, value] }, options.signal) as Promise<SecretRef>;
  }

  async remove(ref: SecretRef, options: { signal?: AbortSignal | undefined } = {}): Promise<void> {
    await post(this.url, { target: 'vault', method: 'remove', args: [ref] }, options.signal);
  }
}
