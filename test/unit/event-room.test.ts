/**
 * The per-event room (server/gateway/event-room.ts) without sockets: real
 * sessions over a FakeConnection, each mutator, and the room's invariants
 * checked after every step of joins, supersedes, admissions, revocations,
 * withdrawals and departures across ticks.
 */
import { describe, expect, it } from 'vitest';
import { CloseCode, ErrorCode } from '../../shared/protocol/codes.js';
import { encode } from '../../shared/protocol/codec.js';
import { EventConfig } from '../../server/config/event-schema.js';
import { closeWithdrawn, EventRoom } from '../../server/gateway/event-room.js';
import { Session, eventTopic } from '../../server/gateway/session.js';
import { FakeConnection } from '../support/fake-connection.js';
import { fakeStore } from '../support/fake-departure-store.js';
import { testEvent } from '../support/system.js';

const TOPIC = eventTopic('ev');

function newRoom(): EventRoom {
  return new EventRoom(EventConfig.parse(testEvent({ id: 'ev' })));
}

/** Sessions of one test, and the errors and closes they counted. */
function people() {
  const counted: string[] = [];
  const all: Session[] = [];
  return {
    counted,
    all,
    connect(): Session {
      const session = new Session(new FakeConnection(), (code) => counted.push(code));
      all.push(session);
      return session;
    },
  };
}

/** A session that claimed and was given ticket `ticketNo` (as a join or a resume does). */
function holding(room: EventRoom, session: Session, ticketNo: number): Session {
  expect(session.claim(undefined)).toBe(true);
  session.unclaim();
  room.hold(session, { eventId: 'ev', ticketNo, secretHash: `sh${ticketNo}` });
  return session;
}

function conn(session: Session): FakeConnection {
  return session.connection as FakeConnection;
}

/** The room's invariants (the header of event-room.ts), read through its public face. */
function checkInvariants(room: EventRoom, sessions: Session[]): void {
  const waiters = new Set(room.takeDue(Number.MAX_SAFE_INTEGER, null));
  for (const waiter of waiters) {
    expect(waiter.state.kind).toBe('waiting'); // 3: a waiter waits (so is not admitted)
    expect(room.holderOf(waiter.ticket!.ticketNo)).toBe(waiter); // 1: a waiter is a holder
  }
  for (const ticketNo of room.pendingDepartures()) expect(room.holderOf(ticketNo)).toBeUndefined(); // 2
  for (const session of sessions) {
    if (session.state.kind === 'waiting') expect(waiters.has(session)).toBe(true); // 3: a waiting session is a waiter
    if (session.state.kind === 'admitted') expect(waiters.has(session)).toBe(false); // 3
    if (session.state.kind === 'open') expect(session.ticket).toBeNull(); // 4: let go
  }
  expect(room.waiterCount).toBe(waiters.size);
}

describe('EventRoom', () => {
  it('hold: the session waits, hears ticks, gets the last tick and the notice at once, and drops its nonce', () => {
    const room = newRoom();
    const { connect, all } = people();
    room.lastFrame = encode({ type: 'pong', t: 1, serverTime: 2 });
    room.notice = { id: 3, text: 'doors at nine', en: null, at: 4 };
    room.noticeFrame = encode({ type: 'notice', e: 'ev', id: 3, text: 'doors at nine', at: 4 });
    const session = holding(room, connect(), 7);
    expect(session.state).toEqual({ kind: 'waiting', ticket: { eventId: 'ev', ticketNo: 7, secretHash: 'sh7' } });
    expect(session.nonce).toBeNull();
    expect(room.holderOf(7)).toBe(session);
    expect(conn(session).topics.has(TOPIC)).toBe(true);
    expect(
      conn(session)
        .messages()
        .map((m) => m.type),
    ).toEqual(['pong', 'notice']);
    expect(session.claim(5)).toBe(false);
    expect(conn(session).messages().at(-1)).toMatchObject({ type: 'error', rid: 5, code: ErrorCode.ALREADY_JOINED });
    checkInvariants(room, all);
  });

  it('hold of a held ticket supersedes the earlier holder: closed 4101, counted, and its going departs nothing', async () => {
    const room = newRoom();
    const { connect, all, counted } = people();
    const first = holding(room, connect(), 3);
    const second = holding(room, connect(), 3);
    expect(conn(first).closedWith?.code).toBe(CloseCode.SUPERSEDED);
    expect(counted).toContain('CLOSE_SUPERSEDED');
    expect(room.holderOf(3)).toBe(second);
    first.gone();
    room.depart(first);
    expect(room.pendingDepartures()).toEqual([]);
    expect(room.takeDue(10, null)).toEqual([second]);
    checkInvariants(room, all);
  });

  it('depart: a waiter that went is departed once; flushDepartures tells the store and empties the record', async () => {
    const room = newRoom();
    const { connect, all } = people();
    const session = holding(room, connect(), 4);
    session.gone();
    room.depart(session);
    room.depart(session);
    expect(room.pendingDepartures()).toEqual([4]);
    expect(room.holderOf(4)).toBeUndefined();
    const store = fakeStore();
    await room.flushDepartures(store.calls);
    expect(store.disconnected).toEqual([4]);
    expect(room.pendingDepartures()).toEqual([]);
    checkInvariants(room, all);
  });

  it('a ticket held again before the tick is no longer departed; one held again during the flush returns once more', async () => {
    const room = newRoom();
    const { connect, all } = people();
    const a = holding(room, connect(), 1);
    const b = holding(room, connect(), 2);
    for (const s of [a, b]) (s.gone(), room.depart(s));
    holding(room, connect(), 1);
    expect(room.pendingDepartures()).toEqual([2]);
    const store = fakeStore();
    store.during = () => holding(room, connect(), 2);
    await room.flushDepartures(store.calls);
    expect([store.disconnected, store.reconnected]).toEqual([[2], [2]]);
    checkInvariants(room, all);
  });

  it('a failed flush keeps the departures for the next tick, except those held again meanwhile', async () => {
    const room = newRoom();
    const { connect, all } = people();
    const a = holding(room, connect(), 1);
    const b = holding(room, connect(), 2);
    for (const s of [a, b]) (s.gone(), room.depart(s));
    const store = fakeStore();
    store.fail = true;
    store.during = () => holding(room, connect(), 1);
    await expect(room.flushDepartures(store.calls)).rejects.toThrow('store unreachable');
    expect(room.pendingDepartures()).toEqual([2]);
    await room.flushDepartures(store.calls);
    expect(store.disconnected).toEqual([2]);
    checkInvariants(room, all);
  });

  it('a session that closed while its request was in flight does not hold the ticket it gets: the ticket is departed', () => {
    const room = newRoom();
    const { connect, all } = people();
    const session = connect();
    expect(session.claim(undefined)).toBe(true);
    session.gone();
    room.hold(session, { eventId: 'ev', ticketNo: 9, secretHash: 'sh9' });
    expect(room.holderOf(9)).toBeUndefined();
    expect(room.pendingDepartures()).toEqual([9]);
    checkInvariants(room, all);
  });

  it('admit: the session stops waiting and hearing ticks, keeps its ticket, and its going departs nothing', () => {
    const room = newRoom();
    const { connect, all } = people();
    const session = holding(room, connect(), 5);
    expect(room.admit(session).ticketNo).toBe(5);
    expect(session.state.kind).toBe('admitted');
    expect(conn(session).topics.has(TOPIC)).toBe(false);
    expect(room.holderOf(5)).toBe(session);
    checkInvariants(room, all);
    session.gone();
    room.depart(session);
    expect(room.pendingDepartures()).toEqual([]);
    expect(room.holderOf(5)).toBeUndefined();
  });

  it('finish: the turn passed unused; the session holds nothing, may join again, and its going departs nothing', () => {
    const room = newRoom();
    const { connect, all } = people();
    const session = holding(room, connect(), 6);
    room.finish(session);
    expect(session.state.kind).toBe('open');
    expect(room.holderOf(6)).toBeUndefined();
    expect(conn(session).topics.has(TOPIC)).toBe(false);
    checkInvariants(room, all);
    session.gone();
    room.depart(session);
    expect(room.pendingDepartures()).toEqual([]);
  });

  it('release: a holder that left the queue is let go without a departure', () => {
    const room = newRoom();
    const { connect, all } = people();
    const session = holding(room, connect(), 8);
    room.release(session);
    session.close(CloseCode.NORMAL);
    session.gone();
    room.depart(session);
    expect(room.holderOf(8)).toBeUndefined();
    expect(room.pendingDepartures()).toEqual([]);
    checkInvariants(room, all);
  });

  it('revoke: the holder (waiting or admitted) is told TICKET_REVOKED and closed 4103, counted; others are untouched', () => {
    const room = newRoom();
    const { connect, all, counted } = people();
    const waiting = holding(room, connect(), 1);
    const admitted = holding(room, connect(), 2);
    const bystander = holding(room, connect(), 3);
    room.admit(admitted);
    room.revoke(1);
    room.revoke(2);
    room.revoke(99);
    for (const s of [waiting, admitted]) {
      expect(conn(s).messages().at(-1)).toMatchObject({ type: 'error', code: ErrorCode.TICKET_REVOKED, retryable: false });
      expect(conn(s).closedWith?.code).toBe(CloseCode.TICKET_REVOKED);
      s.gone();
      room.depart(s);
    }
    expect(counted.filter((c) => c === 'CLOSE_TICKET_REVOKED')).toHaveLength(2);
    expect(conn(bystander).closedWith).toBeNull();
    expect(room.pendingDepartures()).toEqual([]);
    checkInvariants(room, all);
  });

  it('withdraw: every holder is told and closed 4102, counted, as is a request in flight; no departure is recorded after', () => {
    const room = newRoom();
    const { connect, all, counted } = people();
    const a = holding(room, connect(), 1);
    const b = holding(room, connect(), 2);
    room.admit(b);
    const inFlight = connect();
    inFlight.claim(4);
    expect(room.withdraw()).toBe(2);
    expect(room.closed).toBe(true);
    closeWithdrawn(inFlight, 4);
    const texts = new Set<string>();
    for (const s of [a, b, inFlight]) {
      const error = conn(s).messages().at(-1);
      expect(error).toMatchObject({ type: 'error', code: ErrorCode.EVENT_CLOSED });
      if (error?.type === 'error') texts.add(error.message);
      expect(conn(s).closedWith?.code).toBe(CloseCode.EVENT_WITHDRAWN);
      s.gone();
      room.depart(s);
    }
    expect(texts.size).toBe(1);
    expect(counted.filter((c) => c === 'CLOSE_EVENT_WITHDRAWN')).toHaveLength(3);
    expect(room.pendingDepartures()).toEqual([]);
  });

  it('takeDue: the waiters at or behind the cursor, still waiting', () => {
    const room = newRoom();
    const { connect, all } = people();
    const [s1, s2, s3, s4] = [1, 2, 3, 4].map((n) => holding(room, connect(), n));
    room.admit(s1!);
    s2!.gone();
    room.depart(s2!);
    expect(room.takeDue(3, null)).toEqual([s3]);
    expect(new Set(room.takeDue(4, null))).toEqual(new Set([s3, s4]));
    checkInvariants(room, all);
  });

  it('keeps its invariants through random joins, resumes, admissions, finishes, revocations and departures across ticks', async () => {
    let seed = 12345;
    const random = (n: number) => ((seed = (seed * 1103515245 + 12345) % 2 ** 31), Math.floor((seed / 2 ** 31) * n));
    const room = newRoom();
    const { connect, all } = people();
    const store = fakeStore();
    // The departures the room should record: a waiter's going adds its ticket, holding the ticket again drops it.
    let pending: number[] = [];
    const flushed: number[] = [];
    let nextTicket = 1;
    const take = (ticketNo: number) => {
      pending = pending.filter((n) => n !== ticketNo);
      holding(room, connect(), ticketNo);
    };
    for (let step = 0; step < 600; step++) {
      const live = all.filter((s) => !s.closed);
      const waiting = live.filter((s) => s.state.kind === 'waiting');
      const pick = <T>(list: T[]): T | undefined => list[random(Math.max(list.length, 1))];
      const anyTicket = () => 1 + random(nextTicket - 1);
      const action = random(8);
      if (action === 0 || nextTicket === 1) take(nextTicket++);
      else if (action === 1) take(anyTicket());
      else if (action === 2) pick(waiting) && room.admit(pick(waiting)!);
      else if (action === 3) pick(waiting) && room.finish(pick(waiting)!);
      else if (action === 4) room.revoke(anyTicket());
      else if (action === 7) {
        flushed.push(...pending);
        pending = [];
        await room.flushDepartures(store.calls);
      } else {
        const s = pick(live);
        if (s?.state.kind === 'waiting') pending.push(s.ticket!.ticketNo);
        s?.gone();
        if (s) room.depart(s);
      }
      checkInvariants(room, live);
      expect(room.pendingDepartures()).toEqual(pending);
    }
    expect(store.disconnected).toEqual(flushed);
    expect(flushed.length).toBeGreaterThan(20);
  });
});
