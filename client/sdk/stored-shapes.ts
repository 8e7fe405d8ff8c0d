/**
 * What the SDK keeps in browser storage and hands to the booking page, as zod
 * schemas: the one definition of each shape. The browser bundle never imports
 * this file's values (only its types): it checks stored data against the JSON
 * Schema derived from these (shared/lean/schemas.generated.ts, `npm run
 * schemas`), so phones do not download zod (docs/decisions/022-page-weight.md).
 */
import { z } from 'zod';

/** The ticket entry (storage.ts), one per event. */
export const StoredTicket = z.object({
  eventId: z.string(),
  /** Absent where only the hand-off arrived (handoff.ts): that page cannot resume the place, only book. */
  ticket: z.string().optional(),
  ticketNo: z.number().int().positive(),
  secret: z.string(),
  /** People ahead at the first tick after joining: where the progress bar starts. */
  joinedAhead: z.number().nonnegative().nullable(),
  grant: z.string().optional(),
  /** When the grant expires, by the server's clock (ms). */
  grantExpiresAt: z.number().optional(),
  /** Where the grant is presented: `<reservationsUrl>/api/events/<eventId>/bookings`. */
  bookingUrl: z.string().optional(),
  /** Server clock minus this device's clock (ms), so countdowns follow the server. */
  serverOffsetMs: z.number().default(0),
  /** Booking reference, once booked. */
  booked: z.string().optional(),
  /** The recovery code this device shows for the ticket (docs/decisions/030-recovery-code.md), once it showed one. */
  recoveryCode: z.string().optional(),
});
export type StoredTicket = z.infer<typeof StoredTicket>;

/** The hand-off to the booking page (handoff.ts). */
export const Handoff = z.object({
  eventId: z.string().min(1),
  ticketNo: z.number().int().positive(),
  grant: z.string().min(1),
  secret: z.string().regex(/^[A-Za-z0-9_-]{43}$/),
  /** POST the booking here (`<reservationsUrl>/api/events/<eventId>/bookings`). */
  bookingUrl: z.string().url(),
  /** Grant expiry by the server's clock (ms). */
  expiresAt: z.number(),
  /** Server clock minus the waiting device's clock (ms). */
  serverOffsetMs: z.number(),
});
export type Handoff = z.infer<typeof Handoff>;

/** The device record (device.ts). */
export const DeviceEntry = z.object({
  key: z.string().regex(/^[A-Za-z0-9_-]{43}$/),
  /** Secret of the join in flight, per event (the stored ticket keeps its own once issued). */
  joining: z.record(z.string(), z.string()).default({}),
});
export type DeviceEntry = z.infer<typeof DeviceEntry>;
