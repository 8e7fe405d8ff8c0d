/** The WebSocket the waiting page's HTML opened before its scripts loaded (client/index.html), handed over once. */
import type { EarlySocket } from '../sdk/connection.js';

declare global {
  var waitroomSocket: EarlySocket | undefined;
}

/** The early socket, once; later calls get undefined. */
export function takeEarlySocket(): EarlySocket | undefined {
  const early = globalThis.waitroomSocket;
  globalThis.waitroomSocket = undefined;
  return early;
}

/** Closes the early socket when the page will not connect (no such event, already booked). */
export function dropEarlySocket(): void {
  takeEarlySocket()?.socket.close(1000);
}
