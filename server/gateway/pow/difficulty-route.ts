/**
 * `POST /admin/events/:id/pow` {difficulty}: the operators raise or lower an
 * event's proof-of-work difficulty (0 turns it off). An edit of the live
 * events document through the reloader, like the limits route, so every
 * gateway issues challenges at the new difficulty; audited as `event.pow`.
 */
import { DifficultyBody } from '../../../shared/http/console.js';
import type { EventConfig } from '../../config/event-schema.js';
import { parseBody } from '../admin/body.js';
import { eventInput, type Edit } from '../admin/event-edits.js';
import { apply } from '../admin/schedule-actions.js';
import type { AdminServices, EventCall } from '../admin/services.js';
import type { HttpResponse } from '../transport/types.js';

export function withDifficulty(event: EventConfig, difficulty: number): Edit {
  const proofOfWork = { ...event.proofOfWork, difficulty };
  return { ok: true, event: { ...eventInput(event), proofOfWork }, before: { difficulty: event.proofOfWork.difficulty }, after: { difficulty }, force: false };
}

export async function changeDifficulty(services: AdminServices, call: EventCall): Promise<HttpResponse> {
  const body = parseBody(services, call, 'event.pow', DifficultyBody);
  if (!body.ok) return body.response;
  return apply(services, call, 'event.pow', withDifficulty(call.room.config, body.value.difficulty));
}
