/**
 * `npm start` as a newcomer runs it: the process starts on the in-memory
 * store, prints its URLs, answers /healthz, and a client joins over WebSocket,
 * is admitted and books. Stopped by its process group id.
 */
import type { ChildProcess } from 'node:child_process';
import { afterAll, expect, it } from 'vitest';
import { bookingBody, postBooking } from '../support/booking.js';
import { startNpm, stopNpm, urlsPrinted } from '../support/npm-start.js';
import { TestClient } from '../support/ws-client.js';
import { nativeUwsShipped } from '../support/transports.js';

let child: ChildProcess | null = null;

afterAll(() => stopNpm(child));

it('npm start serves health, the page, the queue and bookings', async () => {
  child = startNpm();
  const { page, reservations, password, output } = await urlsPrinted(child);
  // The demo's facts (README): 6 admissions a minute, 2 unused grants at once, each valid 180 s.
  expect(output).toContain('demo event open now');
  expect(output).toContain('event demo: admits 6 a minute, at most 2 unused grants at once, a grant lasts 180 s');

  const health = await fetch(`${page}/healthz`);
  expect(health.status).toBe(200);
  expect(await health.json()).toMatchObject({ status: 'ok', transport: nativeUwsShipped ? 'uws' : 'ws', store: { kind: 'memory', reachable: true } });
  const html = await fetch(`${page}/`);
  expect(html.status).toBe(200);
  expect(await html.text()).toContain('<script');
  for (const path of ['/book/', '/kiosk/?event=demo&center=seoul-central', '/console/']) {
    const served = await fetch(`${page}${path}`);
    expect(served.status, path).toBe(200);
    expect(await served.text(), path).toContain('<script');
  }
  expect((await fetch(`${page}/sdk/waitroom.js`)).status).toBe(200);
  // The printed operator password signs in to the console.
  const signIn = await fetch(`${page}/admin/session`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', origin: page },
    body: JSON.stringify({ name: 'operator', password }),
  });
  expect(signIn.status).toBe(200);
  expect(signIn.headers.get('set-cookie')).toMatch(/^waitroom_session=.+HttpOnly/i);
  const metrics = await (await fetch(`${page}/metrics`)).text();
  expect(metrics).toContain('waitroom_connections');
  expect(metrics).toContain('waitroom_event_admitted');

  const client = await TestClient.connect(`${page.replace(/^http/, 'ws')}/ws`);
  await client.join('demo');
  const admitted = await client.waitFor('admitted', () => true, 20_000);
  expect(admitted.bookingUrl).toBe(`${reservations}/api/events/demo/bookings`);
  const booked = await postBooking(reservations, 'demo', bookingBody(admitted.grant, client.secret, { centerId: 'seoul-central', slotId: '0900' }));
  expect(booked.status).toBe(201);
  expect(booked.body.booking!.reference).toMatch(/^WR-[A-Z2-9]{10}$/);
  await client.close();
}, 90_000);
