/**
 * The notification a turn notice's push payload becomes (server/gateway/turn-notices/payload.ts),
 * in the language the person used: the texts are the pages' own (client/i18n/).
 */
import { dictionaries, formatDuration } from '../i18n/index.js';

export interface ShownNotice {
  title: string;
  body: string;
  tag: string;
  url: string;
  /** A turn stays on screen until the person acts; "near" may go away by itself. */
  requireInteraction: boolean;
  lang: 'ko' | 'en';
}

/** The notification for a push payload's text; null when it is not a turn notice (nothing is shown for it). */
export function noticeFor(text: string | undefined): ShownNotice | null {
  let payload: Record<string, unknown>;
  try {
    payload = JSON.parse(text ?? '') as Record<string, unknown>;
  } catch {
    return null;
  }
  const { kind, eventId, url } = payload;
  if ((kind !== 'near' && kind !== 'turn') || typeof eventId !== 'string' || typeof url !== 'string') return null;
  const lang = payload.lang === 'en' ? 'en' : 'ko';
  const texts = dictionaries[lang];
  const event = (payload.title as Record<string, unknown> | undefined)?.[lang];
  const heading = kind === 'near' ? texts.noticeNearTitle : texts.turnHeading;
  const body =
    kind === 'near'
      ? texts.noticeNearBody(Number(payload.peopleAhead) || 0)
      : payload.passed === true
        ? texts.noticePassedBody
        : texts.noticeTurnBody(formatDuration(Number(payload.grantSeconds) || 0, texts));
  return {
    title: typeof event === 'string' ? `${heading} – ${event}` : heading,
    body,
    tag: `waitroom-${kind}-${eventId}`,
    url,
    requireInteraction: kind === 'turn',
    lang,
  };
}
