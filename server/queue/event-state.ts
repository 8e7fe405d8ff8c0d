/** What state an event is in, from its configured window, the clock and the operator's pause. */
import type { EventState } from '../../shared/protocol/messages.js';
import type { EventConfig } from '../config/event-schema.js';

export function eventState(event: Pick<EventConfig, 'opensAt' | 'closesAt'>, now: number, paused: boolean): EventState {
  if (now >= event.closesAt) return 'closed';
  if (now < event.opensAt) return 'prequeue';
  return paused ? 'paused' : 'open';
}
