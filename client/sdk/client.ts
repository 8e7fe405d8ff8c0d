/**
 * The Waitroom client: holds a place in one event's line over a WebSocket
 * that comes back after drops, keeps the ticket and its secret in storage so a
 * refresh or a restart resumes the same place, turns each broadcast tick into
 * this person's place and ETA, and reports everything as typed events. The
 * server decides; this only reports what it says.
 *
 *     const client = new WaitroomClient({ eventId: 'vaccine-53-54' });
 *     client.on('position', ({ peopleAhead }) => …);
 *     client.on('admitted', () => client.goToBooking());
 *     client.start();
 */
import type { ClientMessage, ErrorMessage, PowSolution, ServerMessage, TickMessage } from '../../shared/protocol/index.js';
import { lineOfTicket } from '../../shared/queue/lanes.js';
import { etaSeconds, peopleAhead, placesKnown } from '../../shared/queue/position.js';
import type { BackoffOptions } from '../../shared/reconnect/backoff.js';
import { deviceJoinChallenge, possessionKey, proveWith, resumeChallenge } from '../../shared/tokens/possession.js';
import { hashSecret } from '../../shared/tokens/secret.js';
import { Connection, type ConnectionStatus, type EarlySocket, type SocketConstructor } from './connection.js';
import { DeviceRecord } from './device.js';
import { Emitter, type Listener } from './emitter.js';
import { closeErrorCode, outcomeOf, retryDelay } from './error-policy.js';
import type { NoticeEvent, WaitroomError, WaitroomEvents, WaitroomState } from './events.js';
import { storedHandoff, withHandoffFragment, type Handoff } from './handoff.js';
import { defaultSolver, type ChallengeSolver } from './pow-solver.js';
import type { RecoveryPort, RecoveryResult } from './recovery.js';
import { defaultStorage, TicketStore, type KeyValueStorage, type StoredTicket } from './storage.js';
import { TurnContactSender, type TurnContact } from './turn-contact.js';
import { checkEventId, gatewaySocketUrl, WaitroomOptionsError } from './urls.js';

export interface WaitroomClientOptions {
  eventId: string;
  /** The gateway's URL (https://queue.example.org) or its WebSocket URL; default: this page's origin. */
  gateway?: string;
  /** Where the ticket and secret are kept; default localStorage (memory when there is none). */
  storage?: KeyValueStorage;
  /** The WebSocket class; default the platform's (in Node 20 pass the `ws` package's). */
  WebSocket?: SocketConstructor;
  /** A socket to the same gateway the page opened before this script loaded; the first connection adopts it (connection.ts). */
  earlySocket?: EarlySocket;
  /** The event takes certain birth-date cohorts only (GET /api/info lists them): ask before joining. */
  needsBirthDate?: boolean;
  /**
   * Asks the person's birth date (YYYY-MM-DD): before the first join when
   * needsBirthDate, and again with the error after BIRTH_DATE_REQUIRED or NOT_ELIGIBLE.
   */
  birthDate?: (problem: WaitroomError | null) => Promise<string> | string;
  /** Reconnect waits (default: shared/reconnect/backoff.ts CLIENT_RECONNECT). */
  reconnect?: BackoffOptions;
  /**
   * A priority-lane code (docs/decisions/031): a new join asks for a place in the code's lane. When the code
   * cannot be used (LANE_CODE_*, outcome `main-line`) the client joins the main line without it.
   */
  laneCode?: string;
  /** Solves proof-of-work challenges (default: a Web Worker in browsers, in-process in Node). */
  solveChallenge?: ChallengeSolver;
}

export class WaitroomClient {
  readonly eventId: string;
  private readonly emitter = new Emitter<WaitroomEvents>();
  private readonly store: TicketStore;
  private readonly device: DeviceRecord;
  private readonly solve: ChallengeSolver;
  private readonly url: string;
  private readonly Socket: SocketConstructor;
  private connection: Connection | null = null;
  private earlySocket: EarlySocket | null;
  private status: ConnectionStatus = 'closed';
  private lastTick: TickMessage | null = null;
  private lastState: WaitroomState | null = null;
  private notice: NoticeEvent | null = null;
  private nextRid = 1;
  /** rid of the join or resume in flight, to match its error. */
  private requestRid = 0;
  /** The secret of a join not yet answered; reused if the join is resent. */
  private pendingSecret: string | null = null;
  private birthDate: string | null = null;
  private laneCode: string | null;
  /** The solved challenge for the next join; challenges solved for this join so far; the solve under way. */
  private pow: PowSolution | null = null;
  private powAttempts = 0;
  private solving: AbortController | null = null;
  /** The request in flight is a join whose device key was not renewed yet (see the `renewing` outcome). */
  private deviceJoinInFlight = false;
  private deviceRenewed = false;
  private birthDatePrompt: Promise<string> | null = null;
  private retryTimer: ReturnType<typeof setTimeout> | undefined;
  private serverOffsetMs = 0;
  /** This connection's nonce from `hello`: joins and resumes wait for it and sign it (shared/tokens/possession.ts). */
  private nonce: string | null = null;
  /** Stopped by the caller, by admission or by a terminal outcome: no reconnects, no reports of the close. */
  private finished = true;
  /** Recovery requests waiting for their reply, by rid (./recovery.ts); resolved with null when the connection goes. */
  private readonly awaiting = new Map<number, (reply: ServerMessage | null) => void>();
  private readonly turnContact = new TurnContactSender(
    (message) => this.connection?.send(message),
    (event) => this.emitter.emit('turnContact', event),
  );

  constructor(private readonly options: WaitroomClientOptions) {
    this.eventId = checkEventId(options.eventId);
    this.laneCode = options.laneCode?.trim() || null;
    this.url = gatewaySocketUrl(options.gateway);
    this.earlySocket = options.earlySocket ?? null;
    const Socket = options.WebSocket ?? (globalThis.WebSocket as SocketConstructor | undefined);
    if (!Socket) throw new WaitroomOptionsError('no WebSocket on this platform: pass one (in Node 20: `import WebSocket from "ws"`)');
    this.Socket = Socket;
    const storage = options.storage ?? defaultStorage();
    this.store = new TicketStore(this.eventId, storage);
    this.device = new DeviceRecord(storage);
    this.solve = options.solveChallenge ?? defaultSolver();
  }

  /** Adds a listener; returns the function that removes it. */
  on<K extends keyof WaitroomEvents>(name: K, listener: Listener<WaitroomEvents[K]>): () => void {
    return this.emitter.on(name, listener);
  }

  get state(): WaitroomState {
    return this.lastState ?? 'connecting';
  }

  /** What storage holds for this event (ticket, grant once admitted, reference once booked). */
  stored(): StoredTicket | null {
    return this.store.load();
  }

  /** The priority-lane code the next new join carries (see the laneCode option); null: the main line. */
  setLaneCode(code: string | null): void {
    this.laneCode = code?.trim() || null;
  }

  /** Where to send this ticket's turn notices (a push subscription, a phone number), kept for the event; one with neither deletes it there, null sends none. */
  setTurnContact(contact: TurnContact | null): void {
    this.turnContact.set(contact);
  }

  /** The server's clock as far as this client knows it (ms). */
  serverNow(): number {
    return Date.now() + this.serverOffsetMs;
  }

  /**
   * Joins, or resumes the stored place. A stored grant still valid is
   * reported as `admitted` at once, without connecting (booking does not
   * depend on the queue being reachable).
   */
  start(): void {
    if (!this.finished) return;
    this.finished = false;
    const handoff = this.handoff();
    if (handoff && handoff.expiresAt > Date.now() + handoff.serverOffsetMs) {
      this.finished = true;
      this.takeEarlySocket()?.socket.close(1000); // the stored grant is the answer: nothing to connect for
      queueMicrotask(() =>
        this.emitter.emit('admitted', { ticketNo: handoff.ticketNo, grant: handoff.grant, expiresAt: handoff.expiresAt, bookingUrl: handoff.bookingUrl }),
      );
      return;
    }
    this.connection = new Connection(
      this.url,
      this.Socket,
      { open: () => (this.nonce = null), message: (message) => this.handle(message), status: (status, code) => this.onStatus(status, code) },
      this.options.reconnect,
      this.takeEarlySocket(),
    );
    this.connection.start();
  }

  /** The page's early socket, for the first connection only (a restart opens its own). */
  private takeEarlySocket(): EarlySocket | null {
    const early = this.earlySocket;
    this.earlySocket = null;
    return early;
  }

  /** Closes the connection; the place is kept (a later start() resumes it within the grace period, often later). */
  stop(): void {
    this.finished = true;
    clearTimeout(this.retryTimer);
    this.solving?.abort();
    this.solving = null;
    this.connection?.stop();
    this.connection = null;
  }

  /** Gives up the place for good (the server frees it at once) and forgets it. */
  leave(): void {
    this.connection?.send({ type: 'leave' });
    this.store.clear();
    this.stop();
  }

  /**
   * Forgets the stored place and joins again at the end of the line (after
   * GRANT_EXPIRED, TICKET_REVOKED, …), with a new device key: the old key
   * stays bound to the place that ended.
   */
  restart(): void {
    this.stop();
    this.store.clear();
    this.device.renew();
    this.pendingSecret = null;
    this.lastTick = null;
    this.start();
  }

  /** Grant, secret and booking URL once admitted; null before. */
  handoff(): Handoff | null {
    return storedHandoff(this.store);
  }

  /**
   * Goes to the booking page (default /book/ of this site) once admitted. A
   * page on this origin reads the hand-off from storage; one elsewhere gets
   * it in the URL fragment (see readHandoff).
   */
  goToBooking(bookingPage = '/book/'): void {
    const handoff = this.handoff();
    if (!handoff) throw new WaitroomOptionsError('not admitted yet: nothing to hand over to the booking page');
    const target = new URL(bookingPage, globalThis.location.href);
    if (target.origin === globalThis.location.origin) {
      target.searchParams.set('event', this.eventId);
      globalThis.location.assign(target.toString());
    } else {
      globalThis.location.assign(withHandoffFragment(target.toString(), handoff));
    }
  }

  /**
   * The recovery code that brings this place to another browser (docs/decisions/030-recovery-code.md): made once
   * per ticket on this device and kept by the gateway each time it is asked for. Needs the place held (after `ticket`).
   */
  async recoveryCode(): Promise<RecoveryResult<{ code: string; shown: string }>> {
    // Loaded when first asked for: most people never do, and the waiting page's first load stays light.
    const { showRecoveryCode } = await import('./recovery.js');
    return showRecoveryCode(this.recoveryPort());
  }

  /**
   * Takes over the place a recovery code names (typed by the person, from another device): the place held
   * now is given up, the code's ticket and secret are stored and resumed. The code works once.
   */
  async recover(typed: string): Promise<RecoveryResult<{ ticketNo: number }>> {
    const { useRecoveryCode } = await import('./recovery.js');
    return useRecoveryCode(this.recoveryPort(), typed);
  }

  private recoveryPort(): RecoveryPort {
    return {
      eventId: this.eventId,
      store: this.store,
      serverOffsetMs: () => this.serverOffsetMs,
      ask: (request) => {
        const connection = this.connection;
        if (!connection || this.nonce === null || this.status !== 'connected') return Promise.resolve(null);
        const rid = this.nextRid++;
        return new Promise((resolve) => {
          this.awaiting.set(rid, resolve);
          connection.send({ ...request, rid } as ClientMessage);
        });
      },
      adopt: (entry) => {
        if (this.store.load()?.ticketNo !== entry.ticketNo) this.connection?.send({ type: 'leave' });
        this.stop();
        this.store.save(entry);
        this.pendingSecret = null;
        this.lastTick = null;
        this.start();
      },
    };
  }

  /** Sends the join or resume for this connection; waits for its `hello` (the nonce to sign), which calls it again. */
  private async joinOrResume(problem: WaitroomError | null = null): Promise<void> {
    clearTimeout(this.retryTimer);
    const nonce = this.nonce;
    if (nonce === null) return;
    const rid = (this.requestRid = this.nextRid++);
    const saved = this.store.load();
    this.deviceJoinInFlight = !saved?.ticket && !this.deviceRenewed;
    if (saved?.ticket) {
      const proof = await proveWith(saved.secret, resumeChallenge(nonce, saved.ticket));
      if (rid !== this.requestRid || this.finished) return;
      this.connection?.send({ type: 'resume', rid, ticket: saved.ticket, eventId: this.eventId, proof });
      return;
    }
    const ask = this.options.birthDate;
    if (ask && !this.birthDate && (this.options.needsBirthDate || problem)) {
      this.birthDatePrompt ??= Promise.resolve(ask(problem)).finally(() => (this.birthDatePrompt = null));
      this.birthDate = await this.birthDatePrompt;
    }
    this.pendingSecret ??= this.device.joiningSecret(this.eventId);
    const secret = this.pendingSecret;
    const [secretHash, pk, proof, device] = await Promise.all([
      hashSecret(secret),
      possessionKey(secret),
      proveWith(secret, deviceJoinChallenge(nonce, this.eventId)),
      this.device.hash(),
    ]);
    if (rid !== this.requestRid || this.finished) return; // a newer request (or a stop) came while waiting
    const pow = this.pow;
    this.pow = null; // a challenge is good for one join
    this.connection?.send({
      type: 'join',
      rid,
      eventId: this.eventId,
      secretHash,
      pk,
      proof,
      device,
      ...(this.birthDate ? { birthDate: this.birthDate } : {}),
      ...(pow ? { pow } : {}),
      ...(this.laneCode ? { code: this.laneCode } : {}),
    });
  }

  /** Solves the challenge of a proof-of-work refusal, then joins again with the solution. */
  private solveAndJoin(challenge: string): void {
    const rid = this.requestRid;
    this.solving?.abort();
    const solving = (this.solving = new AbortController());
    this.powAttempts++;
    this.solve(challenge, solving.signal).then(
      (n) => {
        if (solving.signal.aborted || rid !== this.requestRid || this.finished) return; // a reconnect asked anew meanwhile
        this.solving = null;
        this.pow = { c: challenge, n };
        void this.joinOrResume();
      },
      (error: unknown) => {
        if (solving.signal.aborted || this.finished) return;
        this.stop();
        this.emitter.emit('error', { code: 'POW_INVALID', message: `could not solve the proof-of-work challenge: ${String(error)}`, outcome: 'stopped' });
      },
    );
  }

  private handle(message: ServerMessage): void {
    const rid = 'rid' in message ? message.rid : undefined;
    const awaited = rid === undefined ? undefined : this.awaiting.get(rid);
    if (awaited) {
      this.awaiting.delete(rid!);
      return awaited(message);
    }
    if (this.turnContact.answer(message)) return;
    switch (message.type) {
      case 'hello':
        this.serverOffsetMs = message.serverTime - Date.now();
        this.nonce = message.nonce;
        void this.joinOrResume();
        return;
      case 'ticket':
        return this.onTicket(message.eventId, message.ticket, message.ticketNo, message.resumed);
      case 'tick':
        return this.onTick(message);
      case 'admitted':
        if (message.eventId !== this.eventId) return;
        this.store.update({ grant: message.grant, grantExpiresAt: message.expiresAt, bookingUrl: message.bookingUrl, serverOffsetMs: this.serverOffsetMs });
        this.stop();
        this.emitter.emit('admitted', { ticketNo: message.ticketNo, grant: message.grant, expiresAt: message.expiresAt, bookingUrl: message.bookingUrl });
        return;
      case 'notice':
        return this.onNotice({ id: message.id, text: message.text, ...(message.en ? { en: message.en } : {}), at: message.at }, message.e);
      case 'error':
        return this.onError(message);
      case 'pong':
      case 'recovery-kept':
      case 'recovered':
      case 'turn-contact-saved':
        return;
    }
  }

  private onTicket(eventId: string, ticket: string, ticketNo: number, resumed: boolean): void {
    if (eventId !== this.eventId) return;
    this.powAttempts = 0;
    const updated = resumed ? this.store.update({ ticket, ticketNo, serverOffsetMs: this.serverOffsetMs }) : null;
    // A join answered `resumed` with nothing stored: another tab of this device joined with the same secret at the same moment.
    if (!updated && this.pendingSecret) {
      this.store.save({ eventId, ticket, ticketNo, secret: this.pendingSecret, joinedAhead: null, serverOffsetMs: this.serverOffsetMs });
      this.pendingSecret = null;
    }
    this.connection?.resetBackoff();
    this.emitter.emit('ticket', { ticketNo, resumed });
    this.turnContact.held(ticketNo);
  }

  private onTick(tick: TickMessage): void {
    if (tick.e !== this.eventId) return;
    this.lastTick = tick;
    this.updateState();
    const saved = this.store.load();
    if (!saved) return;
    const line = lineOfTicket(tick, saved.ticketNo);
    if (!line) return; // a lane the tick does not show yet
    if (line.lane === null && !placesKnown(tick)) {
      this.emitter.emit('prequeue', { waiting: tick.i, serverTime: tick.t });
      return;
    }
    const ahead = peopleAhead(line.snapshot, saved.ticketNo);
    const joinedAhead = saved.joinedAhead ?? ahead;
    if (saved.joinedAhead === null) this.store.update({ joinedAhead });
    this.emitter.emit('position', {
      ticketNo: saved.ticketNo,
      place: ahead + 1,
      peopleAhead: ahead,
      joinedAhead,
      progress: joinedAhead > 0 ? Math.min(1, Math.max(0, (joinedAhead - ahead) / joinedAhead)) : 1,
      lane: line.lane,
    });
    const seconds = etaSeconds(line.snapshot, ahead);
    this.emitter.emit('eta', { seconds, at: seconds === null ? null : Date.now() + seconds * 1000, ratePerMinute: line.snapshot.r });
  }

  private onNotice(notice: NoticeEvent, eventId: string): void {
    if (eventId !== this.eventId) return;
    // The same notice comes again after every resume; an older one can overtake a newer one across nodes.
    if (this.notice && (notice.id < this.notice.id || (notice.id === this.notice.id && notice.text === this.notice.text && notice.en === this.notice.en)))
      return;
    this.notice = notice;
    this.emitter.emit('notice', notice);
  }

  private onError(error: ErrorMessage): void {
    const outcome = outcomeOf(error, {
      answersRequest: error.rid !== undefined && error.rid === this.requestRid,
      canAskBirthDate: this.options.birthDate !== undefined,
      hasStoredTicket: this.store.load() !== null,
      answersDeviceJoin: this.deviceJoinInFlight,
      powAttempts: this.powAttempts,
    });
    const report: WaitroomError = { code: error.code, message: error.message, outcome, ...(error.retryAt !== undefined ? { retryAt: error.retryAt } : {}) };
    if (outcome === 'stopped') this.stop();
    this.emitter.emit('error', report);
    switch (outcome) {
      case 'rejoining':
        this.store.clear();
        void this.joinOrResume();
        return;
      case 'resuming':
        void this.joinOrResume();
        return;
      case 'renewing':
        this.device.renew();
        this.deviceRenewed = true;
        this.pendingSecret = null;
        void this.joinOrResume();
        return;
      case 'solving':
        this.solveAndJoin(error.challenge!);
        return;
      case 'main-line':
        this.laneCode = null;
        void this.joinOrResume();
        return;
      case 'needs-birth-date':
        this.birthDate = null;
        void this.joinOrResume(report);
        return;
      case 'retrying':
        this.retryTimer = setTimeout(() => void this.joinOrResume(), retryDelay(error, this.serverNow()));
        return;
    }
  }

  private onStatus(status: ConnectionStatus, closeCode?: number): void {
    this.status = status;
    if (status !== 'connected') {
      for (const resolve of this.awaiting.values()) resolve(null);
      this.awaiting.clear();
    }
    if (status !== 'connected') this.lastTick = null; // figures of a lost connection are not live
    if (status !== 'connected') this.turnContact.dropped();
    if (closeCode !== undefined && !this.finished) {
      this.finished = true;
      this.emitter.emit('error', {
        code: closeErrorCode(closeCode),
        message: `the server closed the connection (code ${closeCode})`,
        outcome: 'stopped',
        closeCode,
      });
    }
    this.updateState();
  }

  private updateState(): void {
    const tick = this.lastTick;
    const state: WaitroomState = this.status !== 'connected' ? this.status : !tick ? 'connected' : tick.d ? 'reconnecting' : tick.st;
    if (state === this.lastState) return;
    this.lastState = state;
    this.emitter.emit('state', { state, connection: this.status, queue: tick?.st ?? null, degraded: tick?.d === true });
  }
}
