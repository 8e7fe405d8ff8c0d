/**
 * The small HTTP port of a process with no HTTP of its own (the standalone
 * controller, `controller.port` / CONTROLLER_PORT): `/livez`, `/readyz` and
 * `/metrics`, nothing else.
 */
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { Registry } from 'prom-client';
import { PortInUseError } from '../port-in-use.js';
import { LIVEZ_PATH, probe, READYZ_PATH } from './probes.js';

export interface ProbeServer {
  readonly port: number;
  close(): Promise<void>;
}

export async function startProbeServer(host: string, port: number, ready: () => Promise<boolean>, registry: Registry): Promise<ProbeServer> {
  const server: Server = createServer((req, res) => {
    const path = (req.url ?? '/').split('?', 1)[0];
    const answer = async () => {
      if (path === '/metrics') return { status: 200, headers: { 'content-type': registry.contentType }, body: await registry.metrics() };
      if (path === LIVEZ_PATH) return probe(true);
      if (path === READYZ_PATH) return probe(await ready());
      return { status: 404, headers: { 'content-type': 'text/plain' }, body: `no route ${path}` };
    };
    answer().then(
      ({ status, headers, body }) => res.writeHead(status, headers).end(body),
      () => res.writeHead(500).end(),
    );
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', (error: NodeJS.ErrnoException) => reject(error.code === 'EADDRINUSE' ? new PortInUseError('the probe port', host, port) : error));
    server.listen(port, host, resolve);
  });
  return {
    port: (server.address() as AddressInfo).port,
    close: () =>
      new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
      }),
  };
}
