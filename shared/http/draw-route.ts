/**
 * The route of an event's draw record (docs/protocol.md §10.2), apart from
 * its zod schema (./draw.ts) so the waiting page can fetch it without zod.
 */
export function drawRecordPath(eventId: string): string {
  return `/api/draw/${encodeURIComponent(eventId)}`;
}
