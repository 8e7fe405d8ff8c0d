/**
 * Who may join and book, enforced over the real protocol and HTTP API: the
 * gateway checks the birth date's cohort at join (saying when a window opens),
 * the reservation handler re-checks it at booking against the live config and
 * its own clock, and a refused booking commits nothing.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ErrorCode } from '../../shared/protocol/codes.js';
import { bookingBody, postBooking } from '../support/booking.js';
import { FakeClock, startTestSystem, testEvent, type TestSystem } from '../support/system.js';
import { TestClient } from '../support/ws-client.js';

const E = 'ages-50-52';
const kst = (local: string) => Date.parse(`${local}+09:00`);

describe.each(['memory', 'redis'] as const)('eligibility at join and booking: %s store', (store) => {
  const clock = new FakeClock(kst('2021-07-20T18:30:00'));
  let system: TestSystem;
  const clients: TestClient[] = [];

  beforeAll(async () => {
    const event = testEvent({
      id: E,
      timeZone: 'Asia/Seoul',
      prequeueOpensAt: '2021-07-20T19:00',
      opensAt: '2021-07-20T20:00',
      closesAt: '2021-07-21T18:00',
      cohorts: [
        { id: 'born-1969-1970', label: '1969–1970', born: { from: '1969-01-01', to: '1970-12-31' } },
        { id: 'born-1971', label: '1971', born: { from: '1971-01-01', to: '1971-12-31' }, opensAt: '2021-07-21T09:00' },
      ],
    });
    system = await startTestSystem({ store, events: [event], clock });
  });

  afterAll(async () => {
    await Promise.all(clients.map((client) => client.drop()));
    await system.stop();
  });

  async function tryJoin(birthDate?: string) {
    const client = await TestClient.connect(system.wsUrl);
    clients.push(client);
    try {
      return { client, ticket: await client.join(E, birthDate) };
    } catch (error) {
      const refusal = client.messages.find((m) => m.type === 'error');
      return { client, error: error as Error & { code: string }, refusal };
    }
  }

  it('refuses joins with a clear code, and says when the window opens', async () => {
    const early = await tryJoin('1970-03-01');
    expect(early.error?.code).toBe(ErrorCode.EVENT_NOT_OPEN_YET);
    expect(early.refusal).toMatchObject({ retryAt: kst('2021-07-20T19:00:00') });
    expect(early.error?.message).toContain('2021-07-20 19:00');

    clock.set(kst('2021-07-20T19:30:00'));
    expect((await tryJoin()).error?.code).toBe(ErrorCode.BIRTH_DATE_REQUIRED);
    expect((await tryJoin('1970-02-30')).error?.code).toBe(ErrorCode.BIRTH_DATE_REQUIRED);
    expect((await tryJoin('1968-12-31')).error?.code).toBe(ErrorCode.NOT_ELIGIBLE);
    const later = await tryJoin('1971-06-01');
    expect(later.error?.code).toBe(ErrorCode.COHORT_NOT_OPEN_YET);
    expect(later.refusal).toMatchObject({ retryAt: kst('2021-07-21T09:00:00') });
  });

  it('lets the eligible cohort into the pre-queue, both ends of its birth range included', async () => {
    clock.set(kst('2021-07-20T19:30:00'));
    for (const birthDate of ['1969-01-01', '1970-12-31']) {
      const joined = await tryJoin(birthDate);
      expect(joined.ticket?.ticketNo).toBeGreaterThan(0);
    }
  });

  it('re-checks the cohort at booking: a birth date outside the open cohorts commits nothing', async () => {
    clock.set(kst('2021-07-20T20:00:00'));
    const { client } = await tryJoin('1970-05-17');
    const admitted = await client.waitFor('admitted', () => true, 10_000);
    const wrong = await postBooking(
      system.reservationsUrl,
      E,
      bookingBody(admitted.grant, client.secret, { person: { name: 'Kim', birthDate: '1971-06-01' } }),
    );
    expect(wrong.status).toBe(403);
    expect(wrong.body.error?.code).toBe('COHORT_NOT_OPEN_YET');
    const outside = await postBooking(
      system.reservationsUrl,
      E,
      bookingBody(admitted.grant, client.secret, { person: { name: 'Kim', birthDate: '1950-01-01' } }),
    );
    expect(outside.body.error?.code).toBe('NOT_ELIGIBLE');
    expect(await system.stores.bookings.bookingCount(E)).toBe(0);

    const ok = await postBooking(system.reservationsUrl, E, bookingBody(admitted.grant, client.secret, { person: { name: 'Kim', birthDate: '1970-05-17' } }));
    expect(ok.status).toBe(201);
    expect(await system.stores.bookings.bookingCount(E)).toBe(1);
  });

  it('lets the later cohort join from its own opening, and nobody after closing', async () => {
    clock.set(kst('2021-07-21T09:00:00'));
    expect((await tryJoin('1971-06-01')).ticket?.ticketNo).toBeGreaterThan(0);
    clock.set(kst('2021-07-21T18:00:00'));
    expect((await tryJoin('1970-05-17')).error?.code).toBe(ErrorCode.EVENT_CLOSED);
  });
});
