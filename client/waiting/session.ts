/**
 * The waiting session: join or resume over the connection, turn each
 * broadcast tick into this client's place and ETA, hand over on admission.
 * The server decides everything; this only displays what it says.
 */
import { CloseCode, ErrorCode } from '../../shared/protocol/index.js';
import type { AdmittedMessage, ErrorMessage, ServerMessage, TickMessage } from '../../shared/protocol/index.js';
import { etaSeconds, peopleAhead, placesKnown } from '../../shared/queue/position.js';
import { hashSecret, newClientSecret } from '../../shared/tokens/secret.js';
import { Connection } from './connection.js';
import type { StoredTicket, TicketStore } from './storage.js';
import * as view from './view.js';

/** Resume failures after which the old place is gone: join afresh at the end. */
const START_OVER: ReadonlySet<ErrorCode> = new Set<ErrorCode>([
  ErrorCode.TICKET_EXPIRED,
  ErrorCode.TICKET_INVALID,
  ErrorCode.TICKET_UNKNOWN,
  ErrorCode.TICKET_WRONG_EVENT,
  ErrorCode.TICKET_LEFT,
]);

/** Refusals that name a time from which the same join will be accepted. */
const NOT_YET: ReadonlySet<ErrorCode> = new Set<ErrorCode>([ErrorCode.EVENT_NOT_OPEN_YET, ErrorCode.COHORT_NOT_OPEN_YET]);
/** Spread of automatic joins at a window's opening, so a crowd waiting for it does not arrive in one millisecond. */
const OPENING_SPREAD_MS = 5_000;

export interface WaitingOptions {
  eventId: string;
  opensAt: number;
  timeZone: string;
  /** Set when the event takes certain birth-date cohorts only: the help text of the birth-date question. */
  birthDateHelp: string | null;
  store: TicketStore;
  onAdmitted(entry: StoredTicket): void;
  /** Forgets the stored ticket and starts again at the end of the line. */
  rejoin(): void;
}

export function startWaiting(options: WaitingOptions): void {
  const { eventId, store } = options;
  let nextRid = 1;
  /** rid of the outstanding join or resume, to match its error. */
  let requestRid = 0;
  /** The secret of a join not yet answered; reused if the join is resent. */
  let pendingSecret: string | null = null;
  let retryTimer: ReturnType<typeof setTimeout> | undefined;
  /** A notice the next ticket must not clear (it explains why the place changed). */
  let keepNotice = false;
  let finished = false;
  let birthDate: string | null = null;

  const connection = new Connection(socketUrl(), {
    open: () => void joinOrResume(),
    message: handle,
    state: (state, closeCode) => {
      view.setConnection(state);
      if (closeCode !== undefined && !finished) closedForGood(closeCode);
    },
  });
  connection.start();

  async function joinOrResume(): Promise<void> {
    clearTimeout(retryTimer);
    const rid = (requestRid = nextRid++);
    const saved = store.load();
    if (saved) {
      connection.send({ type: 'resume', rid, ticket: saved.ticket, eventId });
      return;
    }
    if (options.birthDateHelp && !birthDate) birthDate = await view.askBirthDate(options.birthDateHelp);
    pendingSecret ??= newClientSecret();
    connection.send({ type: 'join', rid, eventId, secretHash: await hashSecret(pendingSecret), ...(birthDate ? { birthDate } : {}) });
  }

  function handle(message: ServerMessage): void {
    switch (message.type) {
      case 'ticket':
        if (message.eventId !== eventId) return;
        if (message.resumed) store.update({ ticket: message.ticket, ticketNo: message.ticketNo });
        else if (pendingSecret) {
          store.save({ eventId, ticket: message.ticket, ticketNo: message.ticketNo, secret: pendingSecret, joinedAhead: null });
          pendingSecret = null;
        }
        connection.resetBackoff();
        if (!keepNotice) view.clearNotice();
        keepNotice = false;
        view.setTicketNo(message.ticketNo);
        return;
      case 'tick':
        return onTick(message);
      case 'admitted':
        return onAdmitted(message);
      case 'error':
        return onError(message);
      case 'hello':
      case 'pong':
        return;
    }
  }

  function onTick(tick: TickMessage): void {
    if (tick.e !== eventId) return;
    view.setEventState(tick.st, tick.d === true);
    const saved = store.load();
    if (!saved) return;
    if (!placesKnown(tick)) {
      view.setPrequeue({ opensAt: options.opensAt, timeZone: options.timeZone, waiting: tick.i, now: tick.t });
      return;
    }
    view.setPrequeue(null);
    const ahead = peopleAhead(tick, saved.ticketNo);
    const joinedAhead = saved.joinedAhead ?? ahead;
    if (saved.joinedAhead === null) store.update({ joinedAhead });
    const progress = joinedAhead > 0 ? (joinedAhead - ahead) / joinedAhead : 1;
    view.setPosition({ ahead, etaSeconds: etaSeconds(tick, ahead), progress });
  }

  function onAdmitted(message: AdmittedMessage): void {
    if (message.eventId !== eventId) return;
    const entry = store.update({ grant: message.grant });
    if (!entry) return;
    finish();
    view.clearNotice();
    options.onAdmitted(entry);
  }

  function onError(error: ErrorMessage): void {
    if (START_OVER.has(error.code)) {
      store.clear();
      keepNotice = true;
      view.showNotice(`Your earlier place could not be restored (${error.message}). Joining the line again at the end.`);
      void joinOrResume();
    } else if (error.code === ErrorCode.TICKET_USED) {
      finish('This place in line was already used for a booking. Each person can book only once.');
    } else if (error.code === ErrorCode.GRANT_EXPIRED) {
      finish('Your turn came, but the time to book ran out.', { label: 'Join the line again', run: options.rejoin });
    } else if (NOT_YET.has(error.code) && error.retryAt !== undefined && error.rid === requestRid) {
      view.showNotice(`Not yet: ${error.message} This page joins by itself at ${view.formatLocalTime(error.retryAt, options.timeZone)}; keep it open.`);
      const wait = Math.max(1_000, error.retryAt - Date.now()) + Math.random() * OPENING_SPREAD_MS;
      retryTimer = setTimeout(() => void joinOrResume(), wait);
    } else if ((error.code === ErrorCode.NOT_ELIGIBLE || error.code === ErrorCode.BIRTH_DATE_REQUIRED) && error.rid === requestRid) {
      view.showNotice(error.message);
      birthDate = null;
      void joinOrResume();
    } else if (error.code === ErrorCode.EVENT_CLOSED || error.code === ErrorCode.UNKNOWN_EVENT || error.code === ErrorCode.COHORT_CLOSED) {
      finish(`You cannot join this event: ${error.message}`);
    } else if (error.retryable && error.rid === requestRid) {
      const why = error.message;
      view.showNotice(`${why} Trying again shortly; keep this page open.`);
      retryTimer = setTimeout(() => void joinOrResume(), 2_000 + Math.random() * 8_000);
    } else {
      view.showNotice(error.message);
    }
  }

  function closedForGood(code: number): void {
    if (code === CloseCode.EVENT_WITHDRAWN) {
      view.showSection(null);
      view.showNotice('This booking event was withdrawn by its organisers. Check the official announcements for a new date.');
    } else if (code === CloseCode.SUPERSEDED) {
      view.showNotice('Your place is now open in another tab or window, so this page stopped updating.', {
        label: 'Use this tab instead',
        run: () => location.reload(),
      });
    } else {
      view.showNotice(`The server ended the connection (code ${code}).`, { label: 'Reload', run: () => location.reload() });
    }
  }

  function finish(text?: string, action?: view.NoticeAction): void {
    finished = true;
    clearTimeout(retryTimer);
    connection.stop();
    if (!text) return;
    view.showSection(null);
    view.showNotice(text, action);
  }
}

function socketUrl(): string {
  return `${location.protocol === 'https:' ? 'wss:' : 'ws:'}//${location.host}/ws`;
}
