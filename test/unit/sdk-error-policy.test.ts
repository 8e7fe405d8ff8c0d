/** What the SDK does after each refusal and terminal close (docs/protocol.md §7–8). */
import { describe, expect, it } from 'vitest';
import { closeErrorCode, outcomeOf, retryDelay } from '../../client/sdk/error-policy.js';
import { CloseCode, ErrorCode, RETRYABLE_ERRORS } from '../../shared/protocol/index.js';

const inFlight = { answersRequest: true, canAskBirthDate: true };

function outcome(code: ErrorCode, context = inFlight, retryAt?: number) {
  return outcomeOf({ code, retryable: RETRYABLE_ERRORS.has(code), ...(retryAt !== undefined ? { retryAt } : {}) }, context);
}

describe('outcomeOf', () => {
  it('joins afresh when the old place is gone', () => {
    for (const code of [ErrorCode.TICKET_EXPIRED, ErrorCode.TICKET_INVALID, ErrorCode.TICKET_UNKNOWN, ErrorCode.TICKET_WRONG_EVENT, ErrorCode.TICKET_LEFT]) {
      expect(outcome(code), code).toBe('rejoining');
    }
  });

  it('stops for good when only a person can decide (revoked, used, expired, closed)', () => {
    for (const code of [
      ErrorCode.TICKET_REVOKED,
      ErrorCode.TICKET_USED,
      ErrorCode.GRANT_EXPIRED,
      ErrorCode.EVENT_CLOSED,
      ErrorCode.UNKNOWN_EVENT,
      ErrorCode.COHORT_CLOSED,
    ]) {
      expect(outcome(code), code).toBe('stopped');
      expect(outcome(code, { answersRequest: false, canAskBirthDate: false }), code).toBe('stopped');
    }
  });

  it('retries a not-yet join at its retryAt, and a retryable one later; only for the request in flight', () => {
    expect(outcome(ErrorCode.EVENT_NOT_OPEN_YET, inFlight, 1000)).toBe('retrying');
    expect(outcome(ErrorCode.COHORT_NOT_OPEN_YET, inFlight, 1000)).toBe('retrying');
    expect(outcome(ErrorCode.EVENT_NOT_OPEN_YET, { ...inFlight, answersRequest: false }, 1000)).toBe('info');
    expect(outcome(ErrorCode.STORE_UNAVAILABLE)).toBe('retrying');
    expect(outcome(ErrorCode.INTERNAL)).toBe('retrying');
    expect(outcome(ErrorCode.STORE_UNAVAILABLE, { ...inFlight, answersRequest: false })).toBe('info');
  });

  it('asks the birth date again, or stops when it cannot ask', () => {
    expect(outcome(ErrorCode.NOT_ELIGIBLE)).toBe('needs-birth-date');
    expect(outcome(ErrorCode.BIRTH_DATE_REQUIRED)).toBe('needs-birth-date');
    expect(outcome(ErrorCode.NOT_ELIGIBLE, { answersRequest: true, canAskBirthDate: false })).toBe('stopped');
  });

  it('reports everything else without acting', () => {
    expect(outcome(ErrorCode.ALREADY_JOINED)).toBe('info');
    expect(outcome(ErrorCode.INVALID_MESSAGE)).toBe('info');
  });
});

describe('retryDelay', () => {
  it('waits until retryAt plus up to 5 s of spread, at least 1 s', () => {
    expect(retryDelay({ retryAt: 10_000 }, 4_000, () => 0)).toBe(6_000);
    expect(retryDelay({ retryAt: 10_000 }, 4_000, () => 0.999)).toBeCloseTo(10_995, 0);
    expect(retryDelay({ retryAt: 1_000 }, 4_000, () => 0)).toBe(1_000);
  });
  it('waits 2–10 s without a retryAt', () => {
    expect(retryDelay({}, 0, () => 0)).toBe(2_000);
    expect(retryDelay({}, 0, () => 1)).toBe(10_000);
  });
});

it('names terminal closes after their close code', () => {
  expect(closeErrorCode(CloseCode.SUPERSEDED)).toBe('SUPERSEDED');
  expect(closeErrorCode(CloseCode.EVENT_WITHDRAWN)).toBe('EVENT_WITHDRAWN');
  expect(closeErrorCode(CloseCode.TICKET_REVOKED)).toBe('TICKET_REVOKED');
  expect(closeErrorCode(4103)).toBe('TICKET_REVOKED');
  expect(closeErrorCode(CloseCode.PROTOCOL_VIOLATION)).toBe('PROTOCOL_VIOLATION');
  expect(closeErrorCode(CloseCode.NORMAL)).toBe('CONNECTION_CLOSED');
  expect(closeErrorCode(4150)).toBe('CONNECTION_CLOSED');
});
