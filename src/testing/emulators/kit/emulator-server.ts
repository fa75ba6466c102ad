/**
 * The HTTP and HTTPS server every emulator stands on. It binds 127.0.0.1 (any free port by
 * default), finds the operation a request is for (a method + path route, or a resolver for
 * query-style APIs such as EC2's `Action=`), and applies the {@link FaultPlan} around the
 * operation's handler in a fixed order:
 *
 *   authenticate (the cloud's own check, e.g. SigV4) → `beforeCall` (expired credentials, hang,
 *   delay, one-off failure, throttling; a refusal is said in the cloud's wire form) → handler →
 *   `takeDrop` (the change is made, the connection is destroyed without an answer).
 *
 * A hang holds the request until the client disconnects or the emulator closes: each request
 * has an AbortSignal wired to its connection's close. `close()` ends hanging requests, closes
 * every socket and frees the port before it resolves. Every request is logged with its
 * operation, so tests can count calls.
 */
import { randomUUID } from 'node:crypto';
import { createServer as createHttpServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import { createServer as createHttpsServer } from 'node:https';
import type { AddressInfo } from 'node:net';
import { Readable } from 'node:stream';
import { EmulatorRequest, readBody, type EmulatorResponse } from './emulator-request.js';
import { FaultPlan } from './fault-plan.js';
import type { FaultWireForm } from './fault-wire-form.js';
import { generateLoopbackCertificate, type LoopbackCertificate } from './loopback-certificate.js';
import { RequestLog, type RequestLogEntry } from './request-log.js';

/** Answers one operation. */
export type EmulatorHandler = (request: EmulatorRequest) => EmulatorResponse | Promise<EmulatorResponse>;

/** A REST route: method and path pattern (`:name` segments become `request.params.name`). */
export interface EmulatorRoute {
  /** HTTP method (`GET`, `PUT`, ...). */
  readonly method: string;
  /** Path pattern, e.g. `/v1/services/:service/skus`. */
  readonly path: string;
  /** Operation name, for faults and the request log (e.g. `services.skus.list`). */
  readonly operation: string;
  /** The handler. */
  readonly handle: EmulatorHandler;
  /** Wire form of refusals on this route, when it differs from the server's. */
  readonly faultWireForm?: FaultWireForm | undefined;
  /** Leave the body unread: the handler reads `request.bodyStream` (binary or large uploads). */
  readonly streamBody?: boolean | undefined;
}

/** What a resolver found a request to be. */
export interface ResolvedOperation {
  /** Operation name. */
  readonly operation: string;
  /** The handler. */
  readonly handle: EmulatorHandler;
  /** Wire form of refusals of this operation, when it differs from the server's. */
  readonly faultWireForm?: FaultWireForm | undefined;
}

/** Options of {@link EmulatorServer.start}. */
export interface EmulatorServerOptions {
  /** Emulator name, for messages (`ec2-emulator`). */
  readonly name: string;
  /** Host to bind (default `127.0.0.1`). */
  readonly host?: string | undefined;
  /** Port (default 0: any free port). */
  readonly port?: number | undefined;
  /**
   * Serve https: `true` makes a self-signed certificate for the loopback names at start
   * (needs the optional package `selfsigned`); or pass a certificate of your own.
   */
  readonly tls?: boolean | LoopbackCertificate | undefined;
  /** The fault plan applied around each call (default: a new, empty one). */
  readonly faults?: FaultPlan | undefined;
  /** REST routes, tried in order before {@link resolve}. */
  readonly routes?: readonly EmulatorRoute[] | undefined;
  /**
   * Requests whose body the handler reads itself from `request.bodyStream`, besides routes with
   * `streamBody` (for APIs resolved by {@link resolve} that take binary uploads, such as S3).
   */
  readonly streamBody?: ((method: string, url: URL) => boolean) | undefined;
  /** Finds the operation of a request no route matched (query-style APIs). */
  readonly resolve?: ((request: EmulatorRequest) => ResolvedOperation | undefined) | undefined;
  /** How the cloud says a refusal of the fault plan. */
  readonly faultWireForm: FaultWireForm;
  /** The answer when nothing matched (default: 404 with an empty body). */
  readonly notFound?: ((request: EmulatorRequest) => EmulatorResponse) | undefined;
  /** The cloud's own authentication, before any fault: an answer refuses the call. */
  readonly authenticate?: ((request: EmulatorRequest, operation: string) => EmulatorResponse | undefined) | undefined;
  /** The answer when a handler throws (default: 500 with the message). */
  readonly handlerError?: ((error: unknown, request: EmulatorRequest, operation: string) => EmulatorResponse) | undefined;
  /** Called after each request is answered, dropped or abandoned. */
  readonly onAnswer?: ((entry: RequestLogEntry, request: EmulatorRequest) => void) | undefined;
}

/** The members every running emulator has. */
export interface RunningEmulator {
  /** Base URL (`http://127.0.0.1:40123` or `https://...`). */
  readonly endpoint: string;
  /** The fault plan in force. */
  readonly faults: FaultPlan;
  /** Requests answered so far. */
  readonly log: RequestLog;
  /** Ends hanging requests, closes every socket and frees the port. */
  close(): Promise<void>;
}

interface CompiledRoute {
  readonly route: EmulatorRoute;
  readonly pattern: RegExp;
  readonly names: readonly string[];
}

/**
 * A route path (`/things/:id`) as a pattern and the names of its parameters, in order. ARM
 * matches paths case-insensitively and takes a trailing slash; the other clouds' routes do not.
 */
export function compilePathPattern(path: string, options: { caseInsensitive?: boolean; trailingSlash?: boolean } = {}): { pattern: RegExp; names: readonly string[] } {
  const names: string[] = [];
  const source = path
    .split('/')
    .map((segment) => {
      if (!segment.startsWith(':')) return segment.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
      names.push(segment.slice(1));
      return '([^/]+)';
    })
    .join('/');
  return { pattern: new RegExp(`^${source}${options.trailingSlash ? '/?' : ''}$`, options.caseInsensitive ? 'i' : ''), names };
}

function compileRoute(route: EmulatorRoute): CompiledRoute {
  return { route, ...compilePathPattern(route.path) };
}

/** Thrown into a held request's wait when the emulator closes. */
class EmulatorClosing extends Error {
  constructor(name: string) {
    super(`[novacron] [${name}] closing`);
  }
}

/** A running emulator server. */
export class EmulatorServer implements RunningEmulator {
  /** Requests answered so far. */
  readonly log = new RequestLog();
  private readonly routes: readonly CompiledRoute[];
  private readonly inFlight = new Set<AbortController>();
  private server: Server | undefined;
  private origin = '';
  private certificate: LoopbackCertificate | undefined;

  private constructor(
    private readonly options: EmulatorServerOptions,
    /** The fault plan in force. */
    readonly faults: FaultPlan,
  ) {
    this.routes = (options.routes ?? []).map(compileRoute);
  }

  /** Starts a server and resolves once it listens. */
  static async start(options: EmulatorServerOptions): Promise<EmulatorServer> {
    const emulator = new EmulatorServer(options, options.faults ?? new FaultPlan());
    await emulator.listen();
    return emulator;
  }

  /** Base URL. */
  get endpoint(): string {
    return this.origin;
  }

  /** The port listened on. */
  get port(): number {
    return Number(new URL(this.origin).port);
  }

  /**
   * The certificate (PEM) to trust when the server speaks https, `undefined` on http: pass it
   * as `ca` to an `https.Agent` (or an SDK's TLS options), or write it to a file named by
   * `NODE_EXTRA_CA_CERTS` before starting a child process.
   */
  get ca(): string | undefined {
    return this.certificate?.cert;
  }

  /** Ends hanging requests, closes every socket and frees the port. */
  async close(): Promise<void> {
    const server = this.server;
    if (!server) return;
    this.server = undefined;
    const reason = new EmulatorClosing(this.options.name);
    this.faults.releaseHangs(reason);
    for (const controller of this.inFlight) controller.abort(reason);
    await new Promise<void>((resolve) => {
      server.close(() => resolve());
      server.closeAllConnections();
    });
  }

  private async listen(): Promise<void> {
    const host = this.options.host ?? '127.0.0.1';
    const tls = this.options.tls;
    if (tls) this.certificate = tls === true ? await generateLoopbackCertificate(host) : tls;
    const listener = (req: IncomingMessage, res: ServerResponse): void => {
      this.serve(req, res).catch((e: unknown) => {
        if (!res.headersSent) res.writeHead(500);
        res.end(String(e));
      });
    };
    const server = this.certificate ? createHttpsServer({ cert: this.certificate.cert, key: this.certificate.key }, listener) : createHttpServer(listener);
    server.keepAliveTimeout = 5000;
    await new Promise<void>((resolve, reject) => {
      server.once('error', reject);
      server.listen(this.options.port ?? 0, host, () => resolve());
    });
    this.server = server;
    const { port } = server.address() as AddressInfo;
    this.origin = `${this.certificate ? 'https' : 'http'}://${host.includes(':') ? `[${host}]` : host}:${port}`;
  }

  private async serve(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const controller = new AbortController();
    this.inFlight.add(controller);
    res.on('close', () => {
      this.inFlight.delete(controller);
      if (!res.writableFinished) controller.abort(new Error('client disconnected'));
    });
    const at = Date.now();
    const method = (req.method ?? 'GET').toUpperCase();
    const streamed = this.streamsBody(method, new URL(req.url ?? '/', this.origin));
    const body = streamed ? '' : await readBody(req);
    const request = new EmulatorRequest(randomUUID(), method, req.url ?? '/', req.headers, body, controller.signal, this.origin);
    if (streamed) request.bodyStream = req;
    const found = this.find(request);
    const entry = { operation: found?.operation ?? '', method: request.method, path: request.path, at };
    const finish = (response: EmulatorResponse | undefined, extra: { fault?: RequestLogEntry['fault']; handlerMs?: number } = {}): void => {
      const logged: RequestLogEntry = { ...entry, status: response?.status ?? 0, errorCode: response?.errorCode, fault: extra.fault, handlerMs: extra.handlerMs ?? 0 };
      this.log.record(logged);
      this.options.onAnswer?.(logged, request);
      if (!response) {
        res.destroy();
        return;
      }
      // A refused streamed upload: drain what the client still sends, so the answer reaches it.
      if (streamed && !req.readableEnded) req.resume();
      res.writeHead(response.status, response.headers);
      if (response.body instanceof Readable) {
        response.body.on('error', () => res.destroy());
        response.body.pipe(res);
      } else res.end(response.body);
    };

    if (!found) return finish(this.options.notFound?.(request) ?? { status: 404 });
    const refusal = this.options.authenticate?.(request, found.operation);
    if (refusal) return finish(refusal);
    let decision;
    try {
      decision = await this.faults.beforeCall(found.operation, controller.signal);
    } catch {
      return finish(undefined); // hung or delayed until the client left or the emulator closed
    }
    if ('refuse' in decision) {
      const wireForm = found.faultWireForm ?? this.options.faultWireForm;
      return finish(wireForm(decision.refuse, { operation: found.operation, request }), { fault: decision.refuse.kind });
    }
    const started = performance.now();
    let response: EmulatorResponse;
    try {
      response = await found.handle(request);
    } catch (error) {
      response = this.options.handlerError?.(error, request, found.operation) ?? { status: 500, body: error instanceof Error ? error.message : String(error) };
    }
    const handlerMs = performance.now() - started;
    // Only a call that took effect can lose its answer; the change stays made.
    if (response.status < 400 && this.faults.takeDrop(found.operation)) return finish(undefined, { handlerMs });
    finish(response, { handlerMs });
  }

  private streamsBody(method: string, url: URL): boolean {
    if (this.options.streamBody?.(method, url) === true) return true;
    const path = url.pathname;
    return this.routes.some(({ route, pattern }) => route.streamBody === true && route.method.toUpperCase() === method && pattern.test(path));
  }

  private find(request: EmulatorRequest): ResolvedOperation | undefined {
    for (const { route, pattern, names } of this.routes) {
      if (route.method.toUpperCase() !== request.method) continue;
      const m = pattern.exec(request.path);
      if (!m) continue;
      request.params = Object.fromEntries(names.map((name, i) => [name, decodeURIComponent(m[i + 1]!)]));
      return route;
    }
    return this.options.resolve?.(request);
  }
}
