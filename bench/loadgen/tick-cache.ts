/**
 * The tick frame is broadcast identical to every waiter of an event, so a
 * load generator decodes each distinct frame once: an incoming frame equal
 * (length, then bytes) to a recently decoded tick is that tick. Keep one
 * cache per gateway: each broadcasts its own frame.
 *
 * It also times each frame's arrival across this process's clients: from the
 * first copy to the last (the gateway's send loop and this process's reading
 * of every socket, together), kept when the frame leaves the cache.
 */
import type { TickMessage } from '../../shared/protocol/messages.js';

const SLOTS = 4;
const MAX_SPREADS = 10_000;

export class TickCache {
  private readonly frames: (Buffer | null)[] = new Array(SLOTS).fill(null);
  private readonly ticks: (TickMessage | null)[] = new Array(SLOTS).fill(null);
  private readonly firstAt = new Float64Array(SLOTS);
  private readonly lastAt = new Float64Array(SLOTS);
  private readonly copies = new Uint32Array(SLOTS);
  private newest = 0;
  /** Frames found here, and frames looked up in vain (then decoded: ticks and every other message). */
  hits = 0;
  misses = 0;
  /** First to last arrival of each frame that left the cache having reached `minCopies` clients, ms. */
  readonly spreads: number[] = [];

  constructor(private readonly minCopies = 2) {}

  /** The tick these bytes encode, if they are a frame already decoded. */
  lookup(data: Buffer, now: number): TickMessage | null {
    for (let k = 0; k < SLOTS; k++) {
      const slot = (this.newest - k + SLOTS) % SLOTS;
      const frame = this.frames[slot];
      if (frame && frame.length === data.length && frame.equals(data)) {
        this.hits++;
        this.lastAt[slot] = now;
        this.copies[slot]!++;
        return this.ticks[slot]!;
      }
    }
    this.misses++;
    return null;
  }

  /** Keeps a copy of `data` (which may be a view of a reused read buffer) as the frame of `tick`. */
  remember(data: Buffer, tick: TickMessage, now: number): void {
    this.newest = (this.newest + 1) % SLOTS;
    const slot = this.newest;
    if (this.frames[slot] && this.copies[slot]! >= this.minCopies && this.spreads.length < MAX_SPREADS) {
      this.spreads.push(this.lastAt[slot]! - this.firstAt[slot]!);
    }
    this.frames[slot] = Buffer.from(data);
    this.ticks[slot] = tick;
    this.firstAt[slot] = now;
    this.lastAt[slot] = now;
    this.copies[slot] = 1;
  }
}
