/**
 * A TCP relay in front of gateways: each new connection goes to the port
 * `target` names at that moment (a fixed port, or a choice such as "the first
 * gateway whose /readyz answers 200", as a load balancer would make), and
 * every connection can be cut at once, like a network loss.
 */
import { connect, createServer, type AddressInfo, type Server, type Socket } from 'node:net';

export interface TcpRelay {
  readonly port: number;
  cut(): void;
  close(): Promise<void>;
}

export async function tcpRelay(target: number | (() => Promise<number>)): Promise<TcpRelay> {
  const sockets = new Set<Socket>();
  const server: Server = createServer((inbound) => {
    inbound.pause();
    sockets.add(inbound);
    const chosen = typeof target === 'number' ? Promise.resolve(target) : target();
    void chosen.then(
      (port) => {
        const outbound = connect(port, '127.0.0.1');
        const end = (): void => {
          inbound.destroy();
          outbound.destroy();
          sockets.delete(inbound);
          sockets.delete(outbound);
        };
        sockets.add(outbound);
        for (const socket of [inbound, outbound]) socket.on('error', end).on('close', end);
        inbound.pipe(outbound).pipe(inbound);
        inbound.resume();
      },
      () => inbound.destroy(),
    );
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return {
    port: (server.address() as AddressInfo).port,
    cut: () => sockets.forEach((socket) => socket.destroy()),
    close: () => new Promise((resolve) => (sockets.forEach((socket) => socket.destroy()), server.close(() => resolve()))),
  };
}
