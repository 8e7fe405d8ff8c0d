/**
 * The peers bench's frame (bench/peers/stamp.ts): every peer delivers a frame
 * of the gateway's tick size with its send time inside, whatever envelope the
 * peer wraps around it.
 */
import { describe, expect, it } from 'vitest';
import { readStamp, stampedText } from '../../bench/peers/stamp.js';
import { SoketiServer } from '../../bench/peers/soketi.js';

describe('the stamped peer frame', () => {
  it('has exactly the size asked for and carries its time to the microsecond', () => {
    const t = 1_764_806_400_123.457;
    for (const bytes of [40, 210, 379, 4096]) {
      const text = stampedText(t, bytes);
      expect(text.length).toBe(bytes);
      expect(readStamp(Buffer.from(text))).toBeCloseTo(t, 3);
    }
  });

  it('is read inside a Pusher event of the same total size', () => {
    const t = 1_764_806_400_000.5;
    const frameBytes = 210;
    const delivered = SoketiServer.delivered(stampedText(t, frameBytes - SoketiServer.delivered('').length));
    expect(Buffer.byteLength(delivered)).toBe(frameBytes);
    expect(readStamp(Buffer.from(delivered))).toBeCloseTo(t, 3);
  });

  it("finds no stamp in a peer's own messages", () => {
    const established = JSON.stringify({ event: 'pusher:connection_established', data: JSON.stringify({ socket_id: '1234.5678', activity_timeout: 30 }) });
    expect(readStamp(Buffer.from(established))).toBeNull();
    expect(readStamp(Buffer.from('~t=~xxxx'))).toBeNull();
  });
});
