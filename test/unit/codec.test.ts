import { describe, expect, it } from 'vitest';
import { decodeClientMessage, decodeServerMessage, encode } from '../../shared/protocol/codec.js';
import { CloseCode, ErrorCode, shouldReconnect } from '../../shared/protocol/codes.js';
import type { ClientMessage, ServerMessage } from '../../shared/protocol/messages.js';

const hash = 'ungWv48Bz-pBQUDeXa4iI7ADYaOWF3qctBD_YfIAFa0';

function msgpackString(text: string): number[] {
  return [0xa0 | text.length, ...Buffer.from(text)];
}

describe('client message round trip', () => {
  const messages: ClientMessage[] = [
    { type: 'join', rid: 1, eventId: 'vaccine-53', secretHash: hash, pk: hash },
    { type: 'join', eventId: 'a', secretHash: hash, pk: hash, device: hash, proof: 'p'.repeat(86) },
    { type: 'resume', rid: 2, ticket: 'wt1.k1.payload.sig', eventId: 'vaccine-53', proof: 'p'.repeat(86) },
    { type: 'resume', ticket: 'wt1.k1.payload.sig', proof: 'p'.repeat(86) },
    { type: 'leave', rid: 2 ** 31 },
    { type: 'leave' },
    { type: 'ping', rid: 0, t: 1_700_000_000_123.5 },
  ];

  it.each(messages)('decodes what it encodes: $type', (message) => {
    const bytes = encode(message);
    expect(bytes).toBeInstanceOf(Uint8Array);
    expect(decodeClientMessage(bytes)).toEqual({ ok: true, message });
  });

  it('drops unknown fields instead of passing them on', () => {
    const decoded = decodeClientMessage(encode({ type: 'ping', t: 5, junk: { deep: [1, { x: null }] }, __proto__x: 1 }));
    expect(decoded).toEqual({ ok: true, message: { type: 'ping', t: 5 } });
  });
});

describe('server message round trip', () => {
  it('decodes a tick and an error as encoded', () => {
    const tick: ServerMessage = { type: 'tick', e: 'demo', st: 'open', c: 10, i: 500, q: 2, r: 6.5, t: 1, l: [{ f: 0, w: 64, n: [0, 3] }], d: true };
    expect(decodeServerMessage(encode(tick))).toEqual({ ok: true, message: tick });
    const error: ServerMessage = { type: 'error', rid: 4, code: ErrorCode.EVENT_CLOSED, message: 'closed', retryable: false };
    expect(decodeServerMessage(encode(error))).toEqual({ ok: true, message: error });
  });

  it('rejects a server frame of an unknown type as invalid, having no list of known types', () => {
    expect(decodeServerMessage(encode({ type: 'shout' }))).toMatchObject({ ok: false, code: ErrorCode.INVALID_MESSAGE });
  });
});

describe('rejected client frames', () => {
  it('answers bytes that are not msgpack with INVALID_MESSAGE', () => {
    for (const bytes of [[], [0x92], [0x81], [0xdb, 0xff, 0xff, 0xff, 0xff], [0x82, ...msgpackString('type')]]) {
      expect(decodeClientMessage(new Uint8Array(bytes))).toEqual({ ok: false, code: ErrorCode.INVALID_MESSAGE, message: 'frame is not valid msgpack' });
    }
  });

  it('answers non-object frames with INVALID_MESSAGE and no rid', () => {
    for (const value of [42, null, 'join', [1, 2], true]) {
      const decoded = decodeClientMessage(encode(value));
      expect(decoded).toMatchObject({ ok: false, code: ErrorCode.INVALID_MESSAGE });
      expect(decoded.ok === false && decoded.rid).toBeUndefined();
    }
  });

  it('answers an unknown type with UNKNOWN_TYPE, echoing the rid', () => {
    expect(decodeClientMessage(encode({ type: 'shout', rid: 7 }))).toEqual({
      ok: false,
      code: ErrorCode.UNKNOWN_TYPE,
      message: 'unknown message type "shout"',
      rid: 7,
    });
    const long = decodeClientMessage(encode({ type: 'x'.repeat(5000) }));
    expect(long).toMatchObject({ ok: false, code: ErrorCode.UNKNOWN_TYPE });
    expect(long.ok === false && long.message.length).toBeLessThan(80);
  });

  it('answers a missing or non-string type with INVALID_MESSAGE', () => {
    expect(decodeClientMessage(encode({ rid: 3 }))).toMatchObject({ ok: false, code: ErrorCode.INVALID_MESSAGE, rid: 3 });
    expect(decodeClientMessage(encode({ type: 7, rid: 3 }))).toMatchObject({ ok: false, code: ErrorCode.INVALID_MESSAGE, rid: 3 });
  });

  it.each([
    [{ type: 'join', rid: 3, eventId: 5, secretHash: hash }, 'eventId'],
    [{ type: 'join', rid: 3, eventId: 'Bad Id', secretHash: hash }, 'eventId'],
    [{ type: 'join', rid: 3, eventId: 'demo', secretHash: 'short' }, 'secretHash'],
    [{ type: 'resume', rid: 3, ticket: '' }, 'ticket'],
    [{ type: 'resume', rid: 3, ticket: 't', eventId: 9 }, 'eventId'],
    [{ type: 'join', rid: 3, eventId: 'demo', secretHash: hash }, 'pk'],
    [{ type: 'resume', rid: 3, ticket: 't' }, 'proof'],
    [{ type: 'resume', rid: 3, ticket: 't', proof: 'p'.repeat(85) }, 'proof'],
    [{ type: 'ping', rid: 3, t: 'now' }, 't'],
    [{ type: 'ping', rid: 3 }, 't'],
    [{ type: 'ping', rid: 3, t: Infinity }, 't'],
  ])('answers wrong field types with INVALID_MESSAGE naming the path: %o', (frame, path) => {
    const decoded = decodeClientMessage(encode(frame));
    expect(decoded).toMatchObject({ ok: false, code: ErrorCode.INVALID_MESSAGE, rid: 3 });
    expect(decoded.ok === false && decoded.message.startsWith(`${path}: `)).toBe(true);
  });

  it('echoes the rid only when it is a valid request id', () => {
    for (const rid of [-1, 1.5, '3', 2 ** 31 + 1, null]) {
      const decoded = decodeClientMessage(encode({ type: 'ping', rid }));
      expect(decoded).toMatchObject({ ok: false, code: ErrorCode.INVALID_MESSAGE });
      expect(decoded.ok === false && decoded.rid).toBeUndefined();
    }
    const tooBig = decodeClientMessage(encode({ type: 'ping', t: 1, rid: 2 ** 40 }));
    expect(tooBig).toMatchObject({ ok: false, code: ErrorCode.INVALID_MESSAGE });
    expect(tooBig.ok === false && tooBig.message.startsWith('rid: ')).toBe(true);
  });

  it('handles huge numbers without throwing', () => {
    expect(decodeClientMessage(encode({ type: 'ping', t: 2n ** 64n - 1n }))).toEqual({ ok: true, message: { type: 'ping', t: 2 ** 64 } });
    expect(decodeClientMessage(encode({ type: 'ping', t: Number.MAX_VALUE }))).toMatchObject({ ok: true });
    expect(decodeClientMessage(encode({ type: 'join', eventId: 'demo', secretHash: hash, rid: 2n ** 63n }))).toMatchObject({
      ok: false,
      code: ErrorCode.INVALID_MESSAGE,
    });
  });

  it('never throws on deeply nested or random bytes', () => {
    const nested = new Uint8Array([0x82, ...msgpackString('type'), ...msgpackString('ping'), ...msgpackString('t'), ...new Array(100_000).fill(0x91), 0x01]);
    expect(decodeClientMessage(nested)).toMatchObject({ ok: false, code: ErrorCode.INVALID_MESSAGE });
    let seed = 12345;
    for (let k = 0; k < 2000; k++) {
      const bytes = Uint8Array.from({ length: 1 + (k % 40) }, () => (seed = (seed * 1103515245 + 12345) % 2 ** 31) >>> 23);
      const decoded = decodeClientMessage(bytes);
      expect(typeof decoded.ok).toBe('boolean');
      if (!decoded.ok) expect([ErrorCode.INVALID_MESSAGE, ErrorCode.UNKNOWN_TYPE]).toContain(decoded.code);
    }
  });
});

describe('shouldReconnect', () => {
  it('reconnects after the 4000–4099 codes and abnormal closes', () => {
    for (const code of [CloseCode.SHUTTING_DOWN, 4050, 4099, 1001, 1006, 1011]) {
      expect(shouldReconnect(code)).toBe(true);
    }
  });

  it('does not reconnect after terminal 4100–4199 codes, a normal close or a too-big frame', () => {
    for (const code of [CloseCode.PROTOCOL_VIOLATION, CloseCode.SUPERSEDED, 4150, 4199, CloseCode.NORMAL, CloseCode.MESSAGE_TOO_BIG]) {
      expect(shouldReconnect(code)).toBe(false);
    }
  });

  it('puts every named 4xxx close code in the range its behaviour says', () => {
    for (const code of Object.values(CloseCode).filter((c) => c >= 4000)) {
      expect(shouldReconnect(code)).toBe(code < 4100);
    }
  });
});
