/**
 * The turn notices of a gateway (docs/decisions/029-turn-notices.md). After
 * each tick of an event it takes the few places newly near the cursor and
 * newly reached by it (./notice-marks.ts), claims their notices in the store
 * (one round trip; only tickets that left a contact come back, each to one
 * gateway only), and sends each claimed notice by Web Push and/or the
 * messaging webhook, without holding the tick up. A ticket's contact is
 * dropped from the store as soon as its turn notice is claimed.
 */
import type { TickMessage } from '../../../shared/protocol/messages.js';
import { peopleAhead } from '../../../shared/queue/position.js';
import type { Clock } from '../../clock.js';
import type { TurnNoticesConfig } from '../../config/turn-notices-schema.js';
import type { GatewayMetrics } from '../../observability/metrics.js';
import type { Logger } from '../../observability/log.js';
import type { AdmissionStatus, ClaimedContact, QueueStore, TurnNoticeStore } from '../../store/types.js';
import type { EventRoom } from '../event-room.js';
import { readContact, type TurnContact } from './contact.js';
import { NoticeMarks } from './notice-marks.js';
import type { TurnNoticePayload } from './payload.js';
import type { PhoneSender } from './phone-sender.js';
import type { PushSender } from './push-sender.js';

export interface TurnNoticeOptions {
  settings: TurnNoticesConfig;
  store: TurnNoticeStore;
  queue: QueueStore;
  push: PushSender | null;
  phone: PhoneSender | null;
  clock: Clock;
  log: Logger;
  metrics: GatewayMetrics;
  /** The page a notice opens: the event's waiting page (it resumes the place and moves on to booking). */
  pageUrl(eventId: string): string;
}

export class TurnNotices {
  private readonly marks = new Map<string, NoticeMarks>();
  private readonly sending = new Set<Promise<void>>();

  constructor(private readonly options: TurnNoticeOptions) {}

  /** Whether this gateway sends any notices (push needs keys.vapid, a phone number the webhook). */
  get enabled(): boolean {
    return this.options.push !== null || this.options.phone !== null;
  }

  /** The VAPID public key pages subscribe with (GET /api/info); undefined without push. */
  get vapidPublicKey(): string | undefined {
    return this.options.push?.publicKey;
  }

  get phoneEnabled(): boolean {
    return this.options.phone !== null;
  }

  /** Keeps `contact` for the ticket until the event's end (null: forgets it). */
  async save(room: EventRoom, ticketNo: number, contact: TurnContact | null, now: number): Promise<void> {
    const { store } = this.options;
    if (!contact) return store.dropContacts(room.config.id, [ticketNo]);
    await store.saveContact(room.config.id, ticketNo, JSON.stringify(contact), room.config.closesAt, now);
  }

  /** After a successful tick whose frame is `frame`: claims and starts the notices of the places newly near and come. */
  async afterTick(room: EventRoom, frame: TickMessage, now: number): Promise<void> {
    if (!this.enabled || frame.st === 'prequeue') return;
    const { settings, store, queue } = this.options;
    const eventId = room.config.id;
    let marks = this.marks.get(eventId);
    if (!marks) this.marks.set(eventId, (marks = new NoticeMarks(() => settings.nearDistance, settings.maxPerTick)));
    const draw = frame.dn === undefined || frame.ds === undefined ? null : { size: frame.dn, seed: frame.ds };
    const due = marks.advance({ cursor: frame.c, issued: frame.i, draw });
    const until = room.config.closesAt;
    const [near, turn] = await Promise.all([
      due.near.length > 0 ? store.claimNotices(eventId, 'near', due.near, until, now) : [],
      due.turn.length > 0 ? store.claimNotices(eventId, 'turn', due.turn, until, now) : [],
    ]);
    for (const claimed of near) this.start(room, claimed, { kind: 'near', peopleAhead: peopleAhead(frame, claimed.ticketNo) }, now);
    if (turn.length === 0) return;
    await store.dropContacts(
      eventId,
      turn.map(({ ticketNo }) => ticketNo),
    );
    const statuses = await queue.admissionStatus(
      eventId,
      turn.map(({ ticketNo }) => ticketNo),
      now,
    );
    turn.forEach((claimed, k) => {
      const facts = turnFacts(statuses[k] as AdmissionStatus, now);
      if (facts) this.start(room, claimed, facts, now, statuses[k]);
    });
  }

  /** Resolves once the notices under way have been sent or given up (tests, a stopping gateway). */
  async settled(): Promise<void> {
    while (this.sending.size > 0) await Promise.all([...this.sending]);
  }

  private start(room: EventRoom, claimed: ClaimedContact, facts: Partial<TurnNoticePayload>, now: number, status?: AdmissionStatus): void {
    const contact = readContact(claimed.contact);
    if (!contact) return;
    const eventId = room.config.id;
    const payload: TurnNoticePayload = {
      kind: facts.kind ?? 'turn',
      eventId,
      title: room.config.title,
      lang: contact.lang,
      ...facts,
      url: this.options.pageUrl(eventId),
      sentAt: now,
    };
    const turnAt = status?.kind === 'admitted' ? status.grantExpiresAt - room.config.grantTtlSeconds * 1000 : now;
    const sending = this.send(claimed.ticketNo, contact, payload, turnAt).finally(() => this.sending.delete(sending));
    this.sending.add(sending);
  }

  private async send(ticketNo: number, contact: TurnContact, payload: TurnNoticePayload, turnAt: number): Promise<void> {
    const { push, phone, metrics, clock, store, log } = this.options;
    const labels = { event: payload.eventId, kind: payload.kind };
    const observe = (channel: string, outcome: string) => {
      metrics.turnNotices.inc({ ...labels, channel, outcome });
      if (outcome === 'sent' && payload.kind === 'turn') metrics.turnNoticeDelay.observe({ channel }, Math.max(0, clock.now() - turnAt) / 1000);
    };
    const jobs: Promise<void>[] = [];
    if (push && contact.push) {
      const subscription = contact.push;
      jobs.push(
        push.send(subscription, JSON.stringify(payload)).then(async (outcome) => {
          observe('push', outcome);
          // The browser dropped the subscription: nothing more can reach it.
          if (outcome === 'gone' && payload.kind === 'near') await store.dropContacts(payload.eventId, [ticketNo]);
        }),
      );
    }
    if (phone && contact.phone) {
      jobs.push(
        phone
          .send({ type: 'turn_notice', ticketNo, phone: contact.phone, ...payload })
          .then(({ delivered }) => observe('phone', delivered ? 'sent' : 'failed')),
      );
    }
    await Promise.all(jobs).catch((error: unknown) => log.warn({ err: error, event: payload.eventId, kind: payload.kind }, 'turn notice not sent'));
  }
}

/** What a turn notice says for the ticket's admission status: null when it says nothing (revoked, finished, still pending). */
function turnFacts(status: AdmissionStatus, now: number): Partial<TurnNoticePayload> | null {
  if (status.kind === 'admitted') return { kind: 'turn', grantSeconds: Math.max(0, Math.round((status.grantExpiresAt - now) / 1000)) };
  if (status.kind === 'passed') return { kind: 'turn', passed: true };
  return null;
}
