/** A gateway's turn notices, from its configuration: Web Push with keys.vapid, text messages with gateway.turnNotices.webhook. */
import type { Clock } from '../../clock.js';
import { keyText } from '../../config/keys.js';
import type { WaitroomConfig } from '../../config/schema.js';
import type { GatewayMetrics } from '../../observability/metrics.js';
import type { Logger } from '../../observability/log.js';
import type { QueueStore, TurnNoticeStore } from '../../store/types.js';
import { PhoneSender } from './phone-sender.js';
import { PushSender } from './push-sender.js';
import { TurnNotices } from './turn-notices.js';

export { TurnNotices } from './turn-notices.js';

export interface TurnNoticeServices {
  config: Readonly<WaitroomConfig>;
  store: TurnNoticeStore;
  queue: QueueStore;
  clock: Clock;
  log: Logger;
  metrics: GatewayMetrics;
}

export function createTurnNotices({ config, store, queue, clock, log, metrics }: TurnNoticeServices): TurnNotices {
  const settings = config.gateway.turnNotices;
  const vapid = config.keys.vapid;
  const push = vapid ? new PushSender({ ...vapid, privateKey: keyText(vapid.privateKey).trim() }, settings.pushTtlSeconds) : null;
  const webhook = settings.webhook;
  const phone = webhook ? new PhoneSender({ ...webhook, secret: keyText(webhook.secret).trim() }, clock) : null;
  const origin = config.gateway.publicUrl ?? '';
  return new TurnNotices({ settings, store, queue, push, phone, clock, log, metrics, pageUrl: (eventId) => `${origin}/?event=${encodeURIComponent(eventId)}` });
}
