/**
 * The shipped HAProxy configuration (deploy/haproxy/) on Debian's haproxy: both ways of loading it pass
 * `haproxy -c`, and run in front of three stand-in gateways and a reservation handler (HTTP servers whose
 * /readyz the test turns on and off) it does what deploy/README.md promises: checks /readyz and takes an
 * unready gateway out, falls back to the live ones when none is ready (a Redis outage), keeps an upgraded
 * WebSocket open when its gateway goes unready (the gateway's drain moves it, not HAProxy), passes the
 * client's address in X-Forwarded-For, and behind TLS routes by host name, redirects :80 and sends HSTS.
 * Real gateways behind it (drain, resumes): test/deploy/haproxy-gateways.test.ts.
 */
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { WebSocket, WebSocketServer } from 'ws';
import {
  checkConfig,
  HTTP_FRONTEND,
  localConfig,
  selfSignedCertificate,
  SHARED_CONFIG,
  startHaproxy,
  stopHaproxy,
  TLS_FRONTEND,
  type RunningHaproxy,
} from '../support/haproxy.js';
import { rawGet, type TestTls } from '../support/raw-http.js';

/** A stand-in for one role: /livez 200, /readyz as set, anything else names it; /ws echoes with its name. */
interface Backend {
  name: string;
  port: number;
  ready: boolean;
  readyChecks: number;
  server: Server;
}

async function startBackend(name: string): Promise<Backend> {
  const backend: Backend = { name, port: 0, ready: true, readyChecks: 0, server: createServer() };
  backend.server.on('request', (req, res) => {
    if (req.url === '/livez') return res.writeHead(200).end('{"status":"ok"}');
    if (req.url === '/readyz') {
      backend.readyChecks++;
      return res.writeHead(backend.ready ? 200 : 503).end();
    }
    res.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify({ name, forwardedFor: req.headers['x-forwarded-for'] ?? null }));
  });
  const sockets = new WebSocketServer({ noServer: true });
  backend.server.on('upgrade', (req, socket, head) => {
    sockets.handleUpgrade(req, socket, head, (ws) => ws.on('message', (data) => ws.send(`${name}:${data.toString()}`)));
  });
  await new Promise<void>((resolve) => backend.server.listen(0, '127.0.0.1', resolve));
  backend.port = (backend.server.address() as AddressInfo).port;
  return backend;
}

/** HAProxy checks every 2 s and takes a server out after 2 failures: wait for 2 more checks than now, and a bit. */
async function afterTwoChecks(backend: Backend): Promise<void> {
  const target = backend.readyChecks + 2;
  const deadline = Date.now() + 15_000;
  while (backend.readyChecks < target && Date.now() < deadline) await new Promise((resolve) => setTimeout(resolve, 100));
  expect(backend.readyChecks).toBeGreaterThanOrEqual(target);
  await new Promise((resolve) => setTimeout(resolve, 300));
}

async function namesAnswering(url: string, count: number, headers: Record<string, string> = {}, tls?: TestTls): Promise<string[]> {
  const names: string[] = [];
  for (let i = 0; i < count; i++) {
    const answer = await rawGet(url, headers, tls);
    expect(answer.status).toBe(200);
    names.push((JSON.parse(answer.body.toString()) as { name: string }).name);
  }
  return names;
}

function openSocket(url: string, options: ConstructorParameters<typeof WebSocket>[2] = {}): Promise<WebSocket> {
  return new Promise((resolve, reject) => {
    const socket = new WebSocket(url, options);
    socket.once('open', () => resolve(socket));
    socket.once('error', reject);
  });
}

function echo(socket: WebSocket, text: string): Promise<string> {
  return new Promise((resolve) => {
    socket.once('message', (data) => resolve(data.toString()));
    socket.send(text);
  });
}

const dir = mkdtempSync(join(tmpdir(), 'waitroom-haproxy-'));
const backends: Backend[] = [];
const certificate = selfSignedCertificate(dir, ['queue.example.org', 'book.example.org']);
const servers = () => Object.fromEntries(backends.map((backend) => [backend.name, backend.port]));

beforeAll(async () => {
  for (const name of ['gateway-1', 'gateway-2', 'gateway-3', 'reservations']) backends.push(await startBackend(name));
});

afterAll(async () => {
  for (const backend of backends) {
    backend.server.closeAllConnections();
    await new Promise((resolve) => backend.server.close(resolve));
  }
  rmSync(dir, { recursive: true, force: true });
});

describe('haproxy -c', () => {
  it('accepts the shared configuration with the plain HTTP frontends', () => {
    const result = checkConfig([SHARED_CONFIG, HTTP_FRONTEND]);
    expect(result.output).toContain('Configuration file is valid');
    expect(result.status).toBe(0);
    expect(result.warnings).toEqual([]);
  });

  it('accepts it with the TLS frontends and a certificate', async () => {
    const { text } = await localConfig(readFileSync(TLS_FRONTEND, 'utf8'), { servers: {}, certificate: certificate.pemFile });
    const tlsFile = join(dir, 'check-tls.cfg');
    writeFileSync(tlsFile, text);
    const result = checkConfig([SHARED_CONFIG, tlsFile]);
    expect(result.output).toContain('Configuration file is valid');
    expect(result.status).toBe(0);
    expect(result.warnings).toEqual([]);
  });
});

describe('plain HTTP in front of three gateways', () => {
  let haproxy: RunningHaproxy;
  let base: string;
  beforeAll(async () => {
    for (const backend of backends) backend.ready = true;
    haproxy = await startHaproxy(dir, [SHARED_CONFIG, HTTP_FRONTEND], { servers: servers() });
    base = `http://127.0.0.1:${haproxy.ports.get(8080)}`;
  });
  afterAll(async () => {
    await stopHaproxy(haproxy);
  });

  it('spreads requests over every gateway (leastconn: equal when none holds a connection) and passes the client address in X-Forwarded-For', async () => {
    const names = await namesAnswering(`${base}/`, 6);
    expect(names.sort()).toEqual(['gateway-1', 'gateway-1', 'gateway-2', 'gateway-2', 'gateway-3', 'gateway-3']);
    const answer = JSON.parse((await rawGet(`${base}/`)).body.toString()) as { forwardedFor: string };
    expect(answer.forwardedFor).toBe('127.0.0.1');
  });

  it('sends the reservation port to the reservation handler', async () => {
    expect(await namesAnswering(`http://127.0.0.1:${haproxy.ports.get(8081)}/`, 2)).toEqual(['reservations', 'reservations']);
  });

  it('takes an unready gateway out, keeps its upgraded WebSocket open, and takes it back when ready', async () => {
    const gateway3 = backends[2]!;
    // Round robin: of three sockets in a row, one lands on each gateway.
    const sockets = await Promise.all([0, 1, 2].map(() => openSocket(`ws://127.0.0.1:${haproxy.ports.get(8080)}/ws`)));
    const echoes = await Promise.all(sockets.map((socket) => echo(socket, 'hi')));
    const onGateway3 = sockets[echoes.indexOf('gateway-3:hi')]!;
    expect(onGateway3).toBeDefined();

    gateway3.ready = false; // as at SIGTERM: /readyz 503 at once
    await afterTwoChecks(gateway3);
    expect(new Set(await namesAnswering(`${base}/`, 6))).toEqual(new Set(['gateway-1', 'gateway-2']));
    expect(await echo(onGateway3, 'still')).toBe('gateway-3:still');

    gateway3.ready = true;
    await afterTwoChecks(gateway3);
    expect(new Set(await namesAnswering(`${base}/`, 6))).toEqual(new Set(['gateway-1', 'gateway-2', 'gateway-3']));
    for (const socket of sockets) socket.close();
  });

  it('falls back to the live gateways when none is ready (a Redis outage), instead of answering 503', async () => {
    const gateways = backends.slice(0, 3);
    for (const gateway of gateways) gateway.ready = false;
    await Promise.all(gateways.map(afterTwoChecks));
    expect(new Set(await namesAnswering(`${base}/`, 6))).toEqual(new Set(['gateway-1', 'gateway-2', 'gateway-3']));
    for (const gateway of gateways) gateway.ready = true;
  });
});

describe('TLS in front of the gateways and the reservation handler', () => {
  let haproxy: RunningHaproxy;
  let base: string;
  const queue: TestTls = { ca: certificate.ca, servername: 'queue.example.org' };
  beforeAll(async () => {
    haproxy = await startHaproxy(dir, [SHARED_CONFIG, TLS_FRONTEND], { servers: servers(), certificate: certificate.pemFile });
    base = `https://127.0.0.1:${haproxy.ports.get(443)}`;
  });
  afterAll(async () => {
    await stopHaproxy(haproxy);
  });

  it('routes by host name, sends HSTS and says the request came over https', async () => {
    const answer = await rawGet(`${base}/`, { host: 'queue.example.org' }, queue);
    expect(answer.status).toBe(200);
    expect(answer.headers['strict-transport-security']).toBe('max-age=63072000; includeSubDomains');
    expect((JSON.parse(answer.body.toString()) as { name: string }).name).toMatch(/^gateway-/);
    const booking = await namesAnswering(`${base}/`, 2, { host: 'book.example.org' }, { ca: certificate.ca, servername: 'book.example.org' });
    expect(booking).toEqual(['reservations', 'reservations']);
  });

  it('redirects plain HTTP to https', async () => {
    const answer = await rawGet(`http://127.0.0.1:${haproxy.ports.get(80)}/some/page?x=1`, { host: 'queue.example.org' });
    expect(answer.status).toBe(301);
    expect(answer.headers.location).toBe('https://queue.example.org/some/page?x=1');
  });

  it('carries a WebSocket (wss) to a gateway', async () => {
    // ws passes servername on to tls.connect; its types do not list it.
    const options = Object.assign({ ca: certificate.ca, headers: { host: 'queue.example.org' } }, { servername: 'queue.example.org' });
    const socket = await openSocket(`${base}/ws`.replace('https:', 'wss:'), options);
    expect(await echo(socket, 'secure')).toMatch(/^gateway-\d:secure$/);
    socket.close();
  });
});
