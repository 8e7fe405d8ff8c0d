/** Operator sessions in process memory (one process is the whole deployment); expired ones are dropped when met. */
import type { OperatorSessionRecord, OperatorSessionStore } from '../types.js';

export class MemoryOperatorSessions implements OperatorSessionStore {
  private readonly sessions = new Map<string, OperatorSessionRecord>();

  async put(idHash: string, record: OperatorSessionRecord): Promise<void> {
    this.sessions.set(idHash, { ...record });
  }

  async get(idHash: string, now: number): Promise<OperatorSessionRecord | null> {
    const record = this.sessions.get(idHash);
    if (!record) return null;
    if (record.expiresAt <= now) {
      this.sessions.delete(idHash);
      return null;
    }
    return { ...record };
  }

  async delete(idHash: string): Promise<void> {
    this.sessions.delete(idHash);
  }
}
