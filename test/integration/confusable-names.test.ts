/**
 * Issue 13 §2 over the real gateway and reservation handler: a name written
 * wholly in Cyrillic or Greek letters that look like a booked Latin name is the
 * same person (decision 009, the UTS #39 skeleton), in lower case and in
 * capitals; a real Cyrillic name that only sounds like a booked Latin one is a
 * different person and books.
 *
 * "Kim Minsu" itself has no whole-script twin: Cyrillic and Greek have no
 * look-alike of "n" or "u" in confusables.txt, so its look-alike always mixes
 * scripts (refused, person-name.property.test.ts). The names here are ones the
 * two scripts can spell.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { admittedPass, type AdmittedPass } from '../support/admitted-pass.js';
import { bookingBody, postBooking } from '../support/booking.js';
import { startTestSystem, testEvent, type TestSystem } from '../support/system.js';

const E = 'confusable';
const BIRTH_DATE = '1970-05-17';
const BOOKED = ['Kim Hyejoo', 'Kim Taeho', 'Ivan Petrov'];
const SAME_PERSON = [
  ['Кім Нуејоо', 'Cyrillic', 'Kim Hyejoo'],
  ['КІМ НУЕЈОО', 'Cyrillic capitals', 'Kim Hyejoo'],
  ['Κιμ Ταεηο', 'Greek', 'Kim Taeho'],
  ['ΚΙΜ ΤΑΕΗΟ', 'Greek capitals', 'Kim Taeho'],
] as const;

function codes(text: string): string {
  return [...text].map((c) => c.codePointAt(0)!.toString(16)).join(' ');
}

describe('whole-script look-alike names, through the real reservation handler', () => {
  let system: TestSystem;
  const passes: AdmittedPass[] = [];

  beforeAll(async () => {
    system = await startTestSystem({ events: [testEvent({ id: E, maxActive: 20 })] });
    for (const name of BOOKED) expect((await book(name)).status).toBe(201);
  });

  afterAll(async () => {
    await Promise.all(passes.map((admitted) => admitted.client.drop()));
    await system?.stop();
  });

  /** Books `name` with a grant of its own, so only the person can make it a repeat. */
  async function book(name: string) {
    const admitted = await admittedPass(system.wsUrl, E);
    passes.push(admitted);
    return postBooking(system.reservationsUrl, E, bookingBody(admitted.grant, admitted.secret, { person: { name, birthDate: BIRTH_DATE } }));
  }

  it.each(SAME_PERSON)('"%s" (%s) is the same person as "%s"', async (variant) => {
    const reply = await book(variant);
    expect(reply.body.error?.code, codes(variant)).toBe('ALREADY_BOOKED');
    expect(reply.status).toBe(409);
    expect(await system.stores.bookings.bookingCount(E)).toBe(BOOKED.length);
  });

  it('"Иван Петров" is a different person from "Ivan Petrov" and books', async () => {
    expect((await book('Иван Петров')).status).toBe(201);
    expect(await system.stores.bookings.bookingCount(E)).toBe(BOOKED.length + 1);
  });
});
