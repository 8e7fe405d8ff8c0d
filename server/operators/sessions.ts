/**
 * Operator sessions for the console. The id is 32 random bytes that live only
 * in the operator's cookie; the store keeps the SHA-256 of it, so a copy of
 * the store signs nobody in. Sessions sit in the shared store, so any gateway
 * of a deployment accepts one made on another. A session expires `ttlMs`
 * after its last use (sliding); the store copy is refreshed at most once a
 * minute rather than on every request. The role is read from the configured
 * accounts at each use: a removed account's sessions stop working at once.
 */
import { createHash, randomBytes } from 'node:crypto';
import type { OperatorSessionStore } from '../store/types.js';
import type { Operator } from './accounts.js';

/** base64url of 32 bytes. */
const SESSION_ID = /^[A-Za-z0-9_-]{43}$/;
const REFRESH_AFTER_MS = 60_000;
/** With one master of three away, all of them failing is (1/3)^8, about 1 in 6,600; each failure is immediate (no offline queue). */
const OPEN_ATTEMPTS = 8;

export interface OperatorSessionsOptions {
  store: OperatorSessionStore;
  ttlMs: number;
  /** The operator as configured now, or null when the account is gone. */
  operator(name: string): Operator | null;
}

export class OperatorSessions {
  constructor(private readonly options: OperatorSessionsOptions) {}

  get ttlMs(): number {
    return this.options.ttlMs;
  }

  /**
   * A new session for `operator`; the id goes in the cookie and nowhere else. When it cannot be stored, a fresh id
   * is tried (OPEN_ATTEMPTS in all): on a Redis Cluster each id's key hashes to its own slot, so with one master away
   * the next most likely lands on a live one (decision 026).
   */
  async open(operator: Operator, now: number): Promise<{ id: string; expiresAt: number }> {
    const expiresAt = now + this.options.ttlMs;
    for (let attempt = 1; ; attempt++) {
      const id = randomBytes(32).toString('base64url');
      try {
        await this.options.store.put(hashOf(id), { name: operator.name, role: operator.role, expiresAt }, now);
        return { id, expiresAt };
      } catch (error) {
        if (attempt >= OPEN_ATTEMPTS) throw error;
      }
    }
  }

  /** The operator signed in under `id`, or null (unknown, expired, malformed, or the account is gone). */
  async resume(id: string, now: number): Promise<Operator | null> {
    if (!SESSION_ID.test(id)) return null;
    const idHash = hashOf(id);
    const record = await this.options.store.get(idHash, now);
    if (!record) return null;
    const operator = this.options.operator(record.name);
    if (!operator) {
      await this.options.store.delete(idHash);
      return null;
    }
    if (record.expiresAt - now < this.options.ttlMs - REFRESH_AFTER_MS) {
      await this.options.store.put(idHash, { ...record, role: operator.role, expiresAt: now + this.options.ttlMs }, now);
    }
    return operator;
  }

  /** Forgets the session (sign-out); unknown ids are fine. */
  async close(id: string): Promise<void> {
    if (SESSION_ID.test(id)) await this.options.store.delete(hashOf(id));
  }
}

function hashOf(id: string): string {
  return createHash('sha256').update(id).digest('base64url');
}
