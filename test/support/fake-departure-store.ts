/** The two store calls a room's flush of departures makes (server/gateway/event-room.ts), recorded. */
import type { DepartureStore } from '../../server/gateway/event-room.js';

/** A store that records the departures and returns it is told of; `fail` makes the next disconnect throw. */
export function fakeStore() {
  const store = {
    disconnected: [] as number[],
    reconnected: [] as number[],
    fail: false,
    /** Runs while a disconnect is on its way (a resume that overtakes it). */
    during: null as null | (() => void),
    calls: {
      disconnect: async (ticketNos: number[]) => {
        store.during?.();
        store.during = null;
        if (store.fail) {
          store.fail = false;
          throw new Error('store unreachable');
        }
        store.disconnected.push(...ticketNos);
      },
      reconnect: async (ticketNo: number) => void store.reconnected.push(ticketNo),
    } satisfies DepartureStore,
  };
  return store;
}
