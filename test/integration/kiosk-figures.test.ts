/**
 * `GET /api/kiosk`: public, uncached; its people waiting equal the gateway's
 * waitroom_queue_waiting metric read at the same moment; the centre's slots
 * follow the bookings; unknown events and centres are 404 with their codes.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Stores } from '../../server/store/types.js';
import { bookingBody, postBooking } from '../support/booking.js';
import { storeFactories } from '../support/stores.js';
import { startTestSystem, testEvent, type TestSystem } from '../support/system.js';
import { TestClient } from '../support/ws-client.js';

const redis = storeFactories.find((factory) => factory.name === 'redis')!;
const CENTERS = [
  {
    id: 'c1',
    name: 'Center one',
    slots: [
      { id: 's1', label: '09:00', capacity: 5 },
      { id: 's2', label: '10:00', capacity: 3 },
    ],
  },
  { id: 'c2', name: 'Center two', slots: [{ id: 's1', label: '09:00', capacity: 4 }] },
];

function queueWaitingMetric(metrics: string, eventId: string): number {
  const line = metrics.split('\n').find((l) => l.startsWith('waitroom_queue_waiting{') && l.includes(`event="${eventId}"`));
  return Number(line?.split(' ').at(-1));
}

describe('the kiosk endpoint (Redis store)', () => {
  let stores: Stores;
  let system: TestSystem;
  const clients: TestClient[] = [];

  async function kiosk(query: string): Promise<{ status: number; cacheControl: string | null; body: any }> {
    const response = await fetch(`${system.gatewayUrl}/api/kiosk${query}`);
    return { status: response.status, cacheControl: response.headers.get('cache-control'), body: await response.json() };
  }

  beforeAll(async () => {
    stores = await redis.create();
    system = await startTestSystem({ store: 'redis', stores, events: [testEvent({ id: 'ev', maxActive: 2, centers: CENTERS, timeZone: 'Asia/Seoul' })] });
    clients.push(...(await Promise.all(Array.from({ length: 12 }, () => TestClient.connect(system.wsUrl)))));
    await Promise.all(clients.map((client) => client.join('ev')));
  });

  afterAll(async () => {
    await Promise.all(clients.map((client) => client.close()));
    await system?.stop();
    await stores?.close();
  });

  it("shows the same people waiting as the gateway's metric, the admission rate, and the centre's slots", async () => {
    // Two admitted (maxActive); one of them books a 10:00 slot at center one, which admits a third: nine wait.
    const admitted = await Promise.race(clients.map((client) => client.waitFor('admitted', () => true, 5000).then((grant) => ({ client, grant }))));
    const booked = await postBooking(system.reservationsUrl, 'ev', bookingBody(admitted.grant.grant, admitted.client.secret, { centerId: 'c1', slotId: 's2' }));
    expect(booked.status).toBe(201);
    const waiter = clients.find((client) => client.ticketNo === 12)!;
    await waiter.waitFor('tick', (tick) => tick.c >= 3 && tick.i === 12, 5000, false);
    await waiter.waitFor('tick', () => true, 5000, false);

    // Read together, between two ticks: the same number (the kiosk and the metric read one value the tick sets).
    for (let attempt = 0; attempt < 5; attempt++) {
      const [reply, metrics] = await Promise.all([kiosk('?event=ev&center=c1'), fetch(`${system.gatewayUrl}/metrics`).then((r) => r.text())]);
      expect(reply.status).toBe(200);
      expect(reply.body.waiting).toBe(queueWaitingMetric(metrics, 'ev'));
    }
    const { status, cacheControl, body } = await kiosk('?event=ev&center=c1');
    expect([status, cacheControl]).toEqual([200, 'no-store']);
    expect(body).toMatchObject({
      event: { id: 'ev', title: { ko: 'Test event', en: 'Test event' }, state: 'open', timeZone: 'Asia/Seoul' },
      waiting: 9,
      center: {
        centerId: 'c1',
        name: 'Center one',
        slots: [
          { slotId: 's1', label: '09:00', capacity: 5, remaining: 5 },
          { slotId: 's2', label: '10:00', capacity: 3, remaining: 2 },
        ],
      },
    });
    expect(Math.abs(body.now - Date.now())).toBeLessThan(5000);
    expect(body.admittedPerMinute).toBeGreaterThanOrEqual(0);
    // An estimate for someone joining now exactly when a rate is known.
    expect(body.estimatedWaitSeconds === null).toBe(body.admittedPerMinute === 0);
  });

  it('while paused there is no estimate; the event or centre can be left out', async () => {
    await stores.queue.setPaused('ev', true);
    await clients.find((client) => client.ticketNo === 12)!.waitFor('tick', (tick) => tick.st === 'paused', 2000, false);
    const paused = await kiosk('?event=ev&center=c2');
    expect(paused.body).toMatchObject({ event: { state: 'paused' }, estimatedWaitSeconds: null, center: { centerId: 'c2', slots: [{ remaining: 4 }] } });
    expect((await kiosk('?center=c2')).body.center.centerId).toBe('c2');
    expect((await kiosk('')).body).toMatchObject({ event: { id: 'ev' }, center: { centerId: 'c1' } });
  });

  it('answers 404 UNKNOWN_EVENT and UNKNOWN_CENTER', async () => {
    expect(await kiosk('?event=nope&center=c1')).toMatchObject({ status: 404, body: { error: { code: 'UNKNOWN_EVENT' } } });
    expect(await kiosk('?center=nowhere')).toMatchObject({ status: 404, body: { error: { code: 'UNKNOWN_EVENT' } } });
    expect(await kiosk('?event=ev&center=nowhere')).toMatchObject({ status: 404, body: { error: { code: 'UNKNOWN_CENTER' } } });
  });
});
