/**
 * A storm of bookers for crash tests: each joins over a real gateway, waits
 * for its turn, books over the reservation handler's HTTP API trying the
 * slots in turn, and retries the identical request while it gets no definite
 * answer (no reply, or a 503) — what a booking page does while the handler or
 * its database restarts. What every client was told is recorded, so a test
 * can hold the database to it; and an ActiveSampler reads the event's active
 * count from Redis throughout, to check `maxActive` was never exceeded.
 */
import { createClient } from 'redis';
import { eventKeys } from '../../server/store/redis/keys.js';
import { bookingBody, postBooking, type HttpReply } from './booking.js';
import { sleep } from './cluster-flow.js';
import { TestClient } from './ws-client.js';

/** A booking that a client was told is confirmed: 201, or 200 `repeated` for a request whose first answer was lost. */
export interface ConfirmedBooking {
  ticketNo: number;
  reference: string;
  slotId: string;
  person: string;
  status: 201 | 200;
}

/** How each client's booking ended, and what the storm met on the way. */
export interface StormTally {
  confirmed: ConfirmedBooking[];
  /** Requests that got no answer (connection refused or reset, or no reply in time). */
  unanswered: number;
  /** Requests answered 503 STORE_UNAVAILABLE. */
  unavailable: number;
  /** Identical requests sent again after one of the two above. */
  retries: number;
  /** What the retried requests were answered in the end: status and code (e.g. `201`, `200 repeated`, `409 SLOT_FULL`), counted. */
  afterRetry: Record<string, number>;
  slotFull: number;
  alreadyBooked: number;
  /** Clients that left without a booking: every slot full, or their person had booked already. */
  leftUnbooked: number;
  /** Anything else: `ticketNo: status code`; expected empty. */
  unexpected: string[];
}

export interface StormOptions {
  wsUrl: string;
  reservationsUrl: () => string;
  eventId: string;
  slotIds: readonly string[];
  bookers: number;
  /** The person booker k books as (bookers sharing one exercise one booking per person). */
  personOf: (k: number) => string;
  /** Pause between the grant and the first request (a person filling in the form). */
  thinkMs: () => number;
  /** No booker waits or retries past this (Date.now()). */
  deadline: number;
}

const REQUEST_TIMEOUT_MS = 3000;
const RETRY_PAUSE_MS = 100;

export function emptyTally(): StormTally {
  return { confirmed: [], unanswered: 0, unavailable: 0, retries: 0, afterRetry: {}, slotFull: 0, alreadyBooked: 0, leftUnbooked: 0, unexpected: [] };
}

/** Sends `body` until it gets an answer other than 503; null when the deadline passed first. */
async function untilAnswered(options: StormOptions, body: object, tally: StormTally): Promise<HttpReply | null> {
  for (let first = true; Date.now() < options.deadline; first = false) {
    if (!first) tally.retries++;
    try {
      const reply = await postBooking(options.reservationsUrl(), options.eventId, body, REQUEST_TIMEOUT_MS);
      if (reply.status !== 503) {
        const answer = `${reply.status} ${reply.body.error?.code ?? (reply.body.repeated ? 'repeated' : '')}`.trim();
        if (!first) tally.afterRetry[answer] = (tally.afterRetry[answer] ?? 0) + 1;
        return reply;
      }
      tally.unavailable++;
    } catch {
      tally.unanswered++;
    }
    await sleep(RETRY_PAUSE_MS);
  }
  return null;
}

/** One booker's whole life; it ends with a confirmed booking or by leaving the queue (which frees its active place). */
async function book(client: TestClient, k: number, options: StormOptions, tally: StormTally): Promise<void> {
  const admitted = await client.waitFor('admitted', () => true, Math.max(0, options.deadline - Date.now()));
  await sleep(options.thinkMs());
  const person = options.personOf(k);
  const slots = options.slotIds.map((_, i) => options.slotIds[(k + i) % options.slotIds.length]!);
  for (const slotId of slots) {
    const body = bookingBody(admitted.grant, client.secret, { person: { name: person, birthDate: '1970-05-17' }, slotId });
    const reply = await untilAnswered(options, body, tally);
    const code = reply?.body.error?.code;
    if (reply && (reply.status === 201 || (reply.status === 200 && reply.body.repeated))) {
      tally.confirmed.push({ ticketNo: admitted.ticketNo, reference: reply.body.booking!.reference, slotId, person, status: reply.status });
      return;
    }
    if (code === 'SLOT_FULL') {
      tally.slotFull++;
      continue;
    }
    if (code === 'ALREADY_BOOKED') tally.alreadyBooked++;
    else tally.unexpected.push(`${admitted.ticketNo}: ${reply ? `${reply.status} ${code ?? ''}` : 'no answer before the deadline'}`);
    break;
  }
  tally.leftUnbooked++;
  client.send({ type: 'leave' });
  await client.whenClosed();
}

/** Joins every booker and runs them all; resolves once each has booked or left. */
export async function runStorm(options: StormOptions, tally: StormTally): Promise<void> {
  const clients = await Promise.all(Array.from({ length: options.bookers }, () => TestClient.connect(options.wsUrl)));
  try {
    await Promise.all(clients.map((client) => client.join(options.eventId)));
    await Promise.all(clients.map((client, k) => book(client, k, options, tally)));
  } finally {
    await Promise.all(clients.map((client) => client.drop()));
  }
}

/** The active count of one event, read from Redis every few ms: the set of granted, unused tickets and its meta counter. */
export class ActiveSampler {
  samples = 0;
  maxSet = 0;
  maxCounter = 0;
  private running = true;
  private loop: Promise<void> = Promise.resolve();

  private constructor(private readonly redis: ReturnType<typeof createClient>) {}

  static async start(redisUrl: string, prefix: string, eventId: string, intervalMs = 10): Promise<ActiveSampler> {
    const redis = createClient({ url: redisUrl });
    redis.on('error', () => {});
    await redis.connect();
    const sampler = new ActiveSampler(redis);
    const keys = eventKeys(prefix, eventId);
    sampler.loop = (async () => {
      while (sampler.running) {
        const [set, counter] = (await redis.multi().zCard(keys.active).hGet(keys.meta, 'active').exec()) as unknown as [number, string | null];
        sampler.samples++;
        sampler.maxSet = Math.max(sampler.maxSet, set);
        sampler.maxCounter = Math.max(sampler.maxCounter, Number(counter ?? 0));
        await sleep(intervalMs);
      }
    })();
    return sampler;
  }

  async stop(): Promise<void> {
    this.running = false;
    await this.loop;
    await this.redis.quit();
  }
}
