import { DrawProposals, randomDrawSeed } from '../draw-seed.js';
import type { DrawSeeds, Stores } from '../types.js';
import { MemoryAuditTrail } from './audit-trail.js';
import { MemoryBookingStore } from './booking-store.js';
import { MemoryEvents } from './event-state.js';
import { MemoryHistory } from './history.js';
import { MemoryOperatorSessions } from './operator-sessions.js';
import { MemoryQueueStore } from './queue-store.js';
import { MemoryRecoveryCodes } from './recovery-codes.js';
import { MemorySharedEvents } from './shared-events.js';
import { MemorySignInThrottle } from './sign-in-throttle.js';
import { MemoryTurnNotices } from './turn-notices.js';

/** `drawSeed`: seeds of pre-queue draws; random unless a test fixes them. `auditCapacity`: audit entries kept (AUDIT_CAPACITY unless a test wants fewer). */
export function createMemoryStores(drawSeed: DrawSeeds = randomDrawSeed, auditCapacity?: number): Stores {
  const events = new MemoryEvents();
  return {
    queue: new MemoryQueueStore(events, new DrawProposals(drawSeed)),
    bookings: new MemoryBookingStore(events),
    sessions: new MemoryOperatorSessions(),
    signInThrottle: new MemorySignInThrottle(),
    events: new MemorySharedEvents(),
    audit: new MemoryAuditTrail(auditCapacity),
    history: new MemoryHistory(),
    recovery: new MemoryRecoveryCodes(),
    turnNotices: new MemoryTurnNotices(),
    ping: async () => true,
    health: async () => ({ shards: [], serves: () => true }),
    close: async () => {},
  };
}
