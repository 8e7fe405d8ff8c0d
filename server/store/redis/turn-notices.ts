/**
 * Turn notice contacts and claims in Redis (../turn-notice-types.ts): one hash
 * of contacts per event and a SET NX claim per ticket and notice kind, all in
 * the event's hash tag (Redis Cluster runs the claim script on its shard), all
 * expiring at the event's end.
 */
import type { ClaimedContact, TurnNoticeKind, TurnNoticeStore } from '../turn-notice-types.js';
import type { RedisConnection } from './client.js';
import { turnNoticeKeys } from './keys.js';
import type { Scripts } from './scripts.js';

export class RedisTurnNotices implements TurnNoticeStore {
  constructor(
    private readonly client: RedisConnection,
    private readonly scripts: Scripts,
    private readonly prefix: string,
  ) {}

  async saveContact(eventId: string, ticketNo: number, contact: string, keepUntil: number): Promise<void> {
    await this.scripts.run('contact-save', [turnNoticeKeys(this.prefix, eventId).contacts], [ticketNo, contact, Math.round(keepUntil)]);
  }

  async claimNotices(eventId: string, kind: TurnNoticeKind, ticketNos: readonly number[], claimUntil: number): Promise<ClaimedContact[]> {
    if (ticketNos.length === 0) return [];
    const k = turnNoticeKeys(this.prefix, eventId);
    const keys = [k.contacts, ...ticketNos.map((ticketNo) => k.claim(kind, ticketNo))];
    const reply = (await this.scripts.run('notice-claim', keys, [Math.round(claimUntil), ...ticketNos])) as string[];
    const won: ClaimedContact[] = [];
    for (let i = 0; i + 1 < reply.length; i += 2) won.push({ ticketNo: Number(reply[i]), contact: String(reply[i + 1]) });
    return won;
  }

  async dropContacts(eventId: string, ticketNos: readonly number[]): Promise<void> {
    if (ticketNos.length > 0) await this.client.hDel(turnNoticeKeys(this.prefix, eventId).contacts, ticketNos.map(String));
  }
}
