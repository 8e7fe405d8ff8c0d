/**
 * Operators' notices on a gateway: every node reads the event's notice with
 * its figures each tick (no extra store call) and broadcasts it once when it
 * changes; a newcomer gets the current one right after its ticket
 * (EventRoom.hold).
 */
import { encode } from '../../shared/protocol/codec.js';
import type { NoticeMessage } from '../../shared/protocol/messages.js';
import type { Notice } from '../store/types.js';
import type { TickContext } from './context.js';
import type { EventRoom } from './event-room.js';
import { eventTopic } from './session.js';

/**
 * Ids grow with each notice; the time guards against a store that lost its
 * last writes and counts ids again from an earlier one. An older reading
 * (a tick that read the store before the console's change) is ignored.
 */
function isNewer(notice: Notice, than: Notice | null): boolean {
  if (!than) return true;
  return notice.id !== than.id && (notice.id > than.id || notice.at > than.at);
}

/** Broadcasts `notice` to the event's waiters on this node when it is newer than the last one sent. */
export function followNotice(ctx: Pick<TickContext, 'transport'>, room: EventRoom, notice: Notice | null): void {
  if (!notice || !isNewer(notice, room.notice)) return;
  const message: NoticeMessage = {
    type: 'notice',
    e: room.config.id,
    id: notice.id,
    text: notice.text,
    ...(notice.en ? { en: notice.en } : {}),
    at: notice.at,
  };
  room.notice = notice;
  room.noticeFrame = encode(message);
  ctx.transport().publish(eventTopic(room.config.id), room.noticeFrame);
}
