/**
 * The browser's lean validator (shared/lean/check.ts, with the JSON Schema zod
 * derives from each shared schema) agrees with zod itself: on valid frames of
 * every server message type and the tick test vectors, and on hundreds of
 * thousands of mutations of them (a field replaced by a boundary value or an
 * arbitrary one, a field removed, a field added, the type changed), both
 * accept or both refuse, and when they accept they return the same value
 * (unknown keys dropped alike). The same for GET /api/info's body. The seed
 * is fixed so a failure reproduces.
 */
import { readFileSync } from 'node:fs';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import type { z } from 'zod';
import { AvailabilityResponse, BookingError, BookingResponse } from '../../shared/booking/api.js';
import { GatewayInfo } from '../../shared/http/info.js';
import { check, type JsonSchema } from '../../shared/lean/check.js';
import {
  AVAILABILITY_RESPONSE,
  BOOKING_ERROR,
  BOOKING_RESPONSE,
  DEVICE_ENTRY,
  GATEWAY_INFO,
  HANDOFF,
  SERVER_MESSAGE,
  STORED_TICKET,
} from '../../shared/lean/schemas.generated.js';
import { DeviceEntry, Handoff, StoredTicket } from '../../client/sdk/stored-shapes.js';
import { decodeServerMessage as zodDecode, encode } from '../../shared/protocol/codec.js';
import { decodeServerMessage as leanDecode } from '../../shared/protocol/lean-codec.js';
import { ErrorCode } from '../../shared/protocol/codes.js';
import { MAX_NOTICE_LENGTH, ServerMessage } from '../../shared/protocol/messages.js';

const SEED = 16_05_2026;
const RUNS = 40_000;
const hash22 = 'AbCdEfGhIjKlMnOpQrSt_-';
const token = 'wt1.k1.payload.signature';

const ticks = (JSON.parse(readFileSync('docs/vectors/ticks.json', 'utf8')) as { frame: unknown }[]).map((v) => v.frame);
const VALID_FRAMES: unknown[] = [
  { type: 'hello', v: 2, node: 'gw-1', serverTime: 1_768_471_200_000.5, tickMs: 1000, nonce: hash22 },
  { type: 'ticket', rid: 3, eventId: 'vaccine-53', ticket: token, ticketNo: 1, issuedAt: 1, expiresAt: 2, resumed: false },
  { type: 'ticket', eventId: 'a', ticket: 't', ticketNo: 2 ** 40, issuedAt: -1, expiresAt: 0, resumed: true },
  { type: 'tick', e: 'ev', st: 'open', c: 0, i: 0, q: 0, r: 0, t: 0, l: [] },
  { type: 'tick', e: 'ev-2', st: 'prequeue', c: 4, i: 90, q: 1, r: 6.25, t: 9, l: [{ f: 0, w: 8, n: [0, 1, 2] }], dn: 40, ds: 2 ** 32 - 1, d: true },
  { type: 'admitted', eventId: 'ev', ticketNo: 7, grant: token, expiresAt: 5, bookingUrl: 'http://127.0.0.1:8081/book' },
  { type: 'error', rid: 2 ** 31, code: ErrorCode.POW_REQUIRED, message: 'solve it', retryable: false, retryAt: 5, challenge: 'c'.repeat(512) },
  { type: 'error', code: ErrorCode.INTERNAL, message: '', retryable: true },
  { type: 'pong', rid: 0, t: 1.5, serverTime: 2 },
  { type: 'pong', t: -0, serverTime: 2 },
  { type: 'notice', e: 'ev', id: 0, text: 'x'.repeat(MAX_NOTICE_LENGTH), at: 1 },
  { type: 'notice', e: 'ev', id: 3, text: '', at: 1 },
  ...ticks,
];

const INFO = {
  node: 'gw-1',
  reservationsUrl: 'http://127.0.0.1:8081',
  events: [
    {
      id: 'ev',
      title: { ko: '예약', en: 'Booking' },
      state: 'open',
      timeZone: 'Asia/Seoul',
      prequeueOpensAt: null,
      opensAt: 1,
      closesAt: 2,
      cohorts: [{ id: 'c', label: { ko: 'ㄱ', en: 'a' }, born: { from: '1968-01-01', to: '1968-12-31' }, opensAt: 1, closesAt: 2 }],
    },
    { id: 'ev2', title: { ko: '', en: '' }, state: 'prequeue', timeZone: 'UTC', prequeueOpensAt: 0.5, opensAt: 1, closesAt: 2, cohorts: [] },
  ],
};

const secret = 'S'.repeat(43);
/** The SDK's stored shapes and the reservation handler's answers it reads. */
const SHAPES: [string, z.ZodType, JsonSchema, unknown[]][] = [
  [
    'stored ticket',
    StoredTicket,
    STORED_TICKET,
    [
      { eventId: 'ev', ticket: token, ticketNo: 3, secret, joinedAhead: null },
      { eventId: 'ev', ticketNo: 3, secret, joinedAhead: 2.5, grant: token, grantExpiresAt: 9, bookingUrl: 'http://x/b', serverOffsetMs: -40, booked: 'R-1' },
    ],
  ],
  [
    'hand-off',
    Handoff,
    HANDOFF,
    [{ eventId: 'ev', ticketNo: 1, grant: token, secret, bookingUrl: 'https://book.example/api/events/ev/bookings', expiresAt: 5, serverOffsetMs: 0 }],
  ],
  ['device record', DeviceEntry, DEVICE_ENTRY, [{ key: secret }, { key: secret, joining: { ev: secret, other: 'x' } }]],
  [
    'booking answer',
    BookingResponse,
    BOOKING_RESPONSE,
    [
      {
        booking: { reference: 'R-1', eventId: 'ev', ticketNo: 4, centerId: 'c1', slotId: 's1', name: '김민준', birthDate: '1970-01-01', bookedAt: 9 },
        repeated: false,
      },
    ],
  ],
  ['booking refusal', BookingError, BOOKING_ERROR, [{ error: { code: 'SLOT_FULL', message: 'full' } }]],
  [
    'availability',
    AvailabilityResponse,
    AVAILABILITY_RESPONSE,
    [
      {
        eventId: 'ev',
        centers: [
          { centerId: 'c1', name: 'C', slots: [{ slotId: 's1', label: '09:00', capacity: 5, remaining: 3 }] },
          { centerId: 'c2', name: 'D', slots: [] },
        ],
      },
    ],
  ],
];

/** Values at the edges of what the schemas allow, and a few that no schema allows. */
const EDGES: unknown[] = [
  0,
  -0,
  1,
  -1,
  0.5,
  2 ** 31,
  2 ** 31 + 1,
  2 ** 32 - 1,
  2 ** 32,
  2 ** 53 - 1,
  2 ** 53,
  Number.MAX_VALUE,
  Infinity,
  -Infinity,
  NaN,
  '',
  'a',
  'A',
  '-a',
  'a-b',
  'ev',
  'x'.repeat(64),
  'x'.repeat(65),
  'x'.repeat(500),
  'x'.repeat(501),
  'x'.repeat(1024),
  'x'.repeat(1025),
  hash22,
  `${hash22}x`,
  hash22.slice(1),
  'open',
  'closed',
  'paused',
  'prequeue',
  'shut',
  ErrorCode.TICKET_USED,
  'NOPE',
  'hello',
  'ticket',
  'tick',
  'admitted',
  'error',
  'pong',
  'notice',
  'join',
  true,
  false,
  null,
  undefined,
  [],
  [0],
  [-1],
  [1.5],
  new Array(17).fill({ f: 0, w: 1, n: [] }),
  {},
  { f: 0, w: 1, n: [] },
  { f: 0, w: 0, n: [] },
  { ko: 'a', en: 'b' },
  { ko: 'a' },
  { from: 'a', to: 'b' },
  new Uint8Array(2),
  secret,
  'http://a',
  ' http://a/b ',
  'http://a\n/b\t',
  'https:/x',
  'not a url',
  'mailto:a@b',
  { ev: 1 },
  { ev: 'x' },
];

type Path = (string | number)[];

/** Every path to a value inside `value` (objects and arrays), the root included. */
function pathsOf(value: unknown, prefix: Path = []): Path[] {
  const paths: Path[] = [prefix];
  if (Array.isArray(value)) value.forEach((item, k) => paths.push(...pathsOf(item, [...prefix, k])));
  else if (typeof value === 'object' && value !== null && !(value instanceof Uint8Array))
    for (const [key, item] of Object.entries(value)) paths.push(...pathsOf(item, [...prefix, key]));
  return paths;
}

type Mutation = { kind: 'set'; value: unknown } | { kind: 'delete' } | { kind: 'add'; key: string; value: unknown };

function mutate(value: unknown, path: Path, mutation: Mutation): unknown {
  if (path.length === 0) {
    if (mutation.kind === 'set') return mutation.value;
    if (mutation.kind === 'add' && typeof value === 'object' && value !== null && !Array.isArray(value)) return { ...value, [mutation.key]: mutation.value };
    return mutation.kind === 'delete' ? undefined : value;
  }
  const [head, ...rest] = path;
  if (Array.isArray(value)) {
    const copy = [...value];
    if (rest.length === 0 && mutation.kind === 'delete') copy.splice(head as number, 1);
    else copy[head as number] = mutate(copy[head as number], rest, mutation);
    return copy;
  }
  const copy = { ...(value as Record<string, unknown>) };
  if (rest.length === 0 && mutation.kind === 'delete') delete copy[head as string];
  else copy[head as string] = mutate(copy[head as string], rest, mutation);
  return copy;
}

const mutation: fc.Arbitrary<Mutation> = fc.oneof(
  fc.record({ kind: fc.constant('set' as const), value: fc.oneof(fc.constantFrom(...EDGES), fc.anything({ maxDepth: 2 })) }),
  fc.constant({ kind: 'delete' as const }),
  fc.record({
    kind: fc.constant('add' as const),
    key: fc.oneof(fc.constantFrom('rid', 'd', 'dn', 'extra', '__proto__', 'retryAt'), fc.string()),
    value: fc.constantFrom(...EDGES),
  }),
);

function mutated(seeds: unknown[]): fc.Arbitrary<unknown> {
  return fc
    .constantFrom(...seeds)
    .chain((seed) => fc.tuple(fc.constant(seed), fc.constantFrom(...pathsOf(seed)), fc.array(mutation, { minLength: 1, maxLength: 3 })))
    .map(([seed, path, mutations]) => mutations.reduce((value, m) => mutate(value, path, m), seed));
}

function expectAgreement(zodSchema: z.ZodType, lean: JsonSchema, value: unknown): void {
  const byZod = zodSchema.safeParse(value);
  const byLean = check(lean, value);
  expect(byLean.ok, `zod ${byZod.success ? 'accepts' : 'refuses'} ${JSON.stringify(value)}`).toBe(byZod.success);
  if (byZod.success && byLean.ok) expect(byLean.value).toStrictEqual(byZod.data);
}

describe('lean check agrees with zod', () => {
  it('accepts every valid server frame and the tick vectors, with the same result', () => {
    for (const frame of VALID_FRAMES) {
      expect(ServerMessage.safeParse(frame).success).toBe(true);
      expectAgreement(ServerMessage, SERVER_MESSAGE, frame);
    }
    expectAgreement(GatewayInfo, GATEWAY_INFO, INFO);
  });

  it('accepts and refuses mutated server frames exactly as zod does', () => {
    fc.assert(
      fc.property(mutated(VALID_FRAMES), (value) => expectAgreement(ServerMessage, SERVER_MESSAGE, value)),
      { seed: SEED, numRuns: RUNS },
    );
  });

  it('accepts and refuses mutated /api/info answers exactly as zod does', () => {
    fc.assert(
      fc.property(mutated([INFO]), (value) => expectAgreement(GatewayInfo, GATEWAY_INFO, value)),
      { seed: SEED, numRuns: RUNS / 4 },
    );
  });

  it.each(SHAPES)('accepts and refuses mutated %s entries exactly as zod does', (_, zodSchema, lean, seeds) => {
    for (const seed of seeds) expect(zodSchema.safeParse(seed).success).toBe(true);
    fc.assert(
      fc.property(mutated(seeds), (value) => expectAgreement(zodSchema, lean, value)),
      { seed: SEED, numRuns: RUNS / 4 },
    );
  });

  it('decodes msgpack frames to what the zod codec decodes, and refuses what it refuses', () => {
    fc.assert(
      fc.property(mutated(VALID_FRAMES), (value) => {
        const bytes = encode(value);
        const byZod = zodDecode(bytes);
        const byLean = leanDecode(bytes);
        expect(byLean.ok).toBe(byZod.ok);
        if (byZod.ok && byLean.ok) expect(byLean.message).toStrictEqual(byZod.message);
        if (!byLean.ok) expect(byLean.code).toBe(ErrorCode.INVALID_MESSAGE);
      }),
      { seed: SEED, numRuns: RUNS / 4 },
    );
    expect(leanDecode(new Uint8Array([0xc1]))).toMatchObject({ ok: false, code: ErrorCode.INVALID_MESSAGE });
  });
});
