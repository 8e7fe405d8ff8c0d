/**
 * The person's contact for turn notices (docs/decisions/029-turn-notices.md):
 * a Web Push subscription and/or a phone number, sent to the gateway with a
 * `turn-contact` message once per ticket held (the store keeps it for the
 * event), and again when it changes. The answer or refusal comes back as the
 * client's `turnContact` event.
 */
import type { ClientMessage, ErrorMessage, ServerMessage } from '../../shared/protocol/index.js';
import type { TurnContactEvent } from './events.js';

export type TurnContact = Omit<Extract<ClientMessage, { type: 'turn-contact' }>, 'type' | 'rid'>;

/** Request ids of turn-contact messages: their own range, so they never match a join's or resume's. */
const FIRST_RID = 1 << 30;

export class TurnContactSender {
  private contact: TurnContact | null = null;
  /** The ticket the current contact was sent for. */
  private sentFor: number | null = null;
  private rid = FIRST_RID;
  private ticketNo: number | null = null;

  constructor(
    private readonly send: (message: ClientMessage) => void,
    private readonly report: (event: TurnContactEvent) => void,
  ) {}

  /** The contact to keep (null: none); sent at once when a ticket is held. */
  set(contact: TurnContact | null): void {
    this.contact = contact;
    this.sentFor = null;
    this.flush();
  }

  /** This connection holds `ticketNo` now (joined or resumed). */
  held(ticketNo: number): void {
    this.ticketNo = ticketNo;
    this.flush();
  }

  /** The connection was lost: the next ticket held sends again only if the contact was never answered. */
  dropped(): void {
    this.ticketNo = null;
  }

  /** Handles the answer to a turn-contact message; false for any other message. */
  answer(message: ServerMessage): boolean {
    if (message.type === 'turn-contact-saved') {
      this.report({ saved: true, push: message.push, phone: message.phone });
      return true;
    }
    if (message.type !== 'error' || message.rid === undefined || message.rid < FIRST_RID) return false;
    this.refused(message);
    return true;
  }

  private refused(error: ErrorMessage): void {
    this.sentFor = null;
    this.report({ saved: false, code: error.code, message: error.message });
  }

  private flush(): void {
    if (!this.contact || this.ticketNo === null || this.sentFor === this.ticketNo) return;
    this.sentFor = this.ticketNo;
    this.send({ type: 'turn-contact', rid: ++this.rid, ...this.contact });
  }
}
