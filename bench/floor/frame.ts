/**
 * The floor's frame: a real `tick` message (it passes the protocol's schema,
 * so the load generator reads it as it reads a gateway's), padded with zero
 * leaver counts to a chosen size in bytes.
 */
import { encode } from '../../shared/protocol/codec.js';
import type { TickMessage } from '../../shared/protocol/messages.js';

export const FLOOR_EVENT = 'floor';
const COUNTS_PER_SEGMENT = 4096;

function tick(t: number, zeros: number): TickMessage {
  const l: TickMessage['l'] = [];
  for (let f = 0; zeros > 0 && l.length < 16; f += COUNTS_PER_SEGMENT) {
    const n = Math.min(zeros, COUNTS_PER_SEGMENT);
    l.push({ f, w: 1, n: new Array<number>(n).fill(0) });
    zeros -= n;
  }
  return { type: 'tick', e: FLOOR_EVENT, st: 'open', c: 0, i: 0, q: 0, r: 0, t, l };
}

/**
 * Encodes the tick of time `t` with as many zero counts as bring it closest to
 * `bytes` (never above, unless even the bare tick is larger). Its size does not
 * depend on `t`: epoch milliseconds are always a float64.
 */
export function floorFrame(t: number, bytes: number): Uint8Array {
  let zeros = Math.max(0, bytes - encode(tick(t, 0)).length);
  let frame = encode(tick(t, zeros));
  // Array headers grow by 2 bytes (fixarray → array16) and segments add a few: step back until it fits.
  while (frame.length > bytes && zeros > 0) {
    zeros -= Math.min(zeros, frame.length - bytes);
    frame = encode(tick(t, zeros));
  }
  return frame;
}
