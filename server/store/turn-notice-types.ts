/**
 * The store contract for turn notices (docs/decisions/029-turn-notices.md): a
 * person's contact for the turn notices of one ticket (a Web Push subscription,
 * a phone number), kept for the event only, and the claim that sends each
 * notice of a ticket once however many gateways see the turn. The contact is
 * opaque here (JSON the gateway wrote and checks again when it reads it).
 */

/** "Your turn is near" (within the configured distance) and "your turn has come". */
export type TurnNoticeKind = 'near' | 'turn';

export interface ClaimedContact {
  ticketNo: number;
  contact: string;
}

export interface TurnNoticeStore {
  /** Keeps the ticket's contact (replacing an earlier one) until `keepUntil` at the latest: the event's end. */
  saveContact(eventId: string, ticketNo: number, contact: string, keepUntil: number, now: number): Promise<void>;
  /**
   * Of `ticketNos`, those that left a contact and whose `kind` notice nobody has claimed: claimed now,
   * by this call only, until `claimUntil`; returned with their contact. One round trip; tickets without
   * a contact cost a lookup and leave nothing behind.
   */
  claimNotices(eventId: string, kind: TurnNoticeKind, ticketNos: readonly number[], claimUntil: number, now: number): Promise<ClaimedContact[]>;
  /** Forgets these tickets' contacts (their last notice went out, or they will get none). */
  dropContacts(eventId: string, ticketNos: readonly number[]): Promise<void>;
}
