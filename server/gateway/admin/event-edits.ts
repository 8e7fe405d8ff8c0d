/**
 * The console's changes to one event, as edits of the live events document:
 * the result goes through the reloader like any other change (validated,
 * checked against the queues, audited, applied everywhere). Pure functions.
 */
import { HttpErrorCode } from '../../../shared/http/error-codes.js';
import type { EventConfig } from '../../config/event-schema.js';

type EventInput = Record<string, unknown>;

export type Edit =
  | { ok: true; event: EventInput; before: Record<string, unknown>; after: Record<string, unknown>; force: boolean }
  /** The change makes no sense in the event's state (409). */
  | { ok: false; code: HttpErrorCode; message: string };

/** An event as an events file writes it: the live form (times in ms, texts per language) reads back as the same event. */
export function eventInput(event: EventConfig): EventInput {
  const { prequeueOpensAt, ...rest } = event;
  return prequeueOpensAt === null ? rest : { ...rest, prequeueOpensAt };
}

/** The events file with `edited` in place of the event of the same id. */
export function eventsDocument(current: readonly EventConfig[], edited: EventInput): { events: EventInput[] } {
  return { events: current.map((event) => (event.id === edited.id ? edited : eventInput(event))) };
}

export interface Limits {
  maxActive?: number | undefined;
  admitsPerMinute?: number | undefined;
}

export function withLimits(event: EventConfig, limits: Limits): Edit {
  const after = { maxActive: limits.maxActive ?? event.maxActive, admitsPerMinute: limits.admitsPerMinute ?? event.admitsPerMinute };
  return {
    ok: true,
    event: { ...eventInput(event), ...after },
    before: { maxActive: event.maxActive, admitsPerMinute: event.admitsPerMinute },
    after,
    force: false,
  };
}

/**
 * Opens now: admission starts at once. Cohorts that opened with the event
 * open now with it; a pre-queue that has not opened yet is dropped.
 */
export function openedNow(event: EventConfig, now: number): Edit {
  if (now >= event.closesAt) return { ok: false, code: HttpErrorCode.EVENT_CLOSED, message: 'the event has closed' };
  if (now >= event.opensAt) return { ok: false, code: HttpErrorCode.EVENT_ALREADY_OPEN, message: 'the event is open already' };
  const { prequeueOpensAt, ...input } = eventInput(event);
  return {
    ok: true,
    event: {
      ...input,
      ...(typeof prequeueOpensAt === 'number' && prequeueOpensAt < now ? { prequeueOpensAt } : {}),
      opensAt: now,
      cohorts: event.cohorts.map((cohort) => (cohort.opensAt === event.opensAt ? { ...cohort, opensAt: now } : cohort)),
    },
    before: { opensAt: event.opensAt },
    after: { opensAt: now },
    force: false,
  };
}

/**
 * Closes now: nobody joins or books from now on; cohorts still open close with
 * it. Applied even while people wait (an operator's explicit act: the audit
 * records it as forced); an event that has not opened cannot close.
 */
export function closedNow(event: EventConfig, now: number): Edit {
  if (now >= event.closesAt) return { ok: false, code: HttpErrorCode.EVENT_ALREADY_CLOSED, message: 'the event has closed already' };
  if (now <= event.opensAt) return { ok: false, code: HttpErrorCode.EVENT_NOT_OPEN_YET, message: 'the event has not opened; change its window instead' };
  return {
    ok: true,
    event: {
      ...eventInput(event),
      closesAt: now,
      cohorts: event.cohorts.map((cohort) => (cohort.closesAt > now ? { ...cohort, closesAt: now } : cohort)),
    },
    before: { closesAt: event.closesAt },
    after: { closesAt: now },
    force: true,
  };
}
