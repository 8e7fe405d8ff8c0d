/**
 * A ticket's contact for turn notices as the store keeps it (JSON): the Web
 * Push subscription and/or the phone number the person left, and the language
 * to speak to them in. Written by the gateway from a checked `turn-contact`
 * message and checked again when read back, so nothing unchecked is sent.
 */
import { z } from 'zod';
import { NoticeLanguage, PhoneNumber, PushSubscriptionJson } from '../../../shared/protocol/messages.js';

export const TurnContact = z.object({ push: PushSubscriptionJson.optional(), phone: PhoneNumber.optional(), lang: NoticeLanguage });
export type TurnContact = z.infer<typeof TurnContact>;

export function readContact(stored: string): TurnContact | null {
  try {
    const parsed = TurnContact.safeParse(JSON.parse(stored));
    return parsed.success ? parsed.data : null;
  } catch {
    return null;
  }
}

/** Whether the subscription's endpoint is at one of the configured push services (`https://*.host` matches its subdomains). */
export function atPushService(endpoint: string, services: readonly string[]): boolean {
  const { protocol, host } = new URL(endpoint);
  return services.some((service) => {
    const wild = service.indexOf('://*.');
    if (wild < 0) return new URL(service).origin === `${protocol}//${host}`;
    return service.slice(0, wild + 1) === protocol && host.endsWith(`.${service.slice(wild + 5)}`);
  });
}
