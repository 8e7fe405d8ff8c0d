/**
 * Someone who drops and resumes on the same gateway between two ticks keeps
 * their place: the departure the gateway noted at the drop must not reach the
 * store after the return (it would mark a held ticket away, and admission
 * would pass over it). Both stores.
 */
import { afterEach, describe, expect, it } from 'vitest';
import type { Stores } from '../../server/store/types.js';
import { storeFactories } from '../support/stores.js';
import { startTestSystem, testEvent, type TestSystem } from '../support/system.js';
import { TestClient } from '../support/ws-client.js';

describe.each(storeFactories)('$name store', (factory) => {
  let stores: Stores;
  let system: TestSystem;
  const clients: TestClient[] = [];

  afterEach(async () => {
    await Promise.all(clients.splice(0).map((client) => client.close()));
    await system.stop();
    await stores.close();
  });

  it('a drop and a resume between two ticks keeps the place: admitted when the queue moves', async () => {
    stores = await factory.create();
    // No grace: a ticket the store believes away is passed over at once.
    system = await startTestSystem({ stores, tickMs: 400, events: [testEvent({ graceSeconds: 0, maxActive: 10 })] });
    await stores.queue.setPaused('ev', true);
    const first = await TestClient.connect(system.wsUrl);
    const { ticket, ticketNo } = await first.join('ev');
    await first.waitFor('tick');
    // Drop and come back at once, well inside one tick.
    await first.close();
    const back = await TestClient.connect(system.wsUrl, first.secret);
    clients.push(back);
    expect((await back.resume(ticket, 'ev')).ticketNo).toBe(ticketNo);
    // Two ticks pass, so the noted departure has been flushed, then the queue moves.
    await new Promise((resolve) => setTimeout(resolve, 1000));
    await stores.queue.setPaused('ev', false);
    const admitted = await back.waitFor('admitted', undefined, 5000);
    expect(admitted.grant).toBeTruthy();
  });
});
