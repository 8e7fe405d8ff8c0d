/**
 * A slot capacity below what the booking store already holds is refused (server/events/reload.ts
 * capacityRefusals): on SIGHUP's reload, even forced, and at a process's start-up; the running
 * events stay. On every booking store (memory, Redis, PostgreSQL), since the check reads only
 * BookingStore.taken.
 */
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { CapacityBelowBookingsError } from '../../server/events/reload.js';
import { reloadOnSignal } from '../../server/main/system.js';
import { silentLogger } from '../../server/observability/log.js';
import type { Stores } from '../../server/store/types.js';
import { bookingRequest } from '../support/booking-request.js';
import { bookingStoreFactories } from '../support/booking-stores.js';
import { startTestSystem, testEvent, type TestSystem } from '../support/system.js';

const NOW = Date.now();

function eventsWithCapacity(capacity: number) {
  return { events: [testEvent({ centers: [{ id: 'c1', name: 'One', slots: [{ id: 's1', label: '09:00', capacity }] }] }, NOW)] };
}

describe.each(bookingStoreFactories)('capacity cut below the bookings ($name)', (factory) => {
  let stores: Stores | undefined;
  let system: TestSystem | undefined;
  afterEach(async () => {
    await system?.stop();
    await stores?.close();
    system = stores = undefined;
  });

  async function bookThreeOfFive(): Promise<string> {
    stores = await factory.create();
    const file = join(mkdtempSync(join(tmpdir(), 'capacity-cut-')), 'events.json');
    writeFileSync(file, JSON.stringify(eventsWithCapacity(5)));
    system = await startTestSystem({ stores, config: { eventsFile: file } });
    for (const ticketNo of [1, 2, 3]) expect((await stores.bookings.commit(bookingRequest('ev', ticketNo, NOW, { slotCapacity: 5 }))).kind).toBe('booked');
    return file;
  }

  it('SIGHUP with capacity 2 is refused with the slot, taken and asked capacity, even forced; 3 is accepted', async () => {
    const file = await bookThreeOfFive();
    const running = system!.events.current();
    writeFileSync(file, JSON.stringify(eventsWithCapacity(2)));
    const refusal = {
      code: 'CAPACITY_BELOW_BOOKINGS',
      eventId: 'ev',
      field: 'centers[c1].slots[s1].capacity',
      slot: { centerId: 'c1', slotId: 's1', taken: 3, capacity: 2 },
    };
    const outcome = await reloadOnSignal(system!, silentLogger);
    expect(outcome).toMatchObject({ result: 'refused', refusals: [refusal] });
    const forced = await system!.reloader.reloadFile({ actor: 'test', via: 'signal', force: true });
    expect(forced).toMatchObject({ result: 'refused', refusals: [refusal] });
    expect(system!.events.current()).toEqual(running);

    writeFileSync(file, JSON.stringify(eventsWithCapacity(3)));
    expect(await reloadOnSignal(system!, silentLogger)).toMatchObject({ result: 'applied' });
    expect(system!.events.current()[0]!.centers[0]!.slots[0]!.capacity).toBe(3);
  });

  it('a process whose events file cuts the slot below its bookings does not start', async () => {
    const file = await bookThreeOfFive();
    await system!.stop();
    system = undefined;
    writeFileSync(file, JSON.stringify(eventsWithCapacity(2)));
    const start = startTestSystem({ stores, config: { eventsFile: file } });
    await expect(start).rejects.toBeInstanceOf(CapacityBelowBookingsError);
    await expect(start).rejects.toMatchObject({ code: 'CAPACITY_BELOW_BOOKINGS', refusals: [{ slot: { taken: 3, capacity: 2 } }] });
  });
});
