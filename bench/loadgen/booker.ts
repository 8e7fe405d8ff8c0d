/**
 * Books for admitted drain clients over the reservation handler's HTTP API,
 * with a bounded number of requests in flight on kept-alive connections, and
 * retries when the handler answers 503 (store unavailable) or the connection
 * fails.
 */
import http from 'node:http';
import type { AvailabilityResponse, BookingBody } from '../../shared/booking/api.js';

const MAX_ATTEMPTS = 8;

export interface BookingJob {
  grant: string;
  secret: string;
  name: string;
  /** Called once: booked or not, and the error code when not. */
  done(booked: boolean, error: string | null): void;
}

interface Reply {
  status: number;
  body: string;
}

export class Booker {
  private readonly agent: http.Agent;
  private readonly queue: { job: BookingJob; attempt: number }[] = [];
  private inFlight = 0;
  private place: { centerId: string; slotId: string } | null = null;
  private stopped = false;

  constructor(
    private readonly baseUrl: string,
    private readonly eventId: string,
    private readonly concurrency = 64,
  ) {
    this.agent = new http.Agent({ keepAlive: true, maxSockets: concurrency });
  }

  /** Picks the first center and slot with room left (GET …/availability). */
  async init(): Promise<void> {
    const reply = await this.request('GET', `/api/events/${this.eventId}/availability`);
    if (reply.status !== 200) throw new Error(`availability: HTTP ${reply.status} ${reply.body.slice(0, 200)}`);
    const availability = JSON.parse(reply.body) as AvailabilityResponse;
    for (const center of availability.centers) {
      const slot = center.slots.find((s) => s.remaining > 0);
      if (slot) {
        this.place = { centerId: center.centerId, slotId: slot.slotId };
        return;
      }
    }
    throw new Error(`availability: no slot with room left in event ${this.eventId}`);
  }

  book(job: BookingJob): void {
    this.queue.push({ job, attempt: 1 });
    this.pump();
  }

  get pending(): number {
    return this.queue.length + this.inFlight;
  }

  stop(): void {
    this.stopped = true;
    for (const { job } of this.queue.splice(0)) job.done(false, 'stopped');
    this.agent.destroy();
  }

  private pump(): void {
    while (!this.stopped && this.inFlight < this.concurrency && this.queue.length > 0) {
      const next = this.queue.shift()!;
      this.inFlight++;
      void this.attempt(next.job, next.attempt);
    }
  }

  private async attempt(job: BookingJob, attempt: number): Promise<void> {
    const body: BookingBody = {
      grant: job.grant,
      secret: job.secret,
      person: { name: job.name, birthDate: '1970-01-01' },
      centerId: this.place!.centerId,
      slotId: this.place!.slotId,
    };
    let outcome: { retry: boolean; booked: boolean; error: string | null };
    try {
      const reply = await this.request('POST', `/api/events/${this.eventId}/bookings`, JSON.stringify(body));
      if (reply.status === 200 || reply.status === 201) outcome = { retry: false, booked: true, error: null };
      else outcome = { retry: reply.status === 503, booked: false, error: errorCode(reply) };
    } catch (error) {
      outcome = { retry: true, booked: false, error: (error as NodeJS.ErrnoException).code ?? 'request failed' };
    }
    this.inFlight--;
    if (outcome.retry && attempt < MAX_ATTEMPTS && !this.stopped) {
      const delay = Math.min(2000, 100 * 2 ** (attempt - 1)) * (0.5 + Math.random());
      setTimeout(() => {
        this.queue.push({ job, attempt: attempt + 1 });
        this.pump();
      }, delay);
    } else job.done(outcome.booked, outcome.error);
    this.pump();
  }

  private request(method: string, path: string, body?: string): Promise<Reply> {
    return new Promise((resolve, reject) => {
      const request = http.request(
        new URL(path, this.baseUrl),
        { method, agent: this.agent, headers: body ? { 'content-type': 'application/json', 'content-length': Buffer.byteLength(body) } : {}, timeout: 15_000 },
        (response) => {
          const chunks: Buffer[] = [];
          response.on('data', (chunk: Buffer) => chunks.push(chunk));
          response.on('end', () => resolve({ status: response.statusCode ?? 0, body: Buffer.concat(chunks).toString('utf8') }));
          response.on('error', reject);
        },
      );
      request.on('timeout', () => request.destroy(Object.assign(new Error('booking request timed out'), { code: 'ETIMEDOUT' })));
      request.on('error', reject);
      request.end(body);
    });
  }
}

function errorCode(reply: Reply): string {
  try {
    const code = (JSON.parse(reply.body) as { error?: { code?: unknown } }).error?.code;
    return typeof code === 'string' ? code : `HTTP ${reply.status}`;
  } catch {
    return `HTTP ${reply.status}`;
  }
}
