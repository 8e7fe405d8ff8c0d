/**
 * A TCP proxy to a target port that can go silent without closing anything,
 * as a dead network does: after stall(), no byte is forwarded in either
 * direction on any connection, open or new (new ones are accepted and
 * ignored), and nothing is closed. After resume(), new connections forward
 * again; the stalled ones stay stalled (their peers must notice by themselves).
 */
import { connect, createServer, type AddressInfo, type Server, type Socket } from 'node:net';

export interface StallProxy {
  port: number;
  /** Where connections go; may be set after start (the proxy's port is often needed first). */
  target: number;
  stall(): void;
  resume(): void;
  /** Connections accepted so far (stalled or not). */
  readonly accepted: number;
  close(): Promise<void>;
}

export async function startStallProxy(target = 0): Promise<StallProxy> {
  const sockets = new Set<Socket>();
  /** Each forwarding pair's switch: false once stalled. */
  const pairs = new Set<{ live: boolean; sockets: Socket[] }>();
  let stalled = false;
  let accepted = 0;
  const track = (socket: Socket): void => {
    sockets.add(socket);
    socket.on('error', () => socket.destroy()).on('close', () => sockets.delete(socket));
  };
  const server: Server = createServer((inbound) => {
    accepted++;
    track(inbound);
    if (stalled) return void inbound.pause(); // accepted, never answered
    const outbound = connect(proxy.target, '127.0.0.1');
    track(outbound);
    const pair = { live: true, sockets: [inbound, outbound] };
    pairs.add(pair);
    const forward = (from: Socket, to: Socket): void => {
      from.on('data', (chunk) => pair.live && to.write(chunk));
      from.on('close', () => pair.live && to.destroy());
    };
    forward(inbound, outbound);
    forward(outbound, inbound);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const proxy: StallProxy = {
    port: (server.address() as AddressInfo).port,
    target,
    get accepted() {
      return accepted;
    },
    stall() {
      stalled = true;
      for (const pair of pairs) {
        pair.live = false;
        for (const socket of pair.sockets) socket.pause(); // stop reading: the peers' writes back up, nothing is acknowledged above TCP
      }
      pairs.clear();
    },
    resume() {
      stalled = false;
    },
    close: () =>
      new Promise((resolve) => {
        for (const socket of sockets) socket.destroy();
        server.close(() => resolve());
      }),
  };
  return proxy;
}
