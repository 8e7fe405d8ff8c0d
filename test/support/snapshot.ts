/** What a tick would carry for these store figures: the input of peopleAhead in store-level tests. */
import type { TickMessage } from '../../shared/protocol/messages.js';
import type { QueueSnapshot } from '../../shared/queue/position.js';
import { leftSegments } from '../../server/gateway/event-ticker.js';
import type { QueueFigures } from '../../server/store/types.js';

export function snapshotOf(figures: QueueFigures, st: TickMessage['st'] = 'open'): QueueSnapshot {
  return {
    st,
    c: figures.cursor,
    i: figures.issued,
    q: figures.requeued,
    r: figures.ratePerMinute,
    l: leftSegments(figures.left),
    ...(figures.draw ? { dn: figures.draw.size, ds: figures.draw.seed } : {}),
  };
}
