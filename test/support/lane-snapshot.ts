/** What a tick would carry of one lane: the input of peopleAhead for a lane ticket in store-level tests. */
import { laneSnapshot } from '../../server/gateway/event-ticker.js';
import type { LaneFigures, QueueFigures } from '../../server/store/types.js';
import type { QueueSnapshot } from '../../shared/queue/position.js';

export function laneSnapshotOf(figures: QueueFigures, lane: LaneFigures): QueueSnapshot {
  return { ...laneSnapshot(lane), r: figures.ratePerMinute };
}
