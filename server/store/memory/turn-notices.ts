/** Turn notice contacts and claims in memory (../turn-notice-types.ts): both expire by the caller's clock. */
import type { ClaimedContact, TurnNoticeKind, TurnNoticeStore } from '../turn-notice-types.js';
import { ExpiringMap } from './expiring-map.js';

export class MemoryTurnNotices implements TurnNoticeStore {
  private readonly contacts = new ExpiringMap<string>();
  private readonly claims = new ExpiringMap<true>();

  async saveContact(eventId: string, ticketNo: number, contact: string, keepUntil: number, now: number): Promise<void> {
    this.contacts.set(`${eventId}/${ticketNo}`, contact, keepUntil, now);
  }

  async claimNotices(eventId: string, kind: TurnNoticeKind, ticketNos: readonly number[], claimUntil: number, now: number): Promise<ClaimedContact[]> {
    const won: ClaimedContact[] = [];
    for (const ticketNo of ticketNos) {
      const contact = this.contacts.get(`${eventId}/${ticketNo}`, now);
      const claim = `${eventId}/${kind}/${ticketNo}`;
      if (contact === undefined || this.claims.get(claim, now)) continue;
      this.claims.set(claim, true, claimUntil, now);
      won.push({ ticketNo, contact });
    }
    return won;
  }

  async dropContacts(eventId: string, ticketNos: readonly number[]): Promise<void> {
    for (const ticketNo of ticketNos) this.contacts.delete(`${eventId}/${ticketNo}`);
  }
}
