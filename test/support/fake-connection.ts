/**
 * A `Connection` (server/gateway/transport/types.ts) that records what the
 * gateway did with it: the frames sent (decoded), its topics, its close.
 * For testing the gateway's session logic without sockets.
 */
import { decodeServerMessage } from '../../shared/protocol/codec.js';
import type { ServerMessage } from '../../shared/protocol/messages.js';
import type { Connection, SendResult } from '../../server/gateway/transport/types.js';

let nextId = 1;

export class FakeConnection implements Connection {
  readonly id = nextId++;
  readonly origin = '';
  readonly frames: Uint8Array[] = [];
  readonly topics = new Set<string>();
  closedWith: { code: number; reason: string } | null = null;
  /** What `send` answers ('dropped' stands for a connection too far behind). */
  sendResult: SendResult = 'sent';

  constructor(readonly remoteAddress = '127.0.0.1') {}

  send(bytes: Uint8Array): SendResult {
    if (this.closedWith) return 'dropped';
    this.frames.push(bytes);
    return this.sendResult;
  }

  close(code: number, reason: string): void {
    this.closedWith ??= { code, reason };
  }

  subscribe(topic: string): void {
    if (!this.closedWith) this.topics.add(topic);
  }

  unsubscribe(topic: string): void {
    this.topics.delete(topic);
  }

  bufferedAmount(): number {
    return 0;
  }

  /** The frames sent, decoded (raw frames the room passes on, such as ticks, decode too). */
  messages(): ServerMessage[] {
    return this.frames.map((bytes) => {
      const decoded = decodeServerMessage(bytes);
      if (!decoded.ok) throw new Error(`the gateway sent an undecodable frame: ${decoded.message}`);
      return decoded.message;
    });
  }
}
