/**
 * The tick frame is broadcast identical to every waiter of an event, so a
 * load generator decodes each distinct frame once: an incoming frame equal
 * (length, then bytes) to a recently decoded tick is that tick. Keep one
 * cache per gateway: each broadcasts its own frame.
 */
import type { TickMessage } from '../../shared/protocol/messages.js';

const SLOTS = 4;

export class TickCache {
  private readonly frames: (Buffer | null)[] = new Array(SLOTS).fill(null);
  private readonly ticks: (TickMessage | null)[] = new Array(SLOTS).fill(null);
  private newest = 0;
  /** Frames found here, and frames looked up in vain (then decoded: ticks and every other message). */
  hits = 0;
  misses = 0;

  /** The tick these bytes encode, if they are a frame already decoded. */
  lookup(data: Buffer): TickMessage | null {
    for (let k = 0; k < SLOTS; k++) {
      const slot = (this.newest - k + SLOTS) % SLOTS;
      const frame = this.frames[slot];
      if (frame && frame.length === data.length && frame.equals(data)) {
        this.hits++;
        return this.ticks[slot]!;
      }
    }
    this.misses++;
    return null;
  }

  /** Keeps a copy of `data` (which may be a view of a reused read buffer) as the frame of `tick`. */
  remember(data: Buffer, tick: TickMessage): void {
    this.newest = (this.newest + 1) % SLOTS;
    this.frames[this.newest] = Buffer.from(data);
    this.ticks[this.newest] = tick;
  }
}
