/**
 * The IPC messages between the benchmark runner (parent) and a load-generator
 * worker (`bench/loadgen/worker.ts`, a child process with an IPC channel).
 *
 *   parent → worker   start (once), snapshot (any time), stop (once)
 *   worker → parent   ready (loaded), progress (every second after start),
 *                     snapshot (answer), done (after stop: every socket closed; then it exits),
 *                     error (a refused request; after a failed start the worker exits with 1)
 *
 * Times are ms since the Unix epoch, with sub-millisecond precision
 * (performance.timeOrigin + performance.now(), the clock the server's `t` is on).
 */

/**
 * hold:   connect, join, wait for the ticket, keep the connection and record every tick.
 * join:   connect, join, and close as soon as the ticket arrives: join rate and latency
 *         under connection churn (count may exceed what one process can hold open).
 * drain:  as hold, and book when admitted (then close); `abandonRate` of them close before their turn.
 * listen: no join: count the frames a bare publisher (bench/floor) sends, with their lag.
 * peer:   no join: a peer server's subscriber (Soketi, Nchan: bench/peers): send `subscribe` once open, count the
 *         frames carrying a send-time stamp (bench/peers/stamp.ts), with their lag; other frames are the peer's own.
 */
export type Scenario = 'hold' | 'join' | 'drain' | 'listen' | 'peer';
/** net: bench/loadgen/minimal-ws.ts; ws: the `ws` package client. */
export type LoadTransport = 'net' | 'ws';

export interface StartOptions {
  scenario: Scenario;
  transport: LoadTransport;
  /** ws URLs (ws://127.0.0.1:8101/ws); client k uses targets[k % targets.length]. */
  targets: string[];
  eventId: string;
  /**
   * Clients this worker runs, connected in order. At most the open-file limit less 200
   * (19,800 at 20,000) except in `join`, which then waits for connections to close; start fails otherwise.
   */
  count: number;
  /** Source addresses (127.0.x.y); client k binds sourceAddresses[k % length]. Empty: the kernel picks. */
  sourceAddresses: string[];
  /** Handshakes in flight at most. */
  connectConcurrency: number;
  /** drain: the fraction who close before their turn (chosen at random per client). */
  abandonRate?: number;
  /** drain: abandoners leave at a uniform random time within this many seconds of their ticket. Default: their ETA at join (60 s when none). */
  abandonWithinSeconds?: number;
  /** drain: the reservation handler to book at (POST /api/events/:eventId/bookings). Without it nobody books. */
  reservationsUrl?: string;
  /** drain: bookings in flight at most. Default 64. */
  bookingConcurrency?: number;
  /** peer: a text message sent once the connection is open (Pusher's pusher:subscribe). */
  subscribe?: string;
  /** peer: a text message sent to each client that received nothing for `keepalive.everyMs` (Pusher's pusher:ping). */
  keepalive?: { text: string; everyMs: number };
  /** Lag samples kept (uniform reservoir). Default 100,000. */
  lagReservoir?: number;
  /** The worker stops by itself after this long. Default 1800 s. */
  maxSeconds?: number;
}

export interface StartMessage extends StartOptions {
  type: 'start';
}

export interface SnapshotRequest {
  type: 'snapshot';
  /** After answering, start a new measuring window: clear lag samples, gaps and update counts (join latencies are kept). */
  reset?: boolean;
}

export interface StopMessage {
  type: 'stop';
}

export type ParentMessage = StartMessage | SnapshotRequest | StopMessage;

export interface Counters {
  /** Connections open now. */
  connected: number;
  /** Handshakes completed, ever. */
  opened: number;
  /** Tickets received, ever. */
  joined: number;
  /** Connect errors, join errors and unexpected closes. */
  failed: number;
  admitted: number;
  booked: number;
  abandoned: number;
  /** Clients not yet connected (still queued to connect). */
  queued: number;
}

export interface ReadyMessage {
  type: 'ready';
  pid: number;
}

export interface ProgressMessage extends Counters {
  type: 'progress';
  at: number;
}

/** One drain client, once it had its ticket. */
export interface DrainRecord {
  ticketNo: number;
  /** When the ticket arrived. */
  joinedAt: number;
  /** People ahead and ETA from the first tick after the ticket (shared/queue/position.ts); null ETA: none given. */
  aheadAtJoin: number | null;
  etaSecondsAtJoin: number | null;
  admittedAt: number | null;
  booked: boolean;
  /** Closed before its turn, on purpose. */
  abandoned: boolean;
}

export interface SnapshotMessage {
  type: 'snapshot';
  at: number;
  /** Start of the measuring window (the start, or the last reset). */
  windowStartedAt: number;
  scenario: Scenario;
  transport: LoadTransport;
  counters: Counters;
  /** Clients waiting with a ticket now (listen: connected). */
  waiting: number;
  /** Of those, how many received no update in this window. */
  waitingWithoutUpdates: number;
  /** Join sent → ticket received, ms, one per ticket ever received (join/hold/drain). */
  joinLatencyMs: number[];
  firstTicketAt: number | null;
  lastTicketAt: number | null;
  /** Update lag (receive time − tick.t), ms, in this window. Samples: a uniform reservoir; count, sum and max: exact. */
  lag: { count: number; sum: number; max: number; samples: number[] };
  /** Per waiting client with ≥ 1 gap in this window: its longest gap between consecutive updates, ms. */
  maxGapMs: number[];
  /** Updates (broadcast ticks; peer: stamped frames) received in this window, all clients together. */
  updates: number;
  /** Bytes of every message received in this window (payloads, without WebSocket framing), all clients together. */
  bytes: number;
  /** Frames received, ever: recognised as an already-decoded tick by their bytes, or decoded (decoded ≈ ticks × targets + other messages). */
  frames: { cached: number; decoded: number };
  /**
   * Per broadcast frame (per gateway and tick) that left the cache in this window: first to last arrival
   * among this worker's clients, ms. It holds the gateway's send loop and this worker's reading together.
   */
  broadcastSpreadMs: number[];
  /**
   * This worker's event-loop utilization over the window (0 … 1). Near 1: the worker was busy all the time,
   * so its own reading adds to the lag and it may be the bottleneck.
   */
  loopUtilization: number;
  /** Errors and unexpected closes by kind (ECONNREFUSED, close:1006, join:EVENT_CLOSED, booking:SLOT_FULL, frame:invalid, …). */
  errors: Record<string, number>;
  /** process.cpuUsage() of the worker, cumulative µs: diff two snapshots. */
  cpu: { user: number; system: number };
  /** process.memoryUsage() of the worker, bytes (rss -1: /proc could not be opened). */
  memory: { rss: number; heapUsed: number; heapTotal: number; external: number; arrayBuffers: number };
  /** drain only: every client that had a ticket. */
  drain?: DrainRecord[];
}

export interface DoneMessage {
  type: 'done';
  counters: Counters;
}

export interface ErrorReport {
  type: 'error';
  message: string;
}

export type WorkerMessage = ReadyMessage | ProgressMessage | SnapshotMessage | DoneMessage | ErrorReport;
