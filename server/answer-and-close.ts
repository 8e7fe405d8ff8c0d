/**
 * Answers a connection the HTTP parser gave up on (bad bytes, a head too
 * large, a request too slow), then closes it. `end()` alone half-closes: the
 * socket stays open, and counted, until the client closes its side, which a
 * slow sender that never reads never does. So it is destroyed a moment
 * later whatever the client does; one that reads has had its answer by then.
 */
import type { Duplex } from 'node:stream';

/** How long a client has to read the answer and close before the socket is destroyed. */
const LINGER_MS = 1000;

export function answerAndClose(socket: Duplex, answer: string): void {
  socket.end(answer);
  setTimeout(() => socket.destroy(), LINGER_MS).unref();
}
