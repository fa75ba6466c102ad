/**
 * A small https client for the OpenStack emulator tests: plain requests that trust the
 * emulator's CA (node:https; undici is not installed), with JSON or streamed bodies, plus the
 * Keystone login the tests share.
 */
import { Agent, request } from 'node:https';
import type { Readable } from 'node:stream';
import type { OpenStackEmulator } from '../../src/testing/emulators/index.js';

/** An answer, read whole. */
export interface HttpsAnswer {
  readonly status: number;
  readonly headers: Record<string, string | string[] | undefined>;
  readonly bytes: Buffer;
  readonly text: string;
  /** The body as JSON (throws when it is not). */
  json<T = Record<string, any>>(): T;
}

/** What one request sends. */
export interface HttpsInit {
  readonly method?: string;
  readonly headers?: Record<string, string>;
  /** JSON-encoded unless a Buffer, string or stream. */
  readonly body?: unknown;
  readonly signal?: AbortSignal;
}

const agents = new WeakMap<OpenStackEmulator, Agent>();

/** Sends one request to the emulator, trusting its CA. */
export function send(emu: OpenStackEmulator, url: string, init: HttpsInit = {}): Promise<HttpsAnswer> {
  let agent = agents.get(emu);
  if (!agent) agents.set(emu, (agent = new Agent({ ca: emu.ca, keepAlive: false })));
  const { body } = init;
  const raw = Buffer.isBuffer(body) || typeof body === 'string' || (typeof body === 'object' && body !== null && typeof (body as Readable).pipe === 'function');
  const headers: Record<string, string> = { ...(body !== undefined && !raw ? { 'content-type': 'application/json' } : {}), ...init.headers };
  return new Promise((resolve, reject) => {
    const req = request(url.startsWith('http') ? url : `${emu.endpoint}${url}`, { method: init.method ?? 'GET', agent, headers, signal: init.signal }, (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (c: Buffer) => chunks.push(c));
      res.on('error', reject);
      res.on('end', () => {
        const bytes = Buffer.concat(chunks);
        const text = bytes.toString('utf8');
        resolve({ status: res.statusCode ?? 0, headers: res.headers, bytes, text, json: <T>() => JSON.parse(text) as T });
      });
    });
    req.on('error', reject);
    if (body === undefined) req.end();
    else if (raw && typeof (body as Readable).pipe === 'function') (body as Readable).pipe(req);
    else req.end(raw ? (body as Buffer | string) : JSON.stringify(body));
  });
}

/** The password auth body for the emulator's default user, scoped by project name. */
export function passwordAuth(emu: OpenStackEmulator, overrides: { password?: string; scope?: unknown } = {}): unknown {
  const { auth } = emu.providerOptions;
  const scope = 'scope' in overrides ? overrides.scope : { project: { name: auth.projectName, domain: { name: auth.projectDomainName } } };
  return {
    auth: {
      identity: { methods: ['password'], password: { user: { name: auth.username, domain: { name: auth.userDomainName }, password: overrides.password ?? auth.password } } },
      ...(scope === undefined ? {} : { scope }),
    },
  };
}

/** Logs in as the default user; returns the token. */
export async function login(emu: OpenStackEmulator): Promise<string> {
  const res = await send(emu, `${emu.providerOptions.authUrl}/auth/tokens`, { method: 'POST', body: passwordAuth(emu) });
  if (res.status !== 201) throw new Error(`login failed: ${res.status} ${res.text}`);
  return res.headers['x-subject-token'] as string;
}

/** Headers of a compute call at `version`. */
export function computeHeaders(token: string, version = '2.79'): Record<string, string> {
  return { 'x-auth-token': token, 'openstack-api-version': `compute ${version}` };
}
