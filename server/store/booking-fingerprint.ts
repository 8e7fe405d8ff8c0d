/** What makes a repeated booking request "the same request": same grant, person and slot. */
export function bookingFingerprint(personKey: string, centerId: string, slotId: string): string {
  return `${personKey}|${slotKey(centerId, slotId)}`;
}

export function slotKey(centerId: string, slotId: string): string {
  return `${centerId}/${slotId}`;
}
