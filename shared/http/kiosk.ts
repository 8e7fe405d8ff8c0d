/**
 * `GET /api/kiosk?event=ID&center=CID` (docs/protocol.md §10): what a
 * vaccination centre's kiosk shows. The gateway writes it, the kiosk page reads it.
 */
import { z } from 'zod';
import { CenterAvailability } from '../booking/api.js';
import { EventState } from '../protocol/messages.js';
import { LocalText } from './local-text.js';

const count = z.number().int().nonnegative();

export const KioskResponse = z.object({
  /** Server time of the figures, ms since the Unix epoch. */
  now: z.number(),
  event: z.object({ id: z.string(), title: LocalText, state: EventState, timeZone: z.string() }),
  /** People waiting in the whole event as of the node's last tick (the metric waitroom_queue_waiting). */
  waiting: count,
  admittedPerMinute: z.number().nonnegative(),
  /** For someone joining now; null while the rate is unknown. */
  estimatedWaitSeconds: z.number().nonnegative().nullable(),
  center: CenterAvailability,
  /** The event's priority lanes anyone joined (docs/decisions/031): people waiting in each and the wait of someone joining it now. */
  lanes: z.array(z.object({ id: z.string(), name: LocalText, waiting: count, estimatedWaitSeconds: z.number().nonnegative().nullable() })),
});
export type KioskResponse = z.infer<typeof KioskResponse>;
