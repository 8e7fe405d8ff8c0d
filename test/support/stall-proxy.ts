/**
 * A TCP proxy to a target port that can go silent without closing anything,
 * as a dead network does: after stall(), no byte is forwarded in either
 * direction on any connection, open or new (new ones are accepted and left
 * unanswered), and nothing is closed. After resume() the network is back:
 * every connection flows again, the stalled ones with what their peers wrote
 * meanwhile (as TCP retransmits it), the ones accepted during the stall to the
 * current target. A browser reuses its kept-alive HTTP connections after such
 * a gap, so leaving them dead would test a network that never comes back.
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
  /** Each forwarding pair's switch: false while stalled. */
  const pairs = new Set<{ live: boolean; sockets: Socket[] }>();
  /** Connections accepted during a stall, not yet connected to the target. */
  const waiting = new Set<Socket>();
  let stalled = false;
  let accepted = 0;
  const track = (socket: Socket): void => {
    sockets.add(socket);
    socket.on('error', () => socket.destroy()).on('close', () => sockets.delete(socket));
  };
  const forwardToTarget = (inbound: Socket): void => {
    const outbound = connect(proxy.target, '127.0.0.1');
    track(outbound);
    const pair = { live: true, sockets: [inbound, outbound] };
    pairs.add(pair);
    outbound.on('close', () => inbound.destroyed && pairs.delete(pair));
    inbound.on('close', () => outbound.destroyed && pairs.delete(pair));
    const forward = (from: Socket, to: Socket): void => {
      from.on('data', (chunk) => pair.live && to.write(chunk));
      from.on('close', () => pair.live && to.destroy());
    };
    forward(inbound, outbound);
    forward(outbound, inbound);
  };
  const server: Server = createServer((inbound) => {
    accepted++;
    track(inbound);
    if (!stalled) return forwardToTarget(inbound);
    inbound.pause(); // accepted, left unanswered until the network is back
    waiting.add(inbound);
    inbound.on('close', () => waiting.delete(inbound));
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
    },
    resume() {
      stalled = false;
      for (const pair of pairs) {
        pair.live = true;
        // A side that closed during the stall: the close reaches the other side now.
        if (pair.sockets.some((socket) => socket.destroyed)) for (const socket of pair.sockets) socket.destroy();
        else for (const socket of pair.sockets) socket.resume();
      }
      for (const inbound of waiting) {
        forwardToTarget(inbound);
        inbound.resume();
      }
      waiting.clear();
    },
    close: () =>
      new Promise((resolve) => {
        for (const socket of sockets) socket.destroy();
        server.close(() => resolve());
      }),
  };
  return proxy;
}
