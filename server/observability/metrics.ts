/**
 * Prometheus metrics (prom-client), one registry per component instance so tests can run many.
 * Durations are histograms in seconds (`*_duration_seconds`), so they add up across nodes;
 * docs/operations.md lists every metric, and deploy/ holds the alerts and dashboard that read them.
 */
import { Counter, Gauge, Histogram, type Registry } from 'prom-client';

/** From 0.1 ms to 2.5 s: Redis round trips, ticks and fan-outs are a few ms when healthy; the top buckets show trouble. */
const FAST_BUCKETS = [0.0001, 0.00025, 0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5];
/** From 1 ms to 10 s: a join or a booking is a request a person waits for, with a batch window or a commit in it. */
const REQUEST_BUCKETS = [0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10];

export function createGatewayMetrics(registry: Registry) {
  return {
    registry,
    connections: new Gauge({ name: 'waitroom_connections', help: 'Open WebSocket connections on this node', registers: [registry] }),
    waiting: new Gauge({ name: 'waitroom_waiting', help: 'Waiters connected to this node', labelNames: ['event'], registers: [registry] }),
    queueWaiting: new Gauge({
      name: 'waitroom_queue_waiting',
      help: 'Tickets between the cursor and the last issued, less known leavers (whole event)',
      labelNames: ['event'],
      registers: [registry],
    }),
    eventAdmitted: new Gauge({
      name: 'waitroom_event_admitted',
      help: 'People admitted so far in the event, by any controller (from the store)',
      labelNames: ['event'],
      registers: [registry],
    }),
    activeBookers: new Gauge({
      name: 'waitroom_active_bookers',
      help: 'Admitted people whose grant is neither used nor expired',
      labelNames: ['event'],
      registers: [registry],
    }),
    joins: new Counter({ name: 'waitroom_joins_total', help: 'Tickets issued by this node', labelNames: ['event'], registers: [registry] }),
    laneJoins: new Counter({
      name: 'waitroom_lane_joins_total',
      help: 'Tickets issued by this node into a priority lane, with a code (also counted in waitroom_joins_total)',
      labelNames: ['event', 'lane'],
      registers: [registry],
    }),
    grantsIssued: new Counter({
      name: 'waitroom_grants_issued_total',
      help: 'Grants handed to clients by this node',
      labelNames: ['event'],
      registers: [registry],
    }),
    resumes: new Counter({
      name: 'waitroom_resumes_total',
      help: 'Places taken back on this node (resumes, device hand-overs)',
      labelNames: ['event'],
      registers: [registry],
    }),
    recoveries: new Counter({
      name: 'waitroom_recoveries_total',
      help: "Recovery codes kept and tried on this node (decision 030), by outcome: kept, used (kept refused: used already), restored, unknown, limited (the event's wrong codes this minute)",
      labelNames: ['event', 'outcome'],
      registers: [registry],
    }),
    handOffs: new Counter({
      name: 'waitroom_hand_offs_total',
      help: 'Waiters this node moved to others because it was far above an even share (rebalance)',
      registers: [registry],
    }),
    errors: new Counter({ name: 'waitroom_errors_total', help: 'Error replies and closes, by code', labelNames: ['code'], registers: [registry] }),
    turnNotices: new Counter({
      name: 'waitroom_turn_notices_total',
      help: 'Turn notices this node sent (decision 029), by kind (near, turn), channel (push, phone) and outcome (sent, gone, failed)',
      labelNames: ['event', 'kind', 'channel', 'outcome'],
      registers: [registry],
    }),
    turnNoticeDelay: new Histogram({
      name: 'waitroom_turn_notice_delay_seconds',
      help: 'From a turn (the admission) to its notice accepted by the push service or the messaging provider',
      labelNames: ['channel'],
      buckets: [0.25, 0.5, 1, 2, 5, 10, 30, 120],
      registers: [registry],
    }),
    signIns: new Counter({
      name: 'waitroom_operator_sign_ins_total',
      help: 'Operator password checks (console sign-in, HTTP Basic) by outcome: ok, wrong, lockout (wrong, and it started a lockout), throttled (refused unchecked while locked), busy, unavailable',
      labelNames: ['outcome', 'via'],
      registers: [registry],
    }),
    eventOpen: new Gauge({
      name: 'waitroom_event_open',
      help: '1 while the event admits people (open and not paused), else 0',
      labelNames: ['event'],
      registers: [registry],
    }),
    maxActive: new Gauge({
      name: 'waitroom_event_max_active',
      help: 'Configured maxActive of the event: how many admitted people may book at once',
      labelNames: ['event'],
      registers: [registry],
    }),
    tickSeconds: new Histogram({
      name: 'waitroom_tick_duration_seconds',
      help: "Time of one tick of an event: flush departures, read the figures, update all of this node's waiters, settle the due",
      labelNames: ['event'],
      buckets: FAST_BUCKETS,
      registers: [registry],
    }),
    /**
     * The fan-out alone: from publishing one tick frame to the next setImmediate, by which the
     * writes to every waiter's socket are done (the benchmark compares it with a bare uWS process).
     */
    publishSeconds: new Histogram({
      name: 'waitroom_publish_duration_seconds',
      help: "Time from publishing one tick frame until it is written to all of an event's waiters on this node",
      labelNames: ['event'],
      buckets: FAST_BUCKETS,
      registers: [registry],
    }),
    joinSeconds: new Histogram({
      name: 'waitroom_join_duration_seconds',
      help: 'Time from a join frame received to its answer sent: outcome ticket (a place) or refused (an error reply)',
      labelNames: ['event', 'outcome'],
      buckets: REQUEST_BUCKETS,
      registers: [registry],
    }),
  };
}
export type GatewayMetrics = ReturnType<typeof createGatewayMetrics>;

export function createControllerMetrics(registry: Registry) {
  return {
    admitted: new Counter({
      name: 'waitroom_admitted_total',
      help: 'People admitted by the controller on this node',
      labelNames: ['event'],
      registers: [registry],
    }),
    skipped: new Counter({
      name: 'waitroom_skipped_total',
      help: 'Tickets passed over (left or away) by the controller',
      labelNames: ['event'],
      registers: [registry],
    }),
    reaped: new Counter({
      name: 'waitroom_reaped_total',
      help: 'Waiting tickets of dead gateways turned away by the controller',
      labelNames: ['event'],
      registers: [registry],
    }),
    leader: new Gauge({
      name: 'waitroom_controller_leader',
      help: '1 while this node holds the controller lease of the event',
      labelNames: ['event'],
      registers: [registry],
    }),
    rate: new Gauge({ name: 'waitroom_admission_rate_per_minute', help: 'Admission rate published for ETAs', labelNames: ['event'], registers: [registry] }),
    storeErrors: new Counter({
      name: 'waitroom_controller_store_errors_total',
      help: 'Admission steps that failed because the store was unreachable',
      registers: [registry],
    }),
  };
}
export type ControllerMetrics = ReturnType<typeof createControllerMetrics>;

export function createReservationMetrics(registry: Registry) {
  return {
    bookings: new Counter({ name: 'waitroom_bookings_total', help: 'Bookings committed', labelNames: ['event'], registers: [registry] }),
    errors: new Counter({ name: 'waitroom_booking_errors_total', help: 'Refused booking requests, by code', labelNames: ['code'], registers: [registry] }),
    bookingSeconds: new Histogram({
      name: 'waitroom_booking_duration_seconds',
      help: 'Time from a booking request received to its answer sent, by outcome: booked, repeated, refused (4xx), failed (5xx), aborted',
      labelNames: ['outcome'],
      buckets: REQUEST_BUCKETS,
      registers: [registry],
    }),
  };
}
export type ReservationMetrics = ReturnType<typeof createReservationMetrics>;

/** `pending` reads the number of deliveries not yet delivered nor given up, at each scrape. */
export function createWebhookMetrics(registry: Registry, pending: () => Promise<number>) {
  return {
    attempts: new Counter({
      name: 'waitroom_webhook_attempts_total',
      help: 'Booking webhook attempts by this process, by outcome (delivered, failed)',
      labelNames: ['outcome'],
      registers: [registry],
    }),
    givenUp: new Counter({ name: 'waitroom_webhook_given_up_total', help: 'Booking webhooks marked failed by this process', registers: [registry] }),
    pending: new Gauge({
      name: 'waitroom_webhook_pending',
      help: 'Booking webhooks still to deliver (all processes)',
      registers: [registry],
      async collect() {
        this.set(await pending().catch(() => Number.NaN));
      },
    }),
  };
}
export type WebhookMetrics = ReturnType<typeof createWebhookMetrics>;

export function createSelfCheckMetrics(registry: Registry) {
  return {
    rejections: new Gauge({
      name: 'waitroom_selfcheck_rejections',
      help: 'Refusals in the last self-check of people the config says may join and book (0 when fine)',
      labelNames: ['event', 'cohort'],
      registers: [registry],
    }),
    runs: new Counter({
      name: 'waitroom_selfcheck_runs_total',
      help: 'Self-checks of the live events run (start-up and every applied reload)',
      registers: [registry],
    }),
  };
}
export type SelfCheckMetrics = ReturnType<typeof createSelfCheckMetrics>;

export function createEventMetrics(registry: Registry) {
  return {
    version: new Gauge({
      name: 'waitroom_events_version',
      help: 'Version of the live events in this process (1 at start, +1 per applied reload)',
      registers: [registry],
    }),
    reloads: new Counter({
      name: 'waitroom_event_reloads_total',
      help: 'Reload attempts by result (applied, unchanged, refused, invalid, failed)',
      labelNames: ['result'],
      registers: [registry],
    }),
  };
}
export type EventMetrics = ReturnType<typeof createEventMetrics>;

export function createStoreMetrics(registry: Registry) {
  return {
    redisSeconds: new Histogram({
      name: 'waitroom_redis_command_duration_seconds',
      help: 'Round trip of each answered Redis call as the process sees it: a Lua script by its name, a plain command by its lowercase name',
      labelNames: ['command'],
      buckets: FAST_BUCKETS,
      registers: [registry],
    }),
  };
}
export type StoreMetrics = ReturnType<typeof createStoreMetrics>;

/** waitroom_store_up: the store pinged at each scrape (at most 1 s: the ping's own timeout). */
export function createStoreUpMetric(registry: Registry, reachable: () => Promise<boolean>): Gauge {
  return new Gauge({
    name: 'waitroom_store_up',
    help: '1 when the store (Redis, and PostgreSQL when bookings are there) answered a ping at this scrape, else 0',
    registers: [registry],
    async collect() {
      this.set((await reachable()) ? 1 : 0);
    },
  });
}
