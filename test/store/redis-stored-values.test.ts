/**
 * JSON the Redis stores read back is decoded through a schema: a damaged
 * value (not JSON, or JSON of the wrong shape) is refused with
 * STORED_VALUE_INVALID naming the key, where an unchecked cast let it flow
 * on (a session with no expiry, a node report with no name, a booking with
 * no reference). On the test's own redis-server, values written directly.
 */
import { describe, expect, it } from 'vitest';
import { globalKeys } from '../../server/store/redis/keys.js';
import { admitStep } from '../support/admit-step.js';
import { bookingRequest } from '../support/booking-request.js';
import { EVENT, NODE, T0, useScriptBench } from '../support/script-bench.js';

const bench = useScriptBench();

describe('values read back from Redis', () => {
  it('an operator session that is not JSON, or lacks its expiry, is refused naming its key', async () => {
    const key = globalKeys(bench.prefix).operatorSession('h1');
    await bench.raw.set(key, '{"name":"ana","role":"operator"');
    await expect(bench.stores.sessions.get('h1', T0)).rejects.toThrow(/^STORED_VALUE_INVALID .*operator.*: not JSON/);
    await bench.raw.set(key, JSON.stringify({ name: 'ana', role: 'operator' }));
    await expect(bench.stores.sessions.get('h1', T0)).rejects.toThrow(/^STORED_VALUE_INVALID .*: expiresAt: /);
  });

  it('a good session still reads back', async () => {
    const record = { name: 'ana', role: 'operator', expiresAt: T0 + 60_000 };
    await bench.stores.sessions.put('h2', record, T0);
    expect(await bench.stores.sessions.get('h2', T0)).toEqual(record);
  });

  it("a node's presence report of the wrong shape is refused naming the hash and the node", async () => {
    await bench.stores.queue.recordPresence(NODE, { name: 'gw-1', connections: 3 }, T0);
    expect(await bench.stores.queue.presence()).toEqual([{ node: NODE, name: 'gw-1', connections: 3, lastSeenAt: T0 }]);
    await bench.raw.hSet(globalKeys(bench.prefix).presence, '8', JSON.stringify({ connections: 'many', at: T0 }));
    await expect(bench.stores.queue.presence()).rejects.toThrow(/^STORED_VALUE_INVALID .*presence 8: name: /);
  });

  it('a repeated booking whose stored record is damaged is refused, not answered with the damage', async () => {
    await bench.stores.queue.joinBatch(EVENT, 1, T0, NODE, 0);
    await bench.stores.queue.admit(EVENT, admitStep(T0));
    const request = bookingRequest(EVENT, 1, T0);
    expect((await bench.stores.bookings.commit(request)).kind).toBe('booked');
    await bench.raw.hSet(bench.k.bookings, request.reference, JSON.stringify({ reference: request.reference, ticketNo: 'one' }));
    await expect(bench.stores.bookings.commit(request)).rejects.toThrow(/^STORED_VALUE_INVALID the booking of grant .*: eventId: /);
  });
});
