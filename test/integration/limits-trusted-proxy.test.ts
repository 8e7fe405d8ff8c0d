/**
 * The address a client counts under: the forwarding header only from a
 * trusted proxy (gateway.trustProxy), the socket's otherwise; and the
 * counters forget an address once its connections have closed.
 */
import type { Socket } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { rawUpgrade } from '../support/raw-websocket.js';
import { startTestSystem, type TestSystem } from '../support/system.js';
import { TRANSPORTS_HERE } from '../support/transports.js';

const PROXY = '127.0.0.8';
const CAP = 3;

describe.each(TRANSPORTS_HERE)('client address behind a proxy on %s', (transport) => {
  let system: TestSystem;
  const sockets: Socket[] = [];
  const upgrade = async (from: string, forwardedFor?: string) => {
    const answer = await rawUpgrade(system.wsUrl, from, forwardedFor ? { 'X-Forwarded-For': forwardedFor } : {});
    if (answer.status === 101) sockets.push(answer.socket);
    return answer.status;
  };

  beforeAll(async () => {
    system = await startTestSystem({ transport, gateway: { perIp: { maxConnections: CAP, joinsPerMinute: 10 }, trustProxy: [PROXY] } });
  });
  afterAll(async () => {
    for (const socket of sockets) socket.destroy();
    await system.stop();
  });

  it('counts clients behind a trusted proxy by the forwarded address, and ignores the header from anyone else', async () => {
    // Through the proxy: two clients, each with its own cap, though both arrive from the proxy's address.
    for (const client of ['198.51.100.1', '198.51.100.2']) {
      for (let i = 0; i < CAP; i++) expect(await upgrade(PROXY, `${client}, ${PROXY}`)).toBe(101);
      expect(await upgrade(PROXY, `${client}, ${PROXY}`)).toBe(429);
    }
    // Not a proxy: a made-up header does not give a fresh address.
    for (let i = 0; i < CAP; i++) expect(await upgrade('127.0.0.9', `203.0.113.${i}`)).toBe(101);
    expect(await upgrade('127.0.0.9', '203.0.113.200')).toBe(429);
    expect(system.gateway!.limitEntries.addresses).toBe(3);

    for (const socket of sockets.splice(0)) socket.destroy();
    const until = Date.now() + 5_000;
    while (system.gateway!.limitEntries.addresses > 0 && Date.now() < until) await new Promise((resolve) => setTimeout(resolve, 20));
    expect(system.gateway!.limitEntries.addresses).toBe(0);
  });
});
