/**
 * Ticket numbers skipped when Redis comes back from a restart (see
 * docs/decisions/004). Redis with AOF may lose its last writes (up to a second
 * with `appendfsync everysec`, more after a failover to a lagging replica), so
 * numbers issued then may be issued again unless the counter jumps past them.
 * The skipped numbers count as leavers, so they cost nobody a place; the gap
 * only has to exceed the joins a lost window can hold (one Redis takes well
 * under 100,000 joins a second).
 */
export const RESTART_TICKET_GAP = 100_000;

/** The same for each priority lane's own numbers (docs/decisions/031): lanes take far fewer joins a second. */
export const LANE_RESTART_GAP = 10_000;
