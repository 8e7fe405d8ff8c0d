/**
 * The SDK's recovery code in Node (decision 030): a client shows its code, a client with storage of its own (another
 * device) takes the place over with it: the same ticket, and the first is superseded; a code is refused when
 * mistyped or used, and a second code from the new holder works again. After the turn, it hands over the same grant.
 */
import { afterAll, beforeAll, expect, it } from 'vitest';
import WebSocket from 'ws';
import { memoryStorage, WaitroomClient, type KeyValueStorage, type TicketEvent, type WaitroomError } from '../../client/sdk/index.js';
import { bookingBody, postBooking } from '../support/booking.js';
import { startTestSystem, testEvent, type TestSystem } from '../support/system.js';

let system: TestSystem;
const sdks: WaitroomClient[] = [];

beforeAll(async () => {
  system = await startTestSystem({ events: [testEvent()] });
  await system.stores.queue.setPaused('ev', true);
});

afterAll(async () => {
  for (const sdk of sdks) sdk.stop();
  await system.stop();
});

function device(storage: KeyValueStorage = memoryStorage()): {
  sdk: WaitroomClient;
  tickets: TicketEvent[];
  errors: WaitroomError[];
  next: () => Promise<TicketEvent>;
} {
  const sdk = new WaitroomClient({ eventId: 'ev', gateway: system.gatewayUrl!, storage, WebSocket });
  sdks.push(sdk);
  const tickets: TicketEvent[] = [];
  const errors: WaitroomError[] = [];
  let waiting: ((ticket: TicketEvent) => void)[] = [];
  sdk.on('ticket', (ticket) => {
    tickets.push(ticket);
    for (const resolve of waiting) resolve(ticket);
    waiting = [];
  });
  sdk.on('error', (error) => errors.push(error));
  sdk.start();
  return { sdk, tickets, errors, next: () => new Promise((resolve) => waiting.push(resolve)) };
}

it('moves a place to another device with the code, once', async () => {
  const phone = device();
  const phoneTicket = await phone.next();
  const shown = await phone.sdk.recoveryCode();
  if (!shown.ok) throw new Error(`no code: ${shown.code}`);
  expect(shown.shown).toMatch(/^[0-9A-Z]{4}-[0-9A-Z]{4}-[0-9A-Z]{5}$/);
  // Asked again, the same code (it may have been written down).
  expect(await phone.sdk.recoveryCode()).toMatchObject({ ok: true, code: shown.code });

  const laptop = device();
  const laptopTicket = await laptop.next();
  expect(laptopTicket.ticketNo).not.toBe(phoneTicket.ticketNo);
  const swapped = shown.code.slice(1, 2) + shown.code.slice(0, 1) + shown.code.slice(2);
  if (swapped !== shown.code) expect(await laptop.sdk.recover(swapped)).toEqual({ ok: false, code: 'RECOVERY_CODE_MISTYPED' });
  expect(await laptop.sdk.recover('ABCD')).toEqual({ ok: false, code: 'RECOVERY_CODE_MALFORMED' });

  const resumed = laptop.next();
  expect(await laptop.sdk.recover(shown.shown.toLowerCase())).toEqual({ ok: true, ticketNo: phoneTicket.ticketNo });
  expect(await resumed).toEqual({ ticketNo: phoneTicket.ticketNo, resumed: true });
  expect(laptop.sdk.stored()).toMatchObject({ ticketNo: phoneTicket.ticketNo, secret: phone.sdk.stored()!.secret });
  await expect.poll(() => phone.errors.map((error) => error.code)).toContain('SUPERSEDED');

  // Used: it restores nothing again, and the new holder's own code works.
  const third = device();
  await third.next();
  expect(await third.sdk.recover(shown.code)).toEqual({ ok: false, code: 'RECOVERY_CODE_UNKNOWN' });
  const again = await laptop.sdk.recoveryCode();
  if (!again.ok) throw new Error(`no code: ${again.code}`);
  expect(again.code).not.toBe(shown.code);
  expect(await third.sdk.recover(again.code)).toEqual({ ok: true, ticketNo: phoneTicket.ticketNo });
});

it('after the turn came, the code still restores the place on another device, with the same grant, which books', async () => {
  const phone = device();
  await phone.next();
  const shown = await phone.sdk.recoveryCode();
  if (!shown.ok) throw new Error(`no code: ${shown.code}`);
  const admitted = new Promise<string>((resolve) => phone.sdk.on('admitted', ({ grant }) => resolve(grant)));
  await system.stores.queue.setPaused('ev', false);
  const grant = await admitted;
  // Paused again, so the laptop's own fresh place is not admitted before it uses the code.
  await system.stores.queue.setPaused('ev', true);

  const laptop = device();
  await laptop.next();
  const handedOver = new Promise<string>((resolve) => laptop.sdk.on('admitted', ({ grant: again }) => resolve(again)));
  expect(await laptop.sdk.recover(shown.code)).toMatchObject({ ok: true });
  expect(await handedOver).toBe(grant);
  const handoff = laptop.sdk.handoff()!;
  expect((await postBooking(system.reservationsUrl!, 'ev', bookingBody(handoff.grant, handoff.secret))).status).toBe(201);
});
