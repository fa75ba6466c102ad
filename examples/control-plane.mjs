// A small control-plane service on node:http, built on the SDK: a team's own API in front of a
// federation. Two simulated clouds (AWS- and GCP-priced memory providers sharing one image store,
// so VMs can migrate between them) stand in for real adapters; swap in createAwsProvider and the
// others to run it for real.
//
//   POST /place                          body: { spec, request? }          → the decision and its explanation
//   POST /vms                            body: { spec, request? }          → the VM (Idempotency-Key header: safe to retry)
//   GET  /vms                                                              → every VM on every cloud
//   POST /vms/:provider/:id/migrate      body: { provider, region?, instanceType?, liveMigration? }
//   GET  /metrics                                                          → Prometheus text (novacron_federation_*)
//
// Run with `npm run build && node examples/control-plane.mjs` (PORT, default 8080; 0 picks a free
// one). It prints the address it listens on, and stops cleanly on SIGINT or SIGTERM. Outside this
// repository, install prom-client beside novacron (`npm i novacron prom-client`).
import { randomUUID } from 'node:crypto';
import { createServer } from 'node:http';
import { clearInterval, setInterval } from 'node:timers';
import { pathToFileURL } from 'node:url';
import { createMemoryImageStore, createMemoryProvider, FederationManager, NovacronError } from 'novacron';
import { createPrometheusSink } from 'novacron/prometheus';
import { Registry } from 'prom-client';

/** Largest request body accepted, in bytes. */
const MAX_BODY_BYTES = 1 << 20;
/** Longest a request may run before it is aborted, in ms (a migration takes longest). */
const REQUEST_TIMEOUT_MS = 120_000;
/** How often unfinished migrations are driven on (their grace periods end, crashed ones resume), in ms. */
const RESUME_EVERY_MS = 5_000;

/** HTTP status for each novacron error code; anything else is a 500. */
const STATUS_OF_CODE = {
  INVALID_SPEC: 400,
  INVALID_CONFIG: 400,
  NOT_FOUND: 404,
  CONFLICT: 409,
  PLACEMENT_REFUSED: 422,
  UNSUPPORTED: 422,
  MIGRATION_FAILED: 502,
  ALL_CANDIDATES_FAILED: 503,
  OUTCOME_UNCERTAIN: 503,
  PROVIDER_UNAVAILABLE: 503,
  THROTTLED: 503,
  CAPACITY: 503,
  QUOTA: 503,
  TIMEOUT: 504,
  ABORTED: 499,
};

/** A request the service refuses before the SDK sees it. */
class BadRequest extends Error {
  constructor(status, message) {
    super(message);
    this.status = status;
  }
}

/** The service: routes, and the federation behind them. */
export class ControlPlane {
  constructor({ manager, registry }) {
    this.manager = manager;
    this.registry = registry;
    this.routes = [
      ['POST', /^\/place$/, (req) => this.place(req)],
      ['POST', /^\/vms$/, (req) => this.create(req)],
      ['GET', /^\/vms$/, (req) => this.list(req)],
      ['POST', /^\/vms\/([^/]+)\/([^/]+)\/migrate$/, (req, [provider, id]) => this.migrate(req, provider, id)],
      ['GET', /^\/metrics$/, () => this.metrics()],
    ];
  }

  async place({ body, signal }) {
    const decision = await this.manager.place(body.spec ?? body, { request: body.request, signal });
    const { provider, region, zone, instanceType, hourlyPrice, score } = decision.chosen;
    return { status: 200, json: { chosen: { provider, region, zone, instanceType, hourlyPrice, score, priceSource: decision.chosen.offer.source, priceAsOf: decision.chosen.offer.asOf }, strategy: decision.strategy, explanation: decision.explain() } };
  }

  async create({ body, headers, signal }) {
    // Without a key a retried POST could make a second VM; with one, the SDK guarantees it never does.
    const idempotencyKey = headers['idempotency-key'] ?? randomUUID();
    const result = await this.manager.createVM(body.spec ?? body, { idempotencyKey, request: body.request, signal });
    const attempts = result.attempts.map((a) => ({ provider: a.provider, region: a.region, zone: a.zone, outcome: a.outcome, code: a.code }));
    return { status: result.reused ? 200 : 201, json: { vm: result.vm, reused: result.reused, attempts, idempotencyKey } };
  }

  async list({ signal }) {
    const listing = this.manager.listVMs({}, { signal });
    const vms = [];
    for await (const vm of listing) vms.push(vm);
    return { status: 200, json: { vms, complete: listing.complete, failures: listing.failures.map((f) => ({ provider: f.provider, code: f.code, message: f.message })) } };
  }

  async migrate({ body, headers, signal }, provider, id) {
    if (typeof body.provider !== 'string') throw new BadRequest(400, 'body.provider: name the target provider');
    const target = { provider: body.provider, region: body.region, zone: body.zone, instanceType: body.instanceType };
    const result = await this.manager.migrateVM({ provider, id }, target, {
      idempotencyKey: headers['idempotency-key'] ?? `migrate/${provider}/${id}/${body.provider}`,
      liveMigration: body.liveMigration === true,
      signal,
    });
    const { record } = result;
    return {
      status: 200,
      json: { migrationId: result.migrationId, status: result.status, vm: result.vm, path: record.path, steps: record.steps.map((s) => `${s.name}:${s.status}`), graceDeadline: record.graceDeadline, cost: record.cost },
    };
  }

  async metrics() {
    return { status: 200, text: await this.registry.metrics(), contentType: this.registry.contentType };
  }

  /** The node:http handler: routing, body parsing, deadlines, and novacron errors as HTTP answers. */
  handle = async (req, res) => {
    // The request's work stops when the client goes away or the deadline passes.
    const gone = new AbortController();
    res.on('close', () => {
      if (!res.writableFinished) gone.abort();
    });
    const signal = AbortSignal.any([gone.signal, AbortSignal.timeout(REQUEST_TIMEOUT_MS)]);
    try {
      const url = new URL(req.url ?? '/', 'http://control-plane');
      const route = this.routes.find(([method, pattern]) => method === req.method && pattern.test(url.pathname));
      if (route === undefined) throw new BadRequest(404, `no route ${req.method} ${url.pathname}`);
      const params = route[1].exec(url.pathname).slice(1).map(decodeURIComponent);
      const body = req.method === 'POST' ? await readJson(req, signal) : {};
      const answer = await route[2]({ body, headers: req.headers, signal }, params);
      if (answer.text !== undefined) send(res, answer.status, answer.text, answer.contentType);
      else send(res, answer.status, JSON.stringify(answer.json, null, 2), 'application/json');
    } catch (error) {
      const { status, json } = errorAnswer(error);
      if (!res.headersSent) send(res, status, JSON.stringify(json, null, 2), 'application/json');
      else res.destroy();
    }
  };
}

/** A novacron error as an HTTP answer: its code, its message, and what it carries for the caller. */
function errorAnswer(error) {
  if (error instanceof BadRequest) return { status: error.status, json: { error: { code: 'BAD_REQUEST', message: error.message } } };
  if (!NovacronError.isInstance(error)) return { status: 500, json: { error: { code: 'INTERNAL', message: 'internal error' } } };
  // Novacron errors are already free of secrets: their messages and fields can be shown.
  const json = { error: { code: error.code, message: error.message, retryable: error.retryable } };
  if (Array.isArray(error.issues)) json.error.issues = error.issues;
  if (typeof error.explanation === 'string') json.error.explanation = error.explanation;
  if (Array.isArray(error.attempts)) json.error.attempts = error.attempts;
  return { status: STATUS_OF_CODE[error.code] ?? 500, json };
}

async function readJson(req, signal) {
  const chunks = [];
  let size = 0;
  for await (const chunk of req) {
    if (signal.aborted) throw signal.reason;
    size += chunk.length;
    if (size > MAX_BODY_BYTES) throw new BadRequest(413, `body larger than ${MAX_BODY_BYTES} bytes`);
    chunks.push(chunk);
  }
  if (size === 0) return {};
  try {
    const value = JSON.parse(Buffer.concat(chunks).toString('utf8'));
    if (value === null || typeof value !== 'object' || Array.isArray(value)) throw new Error('not an object');
    return value;
  } catch {
    throw new BadRequest(400, 'body must be a JSON object');
  }
}

function send(res, status, text, contentType) {
  res.writeHead(status, { 'content-type': contentType, 'content-length': Buffer.byteLength(text) });
  res.end(text);
}

/** Starts the service on `port`; resolves once it listens. */
export async function startControlPlane({ port = 8080, host = '127.0.0.1' } = {}) {
  const registry = new Registry();
  const images = createMemoryImageStore();
  const manager = new FederationManager({
    providers: [
      createMemoryProvider({ name: 'aws-east', kind: 'aws', regions: ['us-east-1'], imageStore: images }),
      createMemoryProvider({ name: 'gcp-central', kind: 'gcp', regions: ['us-central1'], imageStore: images }),
    ],
    metrics: await createPrometheusSink({ registry }),
    migration: { gracePeriodMs: 30_000 },
  });
  const plane = new ControlPlane({ manager, registry });
  const server = createServer(plane.handle);
  server.headersTimeout = 10_000;
  server.requestTimeout = REQUEST_TIMEOUT_MS + 5_000;
  await new Promise((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, host, resolve);
  });
  // Sources are deleted once their grace period ends, by whichever replica resumes migrations.
  const resumer = setInterval(() => {
    manager.resumeMigrations().catch((error) => console.error(`resumeMigrations: ${error.message}`));
  }, RESUME_EVERY_MS);
  resumer.unref();
  const { port: bound } = server.address();
  return {
    url: `http://${host}:${bound}`,
    manager,
    close: async () => {
      clearInterval(resumer);
      server.closeAllConnections();
      await new Promise((resolve) => server.close(() => resolve()));
    },
  };
}

if (process.argv[1] !== undefined && import.meta.url === pathToFileURL(process.argv[1]).href) {
  const service = await startControlPlane({ port: Number(process.env.PORT ?? 8080) });
  console.log(`novacron control plane listening on ${service.url}`);
  for (const signal of ['SIGINT', 'SIGTERM']) {
    process.once(signal, () => {
      void service.close().then(() => console.log('stopped'));
    });
  }
}
