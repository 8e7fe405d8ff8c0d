/**
 * The peers bench's reading of /proc/net/sockstat (bench/lib/sockstat.ts):
 * TCP sockets in use and the pages held in socket buffers.
 */
import { describe, expect, it } from 'vitest';
import { parseSockstat, readSockstat } from '../../bench/lib/sockstat.js';

const SAMPLE = `sockets: used 4353
TCP: inuse 4031 orphan 2 tw 2217 alloc 4034 mem 259
UDP: inuse 1 mem 3
UDPLITE: inuse 0
RAW: inuse 0
FRAG: inuse 0 memory 0
`;

describe('sockstat', () => {
  it('reads the TCP line and the sockets in use', () => {
    expect(parseSockstat(SAMPLE)).toEqual({ socketsUsed: 4353, tcp: { inuse: 4031, orphan: 2, tw: 2217, alloc: 4034, memPages: 259 } });
  });

  it('does not take the UDP mem for TCP', () => {
    expect(parseSockstat(SAMPLE.replace('mem 259', 'mem 7')).tcp.memPages).toBe(7);
  });

  it('refuses text without a TCP line, or a TCP line without mem', () => {
    expect(() => parseSockstat('sockets: used 3\nUDP: inuse 0 mem 0\n')).toThrow(/no "TCP:" line/);
    expect(() => parseSockstat('sockets: used 3\nTCP: inuse 1 orphan 0 tw 0 alloc 1\n')).toThrow(/no "mem"/);
  });

  it("parses this machine's file and counts a socket opened meanwhile", async () => {
    const { createServer } = await import('node:net');
    const before = await readSockstat();
    const server = createServer();
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    try {
      const after = await readSockstat();
      expect(after.tcp.memPages).toBeGreaterThanOrEqual(0);
      expect(after.tcp.alloc).toBeGreaterThan(0);
      expect(after.socketsUsed).toBeGreaterThan(0);
      expect(Number.isInteger(before.tcp.inuse)).toBe(true);
    } finally {
      await new Promise((resolve) => server.close(resolve));
    }
  });
});
