/**
 * The waiting page's side of the turn contact: the push subscription and the
 * phone number the person left, sent together through the SDK
 * (client.setTurnContact); each change resolves with the gateway's answer.
 */
import type { Language } from '../i18n/index.js';
import type { WaitroomClient } from '../sdk/client.js';
import type { TurnContactEvent } from '../sdk/events.js';

type Push = { endpoint: string; keys: { p256dh: string; auth: string } };

export class PageTurnContact {
  private push: Push | null = null;
  private phone: string | null = null;
  private waiting: ((answer: TurnContactEvent) => void)[] = [];

  constructor(
    private readonly client: WaitroomClient,
    private readonly language: () => Language,
  ) {
    client.on('turnContact', (answer) => {
      for (const resolve of this.waiting.splice(0)) resolve(answer);
    });
  }

  /** True once the gateway took the subscription. */
  async setPush(subscription: PushSubscriptionJSON): Promise<boolean> {
    const { endpoint, keys } = subscription;
    if (!endpoint || !keys?.p256dh || !keys.auth) return false;
    this.push = { endpoint, keys: { p256dh: keys.p256dh, auth: keys.auth } };
    const answer = await this.send();
    if (!answer.saved) this.push = null;
    return answer.saved && answer.push;
  }

  /** E.164 (./phone-number.ts); null forgets it. */
  setPhone(phone: string | null): Promise<TurnContactEvent> {
    this.phone = phone;
    return this.send();
  }

  private send(): Promise<TurnContactEvent> {
    const answer = new Promise<TurnContactEvent>((resolve) => this.waiting.push(resolve));
    const contact = { ...(this.push ? { push: this.push } : {}), ...(this.phone ? { phone: this.phone } : {}), lang: this.language() };
    this.client.setTurnContact(contact);
    return answer;
  }
}
