/**
 * What one turn notice says, the same for every channel: the push payload the
 * service worker turns into a notification (client/service-worker/), and the
 * webhook body a messaging provider turns into its text or template.
 */
import type { TurnNoticeKind } from '../../store/types.js';

export interface TurnNoticePayload {
  kind: TurnNoticeKind;
  eventId: string;
  title: { ko: string; en: string };
  lang: 'ko' | 'en';
  /** `near`: people ahead when it was sent. */
  peopleAhead?: number;
  /** `turn`, admitted: seconds left on the grant when it was sent. */
  grantSeconds?: number;
  /** `turn`, but the person was away past the grace period: they go first as soon as the page is opened again. */
  passed?: boolean;
  /** The page that continues from here (the waiting page of the event, which resumes and moves on to booking). */
  url: string;
  /** When the gateway sent it (ms since the Unix epoch). */
  sentAt: number;
}
