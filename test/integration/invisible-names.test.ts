/**
 * Issue 13 §2 over the real gateway and reservation handler: a name with an
 * invisible character in it is the same person as the plain name. Every
 * Default_Ignorable_Code_Point range (read from the engine's Unicode data, not
 * typed here: its first, middle and last code point), each Hangul filler and
 * the usual zero-width characters are put inside a Latin and a Hangul name
 * that has booked already; each variant is refused as that person
 * (ALREADY_BOOKED) and books nothing.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { admittedPass, type AdmittedPass } from '../support/admitted-pass.js';
import { bookingBody, postBooking } from '../support/booking.js';
import { startTestSystem, testEvent, type TestSystem } from '../support/system.js';

const E = 'invisible';
const BIRTH_DATE = '1970-05-17';
const NAMES = ['Kim Minsu', '김민수'];

/** The Default_Ignorable_Code_Point ranges, as the JS engine's Unicode data has them. */
function ignorableRanges(): [number, number][] {
  const ignorable = /\p{Default_Ignorable_Code_Point}/u;
  const ranges: [number, number][] = [];
  for (let code = 0; code <= 0x10ffff; code++) {
    if (code >= 0xd800 && code <= 0xdfff) continue;
    if (!ignorable.test(String.fromCodePoint(code))) continue;
    const last = ranges.at(-1);
    if (last && last[1] === code - 1) last[1] = code;
    else ranges.push([code, code]);
  }
  return ranges;
}

const NAMED = [0x115f, 0x1160, 0x3164, 0xffa0, 0x200b, 0x200c, 0x200d, 0x2060, 0xfeff, 0x00ad, 0xfe0f, 0xe0100, 0x180e, 0x034f, 0x200e, 0x202e];
const CODE_POINTS = [...new Set([...ignorableRanges().flatMap(([from, to]) => [from, Math.floor((from + to) / 2), to]), ...NAMED])].sort((a, b) => a - b);

/** The character inside the name (after its first letter) and at its end. */
function variants(name: string, code: number): string[] {
  const char = String.fromCodePoint(code);
  const [first, ...rest] = [...name];
  return [`${first}${char}${rest.join('')}`, `${name}${char}`];
}

const ROWS = NAMES.flatMap((name) => CODE_POINTS.map((code) => [`U+${code.toString(16).toUpperCase().padStart(4, '0')}`, name, code] as const));

describe('invisible characters in names, through the real reservation handler', () => {
  let system: TestSystem;
  const passes: AdmittedPass[] = [];

  beforeAll(async () => {
    system = await startTestSystem({ events: [testEvent({ id: E, maxActive: 2 * ROWS.length + 10 })] });
    for (const name of NAMES) {
      const admitted = await pass();
      expect(
        (await postBooking(system.reservationsUrl, E, bookingBody(admitted.grant, admitted.secret, { person: { name, birthDate: BIRTH_DATE } }))).status,
      ).toBe(201);
    }
  });

  afterAll(async () => {
    await Promise.all(passes.map((admitted) => admitted.client.drop()));
    await system?.stop();
  });

  async function pass(): Promise<AdmittedPass> {
    const admitted = await admittedPass(system.wsUrl, E);
    passes.push(admitted);
    return admitted;
  }

  it.each(ROWS)('%s in "%s" is the same person as the plain name', async (_label, name, code) => {
    for (const variant of variants(name, code)) {
      const admitted = await pass();
      const reply = await postBooking(
        system.reservationsUrl,
        E,
        bookingBody(admitted.grant, admitted.secret, { person: { name: variant, birthDate: BIRTH_DATE } }),
      );
      const shown = `${JSON.stringify(variant)} (${[...variant].map((c) => c.codePointAt(0)!.toString(16)).join(' ')})`;
      expect(reply.body.error?.code, shown).toBe('ALREADY_BOOKED');
      expect(reply.status, shown).toBe(409);
    }
    expect(await system.stores.bookings.bookingCount(E)).toBe(NAMES.length);
  });
});
