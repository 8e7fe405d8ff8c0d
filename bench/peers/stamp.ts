/**
 * The peers' frame: ASCII text carrying its send time, padded to a chosen
 * size, so every peer delivers a frame of the gateway's tick size and the load
 * generator reads the lag from it whatever envelope the peer puts around it
 * (Pusher's JSON event, Nchan's bare message body).
 *
 *   ~t=1733275200123.456~xxxxxxxx…
 */

export const STAMP = '~t=';
const STAMP_BYTES = Buffer.from(STAMP);
const DOT = 0x2e;
const ZERO = 0x30;

/** Text of exactly `bytes` characters (or the bare stamp when that is longer) stamped with `t` (ms since the epoch). */
export function stampedText(t: number, bytes: number): string {
  const stamp = `${STAMP}${t.toFixed(3)}~`;
  return stamp + 'x'.repeat(Math.max(0, bytes - stamp.length));
}

/** The send time in a received frame, or null when it carries no stamp (a peer's own protocol messages). */
export function readStamp(data: Buffer): number | null {
  const at = data.indexOf(STAMP_BYTES);
  if (at < 0) return null;
  let whole = 0;
  let fraction = 0;
  let scale = 0;
  let digits = 0;
  for (let i = at + STAMP_BYTES.length; i < data.length; i++) {
    const byte = data[i]!;
    if (byte === DOT && scale === 0) scale = 1;
    else if (byte >= ZERO && byte <= ZERO + 9) {
      digits++;
      if (scale === 0) whole = whole * 10 + (byte - ZERO);
      else fraction += (byte - ZERO) / 10 ** scale++;
    } else break;
  }
  return digits === 0 ? null : whole + fraction;
}
