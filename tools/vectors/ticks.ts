/**
 * Tick frames of a scripted queue, made by the real memory store and the
 * gateway's frame builder, with what every ticket computes from each frame
 * (docs/protocol.md §5): a pre-queue before its draw, the opening's draw,
 * leavers before and after it, a waiter gone past its grace, one whose turn
 * passed while away and who came back (requeued), and a queue long enough for
 * a second bucket width.
 */
import type { TickMessage } from '../../shared/protocol/messages.js';
import { drawOf, etaSeconds, peopleAhead, placesKnown } from '../../shared/queue/position.js';
import { placeOf } from '../../shared/queue/draw.js';
import { EventConfig } from '../../server/config/event-schema.js';
import { demoEvent } from '../../server/config/demo.js';
import type { EventRoom } from '../../server/gateway/context.js';
import { tickFrame } from '../../server/gateway/event-ticker.js';
import { createMemoryStores } from '../../server/store/memory/index.js';

export const TICKS_SEED = 0x5eed1234;
const START = Date.UTC(2026, 0, 15, 10, 0, 0);
const NODE = 1;

export interface TicketFigures {
  /** Ticket numbers 1 … i + 1 (the last one: someone joining now). */
  from: 1;
  /** placeOf(T, draw) per ticket; null before the draw (places unknown). */
  place: (number | null)[];
  ahead: number[];
  /** etaSeconds(frame, ahead); null when the frame gives no estimate. */
  eta: (number | null)[];
}

export interface TickVector {
  what: string;
  frame: TickMessage;
  tickets: TicketFigures;
}

/** What every ticket 1 … i + 1 computes from `frame`. */
export function ticketFigures(frame: TickMessage): TicketFigures {
  const draw = drawOf(frame);
  const numbers = Array.from({ length: frame.i + 1 }, (_, k) => k + 1);
  const ahead = numbers.map((n) => peopleAhead(frame, n));
  return {
    from: 1,
    place: numbers.map((n) => (placesKnown(frame) ? placeOf(n, draw) : null)),
    ahead,
    eta: ahead.map((a) => etaSeconds(frame, a)),
  };
}

export async function tickVectors(): Promise<TickVector[]> {
  const event = EventConfig.parse({
    ...demoEvent(START),
    id: 'vectors',
    prequeueOpensAt: START - 60_000,
    opensAt: START + 10_000,
    maxActive: 1000,
    admitsPerMinute: 600,
    graceSeconds: 5,
  });
  const room = { config: event } as EventRoom;
  const stores = createMemoryStores(() => TICKS_SEED);
  const queue = stores.queue;
  let now = START;
  const vectors: TickVector[] = [];
  const capture = async (what: string) => {
    const frame = tickFrame(room, await queue.figures(event.id, now, NODE), now, false);
    vectors.push({ what, frame, tickets: ticketFigures(frame) });
  };
  const step = () =>
    queue.admit(event.id, {
      now,
      holder: 'vectors',
      leaseMs: 5000,
      nodeTimeoutMs: 3_600_000,
      reapDeadNodes: false,
      admitting: now >= event.opensAt,
      opensAt: event.opensAt,
      maxActive: event.maxActive,
      admitsPerMinute: event.admitsPerMinute,
      graceMs: event.graceSeconds * 1000,
      grantTtlMs: event.grantTtlSeconds * 1000,
      maxSteps: 1000,
      ratePerMinute: event.admitsPerMinute,
    });

  await queue.joinBatch(event.id, 40, now, NODE, event.opensAt);
  await queue.leave(event.id, 5, now);
  await queue.leave(event.id, 12, now);
  await step();
  await capture(
    'pre-queue of 40 before the opening: no dn/ds, places unknown (place null), ahead counts earlier arrivals; tickets 5 and 12 left (deferred, not in l yet)',
  );

  now = event.opensAt;
  await step();
  await queue.joinBatch(event.id, 25, now, NODE, event.opensAt);
  await capture(
    'the opening: drawn (dn 40, ds the seed), a first burst admitted (admitsPerMinute / 60 = 10; the cursor also crosses a leaver), tickets 41–65 joined after the draw and keep their number as place; 5 and 12 counted at their drawn places',
  );

  await queue.disconnect(event.id, [ticketAtPlace(14), 60], now, NODE);
  await queue.leave(event.id, 50, now);
  await queue.leave(event.id, 3, now);
  now += 1000;
  await step();
  await capture(
    'one second on: ticket 50 and pre-queue ticket 3 left (counted at once, at their places); the ticket at place 14 and ticket 60 went away (still ahead during their 5 s grace)',
  );

  now += 1000;
  await step();
  now += 5000;
  await step();
  await queue.reconnect(event.id, ticketAtPlace(14), now, NODE);
  await capture(
    'grace over: ticket 60 counts as left; the ticket at place 14 was passed over while away and came back: requeued (q 1), ahead of everyone past the cursor',
  );

  await queue.joinBatch(event.id, 3300, now, NODE, event.opensAt);
  for (const n of [100, 101, 2000, 3100, 3200, 3333]) await queue.leave(event.id, n, now);
  now += 1000;
  await step();
  await capture('a longer queue: 3365 issued, leavers far back, so l carries 16-wide buckets near the cursor and 1024-wide ones behind');

  await stores.close();
  return vectors;

  function ticketAtPlace(place: number): number {
    for (let n = 1; n <= 40; n++) if (placeOf(n, { size: 40, seed: TICKS_SEED }) === place) return n;
    throw new Error(`no pre-queue ticket at place ${place}`);
  }
}
