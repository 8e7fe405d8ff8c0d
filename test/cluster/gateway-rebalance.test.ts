/**
 * The hand-off of decision 028 as real processes, without a load balancer: 400
 * clients wait on gateway A, then an empty gateway B starts (as after a crash or
 * a restart behind a load balancer that only places new connections). A, far
 * above the even share of 200, hands waiters off with MOVING at
 * gateway.rebalance.movesPerSecond, only after the gateways' set has been still
 * for settleSeconds, and only down to the share plus the margin; each one
 * resumes its ticket on B (the roaming clients go to the next gateway of their
 * list, as a load balancer would send them to another) and keeps its place.
 */
import { afterAll, describe, expect, it } from 'vitest';
import { CloseCode } from '../../shared/protocol/codes.js';
import type { RoamingClient } from '../support/roaming-client.js';
import { startNode, writeClusterConfig } from '../support/processes.js';
import { testEvent } from '../support/system.js';
import { cleanUpClusterTest, joinInBatches, mostWithin, pollUntil, RedisWatch } from '../support/cluster-flow.js';

const EVENT = 'rebalanced';
const CLIENTS = 400;
const MOVES_PER_SECOND = 60;
const MARGIN_PERCENT = 10;
const SETTLE_SECONDS = 2;

let watch: RedisWatch | null = null;
let clients: RoamingClient[] = [];

afterAll(() => cleanUpClusterTest(clients, watch), 30_000);

describe('a gateway far above its share', () => {
  it(
    `hands ${CLIENTS / 2 - CLIENTS * (MARGIN_PERCENT / 200)} of ${CLIENTS} waiters to an empty gateway at ${MOVES_PER_SECOND} a second`,
    { timeout: 60_000 },
    async () => {
      const rebalance = { enabled: true, marginPercent: MARGIN_PERCENT, movesPerSecond: MOVES_PER_SECOND, settleSeconds: SETTLE_SECONDS };
      const config = await writeClusterConfig({ events: [testEvent({ id: EVENT })], tickMs: 250, gateway: { rebalance } });
      watch = await RedisWatch.open(config.prefix);
      await watch.stores.queue.setPaused(EVENT, true);
      const a = await startNode({ role: 'gateway', name: 'gateway-a', configFile: config.path });
      const urls = [a.wsUrl, '']; // B's address is known once it runs; nobody roams before then.
      clients = await joinInBatches(CLIENTS, 50, () => ({ urls, eventId: EVENT, startAt: 0 }));
      const b = await startNode({ role: 'gateway', name: 'gateway-b', configFile: config.path, noController: true });
      urls[1] = b.wsUrl;
      const startedAt = Date.now();

      const ceiling = Math.floor((CLIENTS / 2) * (1 + MARGIN_PERCENT / 100));
      const onA = () => clients.filter((c) => c.node === 0).length;
      await pollUntil(() => onA() <= ceiling, 20_000, `gateway A down to ${ceiling}`);
      const movedAt = clients.flatMap((c) => c.drops.filter((t, k) => t >= startedAt && c.dropCodes[k] === CloseCode.MOVING));
      await Promise.all(clients.filter((c) => c.node === 1).map((c) => c.until((client) => client.resumes.length >= 1, 10_000, 'a resume on B')));
      // A second more: nothing further moves once A is within the band.
      await new Promise((resolve) => setTimeout(resolve, 2000));
      const moved = clients.filter((c) => c.drops.some((t) => t >= startedAt));
      const first = Math.min(...movedAt) - startedAt;
      const spanMs = Math.max(...movedAt) - Math.min(...movedAt);
      const counts = [onA(), CLIENTS - onA()];
      console.log(
        `hand-off: ${moved.length} of ${CLIENTS} moved from A to B, the first ${first} ms after B started (settle ${SETTLE_SECONDS} s), ` +
          `over ${spanMs} ms, most within 900 ms ${mostWithin(movedAt, 900)} (bound ${MOVES_PER_SECOND}); final A ${counts[0]} / B ${counts[1]}`,
      );
      // Down to the top of the band, not to even: no more moves than that, but for what was in flight when A last looked.
      expect(moved.length).toBeGreaterThanOrEqual(CLIENTS - ceiling);
      expect(moved.length).toBeLessThanOrEqual((CLIENTS - ceiling) * 1.1);
      // B's first report can precede the moment startNode saw it healthy by one poll.
      expect(first).toBeGreaterThanOrEqual(SETTLE_SECONDS * 1000 - 500);
      // One step's hand-offs a second: no 900 ms holds two steps.
      expect(mostWithin(movedAt, 900)).toBeLessThanOrEqual(MOVES_PER_SECOND);
      for (const count of counts) expect(Math.abs(count - CLIENTS / 2)).toBeLessThanOrEqual(CLIENTS / 2 / 5);
      for (const client of clients) {
        expect(new Set(client.ticketNos)).toEqual(new Set([client.ticketNo]));
        expect(client.failure).toBeNull();
      }
    },
  );
});
