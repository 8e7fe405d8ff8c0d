/**
 * Reservation handler fuzzing (issue 6): 10,000 malformed bodies and headers
 * over real HTTP against a real Redis store, with valid bookings interleaved.
 * Every malformed request gets a 4xx whose code is one of the API's codes with
 * that code's status; nothing malformed is committed; every valid booking made
 * during the run succeeds. Seeded, so a failure reproduces.
 */
import { Agent, request } from 'node:http';
import { connect } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { BOOKING_ERROR_STATUS, type BookingBody } from '../../shared/booking/api.js';
import type { Stores } from '../../server/store/types.js';
import { bookingBody } from '../support/booking.js';
import { seededRandom, type Random } from '../support/seeded-random.js';
import { storeFactories } from '../support/stores.js';
import { startTestSystem, testEvent, type TestSystem } from '../support/system.js';
import { TestClient } from '../support/ws-client.js';

const MALFORMED = 10_000;
const VALID = 60;
const CONCURRENCY = 16;
const MAX_BODY_BYTES = 16 * 1024;

interface Reply {
  status: number;
  body: string;
}

interface Attempt {
  method?: string;
  path?: string;
  headers?: Record<string, string>;
  body?: string | Buffer;
}

/** Valid bookings' bodies, filled in beforeAll; the first is booked before the run and is what the mutations start from. */
let valid: BookingBody[] = [];

const FIELDS: (keyof BookingBody | 'person.name' | 'person.birthDate')[] = [
  'grant',
  'secret',
  'person',
  'centerId',
  'slotId',
  'person.name',
  'person.birthDate',
];
const WRONG_VALUES: unknown[] = [
  null,
  0,
  -1,
  1e308,
  -1e308,
  2 ** 53 + 1,
  true,
  [],
  {},
  [1, 2, 3],
  '',
  ' ',
  'x'.repeat(5000),
  '\u0000',
  '\ud800',
  { $gt: '' },
  ['a'],
];

function deepNesting(depth: number, open: string, close: string): string {
  return open.repeat(depth) + close.repeat(depth);
}

/** Sets `field` (dotted) of a copy of `body` to `value`, or removes it when `value` is undefined. */
function withField(body: BookingBody, field: string, value: unknown): Record<string, unknown> {
  const copy = structuredClone(body) as unknown as Record<string, Record<string, unknown>>;
  const [outer, inner] = field.split('.') as [string, string | undefined];
  const target: Record<string, unknown> = inner ? (copy[outer] ??= {}) : copy;
  const key = inner ?? outer;
  if (value === undefined) delete target[key];
  else target[key] = value;
  return copy;
}

function flipChar(text: string, random: Random): string {
  const at = random.int(text.length);
  const replacement = text[at] === 'A' ? 'B' : 'A';
  return text.slice(0, at) + replacement + text.slice(at + 1);
}

/** One malformed request; every kind the handler must refuse without committing. */
function malformed(random: Random): Attempt {
  const base = valid[0]!;
  const json = (value: unknown): Attempt => ({ body: JSON.stringify(value) });
  switch (random.int(14)) {
    case 0:
      return json(withField(base, random.pick(FIELDS), undefined));
    case 1:
      return json(withField(base, random.pick(FIELDS), random.pick(WRONG_VALUES)));
    case 2:
      return json({ ...base, extra: random.pick(WRONG_VALUES) });
    case 3: {
      const text = JSON.stringify(base);
      return { body: text.slice(0, random.int(text.length)) };
    }
    case 4:
      return { body: Buffer.from(Array.from({ length: 1 + random.int(512) }, () => random.int(256))) };
    case 5:
      return { body: random.pick([deepNesting(7_000, '[', ']'), deepNesting(2_500, '{"a":', '}').replace(/}$/, '1}'), '[' + '1,'.repeat(3000) + '1]']) };
    case 6:
      return {
        ...json(base),
        headers: { 'content-type': random.pick(['text/plain', 'application/x-www-form-urlencoded', 'multipart/form-data; boundary=x', '']) },
      };
    case 7:
      return json({ ...base, grant: flipChar(base.grant, random) });
    case 8:
      return json({ ...base, secret: flipChar(base.secret, random) });
    case 9:
      return { body: JSON.stringify({ ...base, person: { ...base.person, name: 'x'.repeat(MAX_BODY_BYTES + random.int(4096)) } }) };
    case 10:
      return {
        ...json(base),
        path: random.pick([
          '/api/events/other/bookings',
          '/api/events/NOPE/bookings',
          '/api/events/ev/bookings/1',
          '/api/events/%00/bookings',
          '/api/events/../bookings',
        ]),
      };
    case 11:
      return { ...json(base), method: random.pick(['PUT', 'DELETE', 'PATCH', 'GET']) };
    case 12:
      return { ...json(base), headers: { 'content-type': 'application/json', origin: random.pick(['https://evil.example', 'null', 'http://127.0.0.1:1']) } };
    default:
      return json(random.pick([null, 0, 'text', [], [base], true, {}, { grant: base.grant }]));
  }
}

/** The body of a chunked HTTP/1.1 response. */
function unchunk(text: string): string {
  let body = '';
  for (let at = 0; ;) {
    const lineEnd = text.indexOf('\r\n', at);
    const size = parseInt(text.slice(at, lineEnd), 16);
    if (!(size > 0)) return body;
    body += text.slice(lineEnd + 2, lineEnd + 2 + size);
    at = lineEnd + 2 + size + 2;
  }
}

describe('reservation handler fuzzing (Redis store)', () => {
  let stores: Stores;
  let system: TestSystem;
  const clients: TestClient[] = [];
  const agent = new Agent({ keepAlive: true, maxSockets: CONCURRENCY });

  beforeAll(async () => {
    stores = await storeFactories.find((factory) => factory.name === 'redis')!.create();
    const now = Date.now();
    system = await startTestSystem({
      store: 'redis',
      stores,
      events: [testEvent({ maxActive: 1000 }, now), testEvent({ id: 'other' }, now)],
      config: { reservations: { port: 0, maxBodyBytes: MAX_BODY_BYTES } },
    });
    // Real admissions: each client joins over a WebSocket and is handed its grant.
    for (let k = 0; k < VALID + 1; k++) {
      const client = await TestClient.connect(system.wsUrl);
      await client.join('ev');
      clients.push(client);
    }
    await Promise.all(clients.map((client) => client.waitFor('admitted', undefined, 20_000)));
    valid = clients.map((client) => bookingBody(client.grant!.grant, client.secret));
  }, 60_000);

  afterAll(async () => {
    agent.destroy();
    await Promise.all(clients.map((client) => client.close()));
    await system.stop();
    await stores.close();
  });

  function send(attempt: Attempt): Promise<Reply> {
    const url = new URL(attempt.path ?? '/api/events/ev/bookings', system.reservationsUrl);
    const body = attempt.body ?? '';
    return new Promise((resolve, reject) => {
      const req = request(
        url,
        {
          method: attempt.method ?? 'POST',
          agent,
          headers: { 'content-type': 'application/json', ...attempt.headers, 'content-length': Buffer.byteLength(body) },
        },
        (res) => {
          const chunks: Buffer[] = [];
          res.on('data', (chunk: Buffer) => chunks.push(chunk));
          res.on('end', () => resolve({ status: res.statusCode!, body: Buffer.concat(chunks).toString('utf8') }));
          res.on('error', reject);
        },
      );
      // The handler may answer an oversized body early and close: that is an answer, not a failure.
      req.on('error', reject);
      req.end(body);
    });
  }

  /** Raw bytes that are not valid HTTP: the parser's refusal must still be a 4xx with a code. */
  function sendRaw(bytes: string): Promise<Reply> {
    const { port, hostname } = new URL(system.reservationsUrl);
    return new Promise((resolve, reject) => {
      const socket = connect(Number(port), hostname, () => socket.end(bytes));
      const chunks: Buffer[] = [];
      socket.on('data', (chunk: Buffer) => chunks.push(chunk));
      socket.on('error', reject);
      socket.on('close', () => {
        const text = Buffer.concat(chunks).toString('utf8');
        const status = Number(/^HTTP\/1\.1 (\d{3})/.exec(text)?.[1] ?? 0);
        const split = text.indexOf('\r\n\r\n');
        const body = text.slice(split + 4);
        resolve({ status, body: /transfer-encoding: chunked/i.test(text.slice(0, split)) ? unchunk(body) : body });
      });
    });
  }

  function expectRefusal(reply: Reply, what: string): void {
    const parsed = JSON.parse(reply.body) as { error?: { code?: string; message?: string } };
    const code = parsed.error?.code as keyof typeof BOOKING_ERROR_STATUS | undefined;
    if (reply.status < 400 || reply.status >= 500 || !code || BOOKING_ERROR_STATUS[code] !== reply.status || !parsed.error?.message) {
      throw new Error(`${what}: answered ${reply.status} ${reply.body.slice(0, 200)}`);
    }
  }

  it(`answers ${MALFORMED} malformed requests with a 4xx and a code, commits none of them, and keeps booking the valid ones`, async () => {
    const random = seededRandom(0x5eed);
    const codes = new Map<string, number>();
    let sent = 0;
    let booked = 0;
    const first = await send({ body: JSON.stringify(valid[0]) });
    expect(first.status, first.body).toBe(201);
    const validQueue = valid.slice(1);
    const everyValid = Math.floor(MALFORMED / VALID);

    async function worker(): Promise<void> {
      while (sent < MALFORMED) {
        const n = sent++;
        if (n % everyValid === 0 && validQueue.length > 0) {
          const reply = await send({ body: JSON.stringify(validQueue.shift()) });
          expect(reply.status, reply.body).toBe(201);
          booked++;
        }
        const attempt = malformed(random);
        const reply = await send(attempt);
        expectRefusal(reply, `request ${n} (${String(attempt.method ?? 'POST')} ${attempt.path ?? ''} ${String(attempt.body).slice(0, 80)})`);
        const code = (JSON.parse(reply.body) as { error: { code: string } }).error.code;
        codes.set(code, (codes.get(code) ?? 0) + 1);
      }
    }
    await Promise.all(Array.from({ length: CONCURRENCY }, worker));

    // Not HTTP at all, or broken HTTP: the parser's refusal is a 400 with a code too.
    for (const raw of [
      'GARBAGE\r\n\r\n',
      'POST /api/events/ev/bookings HTTP/1.1\r\nHost: x\r\nContent-Length: nope\r\n\r\n',
      `POST / HTTP/1.1\r\nHost: x\r\n${'X: y\r\n'.repeat(5000)}\r\n`,
      'POST /api HTTP/9.9\r\n\r\n',
      'POST /api/events/ev/bookings HTTP/1.1\r\nContent-Type: application/json\r\nContent-Length: 2\r\n\r\n{}',
    ]) {
      expectRefusal(await sendRaw(raw), `raw ${JSON.stringify(raw.slice(0, 40))}`);
    }

    // Only the valid bookings were committed, each once; the malformed ones (the first booking's
    // body mutated: its grant or secret altered, replayed elsewhere, …) committed nothing.
    expect(booked).toBe(VALID);
    expect(await stores.bookings.bookingCount('ev')).toBe(VALID + 1);
    expect(await stores.bookings.bookingCount('other')).toBe(0);
    // The run exercised the refusals, not just one of them.
    expect(codes.size).toBeGreaterThanOrEqual(10);
  }, 300_000);
});
