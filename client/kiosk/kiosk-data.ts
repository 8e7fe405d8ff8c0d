/** What `GET /api/kiosk?event=…&center=…` answers, checked before anything is shown. */
import { z } from 'zod';
import { CenterAvailability } from '../../shared/booking/api.js';
import { EventState } from '../../shared/protocol/messages.js';
import { RequestError } from '../common/fetch-json.js';

const count = z.number().int().nonnegative();

export const KioskData = z.object({
  /** Server time of the figures, ms since the Unix epoch. */
  now: z.number(),
  event: z.object({
    id: z.string(),
    title: z.object({ ko: z.string(), en: z.string() }),
    state: EventState,
    timeZone: z.string(),
  }),
  waiting: count,
  admittedPerMinute: z.number().nonnegative(),
  /** For someone joining now; null while the rate is unknown. */
  estimatedWaitSeconds: z.number().nonnegative().nullable(),
  center: CenterAvailability,
});
export type KioskData = z.infer<typeof KioskData>;

/** The answer as KioskData, or a BAD_RESPONSE error naming the first thing wrong with it. */
export function readKioskData(body: unknown): KioskData {
  const parsed = KioskData.safeParse(body);
  if (parsed.success) return parsed.data;
  const issue = parsed.error.issues[0];
  throw new RequestError(200, 'BAD_RESPONSE', `unexpected kiosk data at ${issue?.path.join('.') || '(root)'}: ${issue?.message ?? 'invalid'}`);
}
