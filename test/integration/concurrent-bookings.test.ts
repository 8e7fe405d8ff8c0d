/**
 * Races at the reservation handler over real HTTP: one grant redeemed 200
 * times at once books once; 3N bookers for a slot of capacity N get exactly N;
 * one person with two grants books once.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Stores } from '../../server/store/types.js';
import { bookingBody, postBooking } from '../support/booking.js';
import { bookingStoreFactories } from '../support/booking-stores.js';
import { startTestSystem, testEvent, type TestSystem } from '../support/system.js';
import { TestClient } from '../support/ws-client.js';

const N = 10;
/** The first books 200 times over, the next 3N race for the small slot, the last two are one person's. */
const CLIENTS = 3 * N + 3;

describe.each(bookingStoreFactories)('$name store', (factory) => {
  let stores: Stores;
  let system: TestSystem;
  const admitted: TestClient[] = [];

  beforeAll(async () => {
    stores = await factory.create();
    const centers = [
      {
        id: 'c1',
        name: 'Center',
        slots: [
          { id: 'small', label: '09:00', capacity: N },
          { id: 'big', label: '10:00', capacity: 1000 },
        ],
      },
    ];
    system = await startTestSystem({ stores, events: [testEvent({ maxActive: CLIENTS, centers })] });
    const clients = await Promise.all(Array.from({ length: CLIENTS }, () => TestClient.connect(system.wsUrl)));
    await Promise.all(clients.map((c) => c.join('ev')));
    await Promise.all(clients.map((c) => c.waitFor('admitted')));
    admitted.push(...clients);
  });
  afterAll(async () => {
    await Promise.all(admitted.map((c) => c.close()));
    await system.stop();
    await stores.close();
  });

  it('200 concurrent redemptions of one grant make exactly one booking', async () => {
    const [client] = admitted;
    const replies = await Promise.all(
      Array.from({ length: 200 }, () => postBooking(system.reservationsUrl, 'ev', bookingBody(client!.grant!.grant, client!.secret, { slotId: 'big' }))),
    );
    expect(replies.filter((r) => r.status === 201)).toHaveLength(1);
    expect(replies.filter((r) => r.status === 409 && r.body.error?.code === 'GRANT_USED')).toHaveLength(199);
    expect(await stores.bookings.bookingCount('ev')).toBe(1);
  });

  it(`a slot of capacity ${N} with ${3 * N} concurrent bookers takes exactly ${N}`, async () => {
    const replies = await Promise.all(
      admitted.slice(1, 3 * N + 1).map((c) => postBooking(system.reservationsUrl, 'ev', bookingBody(c.grant!.grant, c.secret, { slotId: 'small' }))),
    );
    expect(replies.filter((r) => r.status === 201)).toHaveLength(N);
    expect(replies.filter((r) => r.status === 409 && r.body.error?.code === 'SLOT_FULL')).toHaveLength(2 * N);
    expect((await stores.bookings.taken('ev')).get('c1/small')).toBe(N);
    const availability = await (await fetch(`${system.reservationsUrl}/api/events/ev/availability`)).json();
    expect(availability).toMatchObject({
      centers: [
        {
          slots: [
            { slotId: 'small', remaining: 0 },
            { slotId: 'big', remaining: 999 },
          ],
        },
      ],
    });
  });

  it('one person with two grants, each redeemed 20 times at once, books once', async () => {
    const person = { name: 'Same Person', birthDate: '1980-02-29' };
    const replies = await Promise.all(
      admitted
        .slice(3 * N + 1)
        .flatMap((c) =>
          Array.from({ length: 20 }, () => postBooking(system.reservationsUrl, 'ev', bookingBody(c.grant!.grant, c.secret, { slotId: 'big', person }))),
        ),
    );
    expect(replies.filter((r) => r.status === 201)).toHaveLength(1);
    expect(replies.filter((r) => r.status === 200 && r.body.repeated)).toHaveLength(19);
    expect(replies.filter((r) => r.status === 409 && r.body.error?.code === 'ALREADY_BOOKED')).toHaveLength(20);
    expect((await stores.bookings.taken('ev')).get('c1/big')).toBe(2);
  });
});
