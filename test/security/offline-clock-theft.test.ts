/**
 * Threat-model lines: airplane mode and offline tricks, clock tricks on the
 * client, a stolen ticket. Each attempt gains no place, commits nothing, and
 * gets its documented code (Redis store, real WebSocket clients).
 */
import { afterEach, describe, expect, it } from 'vitest';
import type { Stores } from '../../server/store/types.js';
import { ErrorCode } from '../../shared/protocol/codes.js';
import { bookingBody, postBooking } from '../support/booking.js';
import { storeFactories } from '../support/stores.js';
import { FakeClock, startTestSystem, testEvent, type TestSystem } from '../support/system.js';
import { TestClient } from '../support/ws-client.js';

const redis = storeFactories.find((factory) => factory.name === 'redis')!;

describe('offline, clock and theft tricks (Redis store)', () => {
  let stores: Stores;
  let system: TestSystem;
  let clock: FakeClock;
  const clients: TestClient[] = [];

  async function start(): Promise<void> {
    clock = new FakeClock(Date.now());
    stores = await redis.create();
    await stores.queue.setPaused('ev', true);
    system = await startTestSystem({
      stores,
      clock,
      events: [testEvent({ maxActive: 1, grantTtlSeconds: 60, ticketTtlSeconds: 600, graceSeconds: 30 }, clock.now())],
    });
  }
  async function connect(secret?: string): Promise<TestClient> {
    const client = await TestClient.connect(system.wsUrl, secret);
    clients.push(client);
    return client;
  }
  async function joined(count: number): Promise<TestClient[]> {
    const result: TestClient[] = [];
    for (let k = 0; k < count; k++) {
      const client = await connect();
      await client.join('ev');
      result.push(client);
    }
    return result;
  }
  /** Drops the connection (airplane mode) and waits until the gateway has recorded the departure in the store. */
  async function goOffline(client: TestClient): Promise<void> {
    await client.drop();
    const room = system.gateway!.context.room('ev')!;
    while (room.holderOf(client.ticketNo)) await new Promise((resolve) => setTimeout(resolve, 10));
    await system.gateway!.tick();
  }
  /** People ahead of `client` on the next tick. */
  async function aheadOf(client: TestClient): Promise<number> {
    const now = clock.now();
    clock.advance(1);
    await system.gateway!.tick();
    await client.waitFor('tick', (t) => t.t > now, 5000, false);
    return client.aheadSeen.at(-1)!;
  }

  /**
   * Lets the controller admit. Its token bucket fills only as the server's (fake) clock moves, and a step taken
   * while paused after the last advance leaves no time to earn a token: the clock moves on past the unpause.
   */
  async function unpause(): Promise<void> {
    await stores.queue.setPaused('ev', false);
    clock.advance(1000);
  }

  afterEach(async () => {
    await Promise.all(clients.splice(0).map((client) => client.close()));
    await system.stop();
    await stores.close();
  });

  it('airplane mode: coming back within the grace resumes the same ticket and place, never a better one; no new place is made', async () => {
    await start();
    const [, , third, fourth] = await joined(4);
    expect(await aheadOf(third!)).toBe(2);
    await goOffline(third!);
    const back = await connect(third!.secret);
    expect(await back.resume(third!.ticket, 'ev')).toMatchObject({ ticketNo: 3, resumed: true });
    expect(await aheadOf(back)).toBe(2);
    expect(await aheadOf(fourth!)).toBe(3);
    expect((await joined(1))[0]!.ticketNo).toBe(5);
    expect(await stores.bookings.bookingCount('ev')).toBe(0);
  });

  it('offline past the grace: back to the same place at best, and those behind it are not overtaken', async () => {
    await start();
    const [, , third, fourth] = await joined(4);
    await goOffline(third!);
    clock.advance(31_000);
    await system.gateway!.tick();
    const back = await connect(third!.secret);
    expect(await back.resume(third!.ticket, 'ev')).toMatchObject({ ticketNo: 3, resumed: true });
    expect(await aheadOf(back)).toBeGreaterThanOrEqual(2);
    expect(await aheadOf(fourth!)).toBe(3);
    expect(await stores.bookings.bookingCount('ev')).toBe(0);
  });

  it("clock tricks: only the server's clock counts; a client-side time (ping t far ahead) changes nothing, expiry follows the server", async () => {
    await start();
    const [first, second] = await joined(2);
    second!.send({ type: 'ping', rid: 7, t: clock.now() + 10 * 3600_000 });
    await second!.waitFor('pong');
    expect(await aheadOf(second!)).toBe(1);
    await unpause();
    const grant = await first!.waitFor('admitted');
    // The booking window and the ticket end by the server's clock, whatever the client's says.
    clock.advance(61_000);
    const reply = await postBooking(system.reservationsUrl, 'ev', bookingBody(grant.grant, first!.secret));
    expect([reply.status, reply.body.error?.code]).toEqual([401, 'GRANT_EXPIRED']);
    clock.advance(600_000);
    const late = await connect(second!.secret);
    await expect(late.resume(second!.ticket, 'ev')).rejects.toMatchObject({ code: ErrorCode.TICKET_EXPIRED });
    expect(await stores.bookings.bookingCount('ev')).toBe(0);
  });

  it('a stolen ticket resumed elsewhere is refused without the secret: its holder is not superseded, no place moves, the holder books', async () => {
    await start();
    const [victim, behind] = await joined(2);
    const thief = await connect();
    await expect(thief.resume(victim!.ticket, 'ev')).rejects.toMatchObject({ code: ErrorCode.TICKET_PROOF_INVALID });
    expect(await aheadOf(behind!)).toBe(1);
    expect(victim!.closeCode).toBeNull();
    await unpause();
    const mine = await victim!.waitFor('admitted');
    expect(thief.grant).toBeNull();
    expect((await postBooking(system.reservationsUrl, 'ev', bookingBody(mine.grant, victim!.secret))).status).toBe(201);
  });
});
