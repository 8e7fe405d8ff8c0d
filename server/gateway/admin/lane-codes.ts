/**
 * Priority-lane codes from the console (docs/decisions/031): an operator issues
 * a batch for one lane of an event (single-use or with several uses, until an
 * expiry) and lists the event's codes with their use counts. Issuing is audited
 * with the lane, count, uses and expiry (never the codes themselves).
 */
import { randomBytes } from 'node:crypto';
import { HttpErrorCode } from '../../../shared/http/error-codes.js';
import { LaneCodesBody, type LaneCodesResponse, type LaneCodeView } from '../../../shared/http/console.js';
import { formatLaneCode, LANE_CODE_LENGTH, laneCodeFrom } from '../../../shared/queue/lane-code.js';
import type { LaneCode, NewLaneCode } from '../../store/types.js';
import type { HttpResponse } from '../transport/types.js';
import { parseBody } from './body.js';
import { json, refuse, STORE_UNAVAILABLE, type Refusal } from './responses.js';
import { audit, type AdminServices, type EventCall } from './services.js';

const ACTION = 'lane.codes';

function view(code: LaneCode): LaneCodeView {
  return { ...code, code: formatLaneCode(code.code) };
}

function refused(services: AdminServices, call: EventCall, refusal: Refusal, details: Record<string, unknown>): HttpResponse {
  audit(services, call, ACTION, 'refused', { event: call.room.config.id, reason: refusal.code, ...details });
  return refuse(refusal);
}

/** `POST /admin/events/:id/lane-codes`: issues the codes; 201 with them. */
export async function issueLaneCodes(services: AdminServices, call: EventCall): Promise<HttpResponse> {
  const body = parseBody(services, call, ACTION, LaneCodesBody);
  if (!body.ok) return body.response;
  const { laneId, count, uses, expiresAt } = body.value;
  const eventId = call.room.config.id;
  const details = { lane: laneId, count, uses, expiresAt };
  if (!call.room.config.lanes.some(({ id }) => id === laneId)) {
    return refused(services, call, { status: 404, code: HttpErrorCode.UNKNOWN_LANE, message: `event "${eventId}" has no lane "${laneId}"` }, details);
  }
  if (expiresAt <= call.now) {
    return refused(services, call, { status: 400, code: HttpErrorCode.LANE_CODE_EXPIRY, message: 'the codes must expire in the future' }, details);
  }
  const codes: NewLaneCode[] = Array.from({ length: count }, () => ({ code: laneCodeFrom(randomBytes(LANE_CODE_LENGTH)), laneId, uses, expiresAt }));
  let issued: boolean;
  try {
    issued = await services.ctx.queue.issueCodes(eventId, codes, call.now);
  } catch (error) {
    audit(services, call, ACTION, 'failed', { event: eventId, ...details, message: (error as Error).message });
    return refuse(STORE_UNAVAILABLE);
  }
  // A batch is refused whole: the event is full of codes (or, once in 2^60, a code repeated).
  if (!issued) return refused(services, call, { status: 409, code: HttpErrorCode.LANE_CODES_FULL, message: 'the event keeps no more codes' }, details);
  audit(services, call, ACTION, 'applied', { event: eventId, ...details });
  const response: LaneCodesResponse = { codes: codes.map((code) => view({ ...code, used: 0, issuedAt: call.now })) };
  return json(201, response);
}

/** `GET /admin/events/:id/lane-codes`: every code of the event with its use count, newest first. */
export async function listLaneCodes(services: AdminServices, call: EventCall): Promise<HttpResponse> {
  try {
    const codes = await services.ctx.queue.listCodes(call.room.config.id);
    return json(200, { codes: codes.map(view) } satisfies LaneCodesResponse);
  } catch {
    return refuse(STORE_UNAVAILABLE);
  }
}
