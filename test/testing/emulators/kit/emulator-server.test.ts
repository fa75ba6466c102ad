/**
 * The kit's server: routing and request parsing, the fault plan applied around each call in
 * its fixed order, the request log, hangs that end with the client or the emulator, dropped
 * answers after the change was made, a close that frees the port, and https with a generated
 * certificate that a client trusts by its CA.
 */
import { request as httpsRequest, Agent } from 'node:https';
import { createServer } from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import { jsonResponse } from '../../../../src/testing/emulators/kit/emulator-request.js';
import { EmulatorServer, type EmulatorServerOptions } from '../../../../src/testing/emulators/kit/emulator-server.js';
import { defineFaultWireForm } from '../../../../src/testing/emulators/kit/fault-wire-form.js';

const WIRE = defineFaultWireForm({
  codes: (kind) => `E_${kind.toUpperCase()}`,
  statusOfCode: (code) => (code === 'E_THROTTLED' ? 429 : code.startsWith('E_') ? 503 : undefined),
  render: (fault) => jsonResponse(fault.status, { code: fault.code, message: fault.message }, {}, fault.code),
});

const running: EmulatorServer[] = [];
afterEach(async () => {
  await Promise.all(running.splice(0).map((s) => s.close()));
});

async function start(options: Partial<EmulatorServerOptions> = {}): Promise<EmulatorServer> {
  const server = await EmulatorServer.start({ name: 'test-emulator', faultWireForm: WIRE, ...options });
  running.push(server);
  return server;
}

/** A server with one REST route that echoes what it parsed, and an EC2-style action resolver. */
async function echoServer(effects: string[] = []): Promise<EmulatorServer> {
  return start({
    routes: [
      {
        method: 'PUT',
        path: '/things/:name',
        operation: 'things.put',
        handle: (r) => {
          effects.push(r.params.name!);
          return jsonResponse(200, { name: r.params.name, q: r.query.get('q'), json: r.json({}), tag: r.header('x-tag') });
        },
      },
    ],
    resolve: (r) => {
      const action = r.form.get('Action');
      return action ? { operation: action, handle: () => ({ status: 200, body: `did ${action} with ${r.form.get('Value')}` }) } : undefined;
    },
    notFound: (r) => jsonResponse(404, { missing: r.path }, {}, 'NotFound'),
  });
}

function put(server: EmulatorServer, name: string, init: RequestInit = {}): Promise<Response> {
  return fetch(`${server.endpoint}/things/${name}?q=1`, { method: 'PUT', headers: { 'content-type': 'application/json', 'x-tag': 't' }, body: '{"a":1}', ...init });
}

describe('EmulatorServer', () => {
  it('routes by method and path pattern or by an action resolver, and parses query, JSON, form and headers', async () => {
    const server = await echoServer();
    expect(server.endpoint).toMatch(/^http:\/\/127\.0\.0\.1:\d+$/);
    expect(await (await put(server, 'box%201')).json()).toEqual({ name: 'box 1', q: '1', json: { a: 1 }, tag: 't' });
    const action = await fetch(server.endpoint, { method: 'POST', headers: { 'content-type': 'application/x-www-form-urlencoded' }, body: 'Action=Launch&Value=a%26b' });
    expect(await action.text()).toBe('did Launch with a&b');
    const missing = await fetch(`${server.endpoint}/nowhere`);
    expect(missing.status).toBe(404);
    expect(await missing.json()).toEqual({ missing: '/nowhere' });
    expect(server.log.counts()).toEqual({ '': 1, Launch: 1, 'things.put': 1 });
    expect(server.log.requests('things.put')[0]).toMatchObject({ method: 'PUT', path: '/things/box%201', status: 200, errorCode: undefined });
    expect(server.log.requests('')[0]).toMatchObject({ status: 404, errorCode: 'NotFound' });
  });

  it('says refusals of the fault plan in the wire form, in order, and logs them per operation', async () => {
    const effects: string[] = [];
    const server = await echoServer(effects);
    server.faults.failNext('things.put', { kind: 'capacity' }, { times: 2 });
    server.faults.failNext('things.put', { kind: 'internal', code: 'Boom', status: 500, message: 'explicit' });
    const first = await put(server, 'a');
    expect([first.status, await first.json()]).toEqual([503, { code: 'E_CAPACITY', message: 'There is not enough capacity to serve the request.' }]);
    expect((await put(server, 'a')).status).toBe(503);
    const third = await put(server, 'a');
    expect([third.status, await third.json()]).toEqual([500, { code: 'Boom', message: 'explicit' }]);
    expect((await put(server, 'a')).status).toBe(200);
    expect(effects).toEqual(['a']); // refused calls did nothing

    server.faults.throttle(1, { operations: ['things.put'] });
    expect((await put(server, 'b')).status).toBe(429);
    server.faults.throttle(0);
    server.faults.expireCredentials();
    expect(await (await put(server, 'c')).json()).toMatchObject({ code: 'E_AUTH' });
    server.faults.restoreCredentials();
    expect(server.log.refused('throttled')).toBe(1);
    expect(server.log.refused('capacity')).toBe(2);
    expect(server.log.count('things.put')).toBe(6);
  });

  it('runs the cloud’s own authentication before any fault', async () => {
    const server = await start({
      routes: [{ method: 'GET', path: '/x', operation: 'x', handle: () => ({ status: 200 }) }],
      authenticate: (r) => (r.header('authorization') === 'ok' ? undefined : { status: 401, errorCode: 'NoAuth' }),
    });
    server.faults.failNext('x', { kind: 'unavailable' });
    expect((await fetch(`${server.endpoint}/x`)).status).toBe(401);
    expect((await fetch(`${server.endpoint}/x`, { headers: { authorization: 'ok' } })).status).toBe(503); // the failure was still pending
    expect((await fetch(`${server.endpoint}/x`, { headers: { authorization: 'ok' } })).status).toBe(200);
  });

  it('applies a dropped answer after the change and destroys the connection', async () => {
    const effects: string[] = [];
    const server = await echoServer(effects);
    server.faults.dropResponse('things.put');
    await expect(put(server, 'lost')).rejects.toThrow();
    expect(effects).toEqual(['lost']);
    expect(server.log.requests('things.put')[0]).toMatchObject({ status: 0 });
    expect((await put(server, 'kept')).status).toBe(200);
  });

  it('delays answers by the given time', async () => {
    const server = await echoServer();
    server.faults.delay('all', 120);
    const started = performance.now();
    expect((await put(server, 'slow')).status).toBe(200);
    expect(performance.now() - started).toBeGreaterThanOrEqual(110);
  });

  it('holds a hanging call until the client gives up, without doing the call', async () => {
    const effects: string[] = [];
    const server = await echoServer(effects);
    server.faults.hang('things.put');
    const controller = new AbortController();
    const pending = put(server, 'held', { signal: controller.signal });
    await new Promise((r) => setTimeout(r, 50));
    controller.abort();
    await expect(pending).rejects.toMatchObject({ name: 'AbortError' });
    await expect.poll(() => server.log.count('things.put')).toBe(1);
    expect(server.log.requests()[0]).toMatchObject({ status: 0 });
    expect(effects).toEqual([]);
    server.faults.hang('things.put', false);
    expect((await put(server, 'free')).status).toBe(200);
  });

  it('ends hanging calls, closes every socket and frees the port on close', async () => {
    const server = await echoServer();
    const { port } = server;
    server.faults.hang('all');
    const hanging = put(server, 'forever');
    await new Promise((r) => setTimeout(r, 50));
    await server.close();
    await expect(hanging).rejects.toThrow();
    // The port is free at once: another listener can take it.
    const again = createServer();
    await new Promise<void>((resolve, reject) => {
      again.once('error', reject);
      again.listen(port, '127.0.0.1', () => resolve());
    });
    await new Promise<void>((resolve) => again.close(() => resolve()));
    await server.close(); // a second close is harmless
  });

  it('serves https with a certificate made at start, which a client trusts by its CA', async () => {
    const server = await start({ tls: true, routes: [{ method: 'GET', path: '/hello', operation: 'hello', handle: (r) => jsonResponse(200, { hello: r.header('host') }) }] });
    expect(server.endpoint).toMatch(/^https:\/\/127\.0\.0\.1:\d+$/);
    expect(server.ca).toMatch(/^-----BEGIN CERTIFICATE-----/);
    const get = (agent: Agent, url: string) =>
      new Promise<{ status: number; body: string }>((resolve, reject) => {
        const req = httpsRequest(url, { agent }, (res) => {
          let body = '';
          res.on('data', (c: Buffer) => (body += c.toString()));
          res.on('end', () => resolve({ status: res.statusCode ?? 0, body }));
        });
        req.on('error', reject);
        req.end();
      });
    const trusting = new Agent({ ca: server.ca });
    const byIp = await get(trusting, `${server.endpoint}/hello`);
    expect(byIp.status).toBe(200);
    expect(JSON.parse(byIp.body)).toEqual({ hello: `127.0.0.1:${server.port}` });
    const byName = await get(trusting, `https://localhost:${server.port}/hello`);
    expect(byName.status).toBe(200);
    trusting.destroy();
    const untrusting = new Agent();
    await expect(get(untrusting, `${server.endpoint}/hello`)).rejects.toMatchObject({ code: expect.stringMatching(/SELF_SIGNED|UNABLE_TO_VERIFY/) });
    untrusting.destroy();
  });
});
