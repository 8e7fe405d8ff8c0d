/**
 * 500 clients over real WebSockets wait, are admitted in ticket order within
 * maxActive, and each books exactly once: every store × every transport.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { readGrantClaims } from '../../shared/tokens/claims.js';
import type { QueueStore, Stores } from '../../server/store/types.js';
import { bookingBody, postBooking } from '../support/booking.js';
import { storeFactories } from '../support/stores.js';
import { startTestSystem, testEvent, type TestSystem } from '../support/system.js';
import { TestClient } from '../support/ws-client.js';
import { TRANSPORTS_HERE } from '../support/transports.js';

const CLIENTS = 500;
const MAX_ACTIVE = 20;

/** The real store, with every admission step's active count recorded. */
function recordingActive(queue: QueueStore, seen: number[]): QueueStore {
  return Object.assign(Object.create(queue) as QueueStore, {
    admit: async (eventId: string, limits: Parameters<QueueStore['admit']>[1]) => {
      const result = await queue.admit(eventId, limits);
      if (result.leader) seen.push(result.active);
      return result;
    },
  });
}

const combos = storeFactories.flatMap((store) => TRANSPORTS_HERE.map((transport) => ({ store, transport })));

describe.each(combos)('$store.name store, $transport transport', ({ store, transport }) => {
  let system: TestSystem | null = null;
  let stores: Stores | null = null;
  const clients: TestClient[] = [];
  afterEach(async () => {
    await Promise.all(clients.splice(0).map((c) => c.close()));
    await system?.stop();
    await stores?.close();
  });

  it(`${CLIENTS} clients: people ahead falls, admitted in ticket order within maxActive, each books once`, async () => {
    stores = await store.create();
    const activeSeen: number[] = [];
    await stores.queue.setPaused('ev', true);
    system = await startTestSystem({
      transport,
      events: [testEvent({ maxActive: MAX_ACTIVE })],
      stores: { ...stores, queue: recordingActive(stores.queue, activeSeen) },
    });
    clients.push(...(await Promise.all(Array.from({ length: CLIENTS }, () => TestClient.connect(system!.wsUrl)))));
    await Promise.all(clients.map((c) => c.join('ev')));
    expect(new Set(clients.map((c) => c.ticketNo))).toEqual(new Set(Array.from({ length: CLIENTS }, (_, k) => k + 1)));
    // While paused, everyone sees exactly the people who joined before them.
    await Promise.all(clients.map((c) => c.waitFor('tick', (t) => t.i === CLIENTS && t.st === 'paused')));
    await new Promise((r) => setTimeout(r, 120));

    await stores.queue.setPaused('ev', false);
    const booked = await Promise.all(
      clients.map(async (client) => {
        const admitted = await client.waitFor('admitted', () => true, 60_000);
        return postBooking(system!.reservationsUrl, 'ev', bookingBody(admitted.grant, client.secret));
      }),
    );

    expect(booked.map((b) => b.status)).toEqual(Array(CLIENTS).fill(201));
    expect(new Set(booked.map((b) => b.body.booking!.reference)).size).toBe(CLIENTS);
    expect(await stores.bookings.bookingCount('ev')).toBe(CLIENTS);
    expect(Math.max(...activeSeen)).toBeLessThanOrEqual(MAX_ACTIVE);
    expect(Math.max(...activeSeen)).toBe(MAX_ACTIVE);

    const byTicket = [...clients].sort((a, b) => a.ticketNo - b.ticketNo);
    const admittedAt = byTicket.map((c) => readGrantClaims(c.grant!.grant)!.iat);
    for (let k = 1; k < admittedAt.length; k++) expect(admittedAt[k]).toBeGreaterThanOrEqual(admittedAt[k - 1]!);
    for (const client of byTicket) {
      expect(client.aheadSeen[0]).toBe(client.ticketNo - 1);
      for (let k = 1; k < client.aheadSeen.length; k++) expect(client.aheadSeen[k]).toBeLessThanOrEqual(client.aheadSeen[k - 1]!);
      if (client.ticketNo > 2 * MAX_ACTIVE) expect(Math.min(...client.aheadSeen)).toBeLessThan(client.ticketNo - 1);
    }
  });
});
