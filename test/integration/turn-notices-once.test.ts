/**
 * A turn notice goes out once per ticket however many gateways see the turn:
 * three gateways share a Redis store, each ticks the event and sees the same
 * places come near and come, and the push service receives exactly one
 * "near" and one "turn" per person who left a subscription (the claim in the
 * store, decision 029), while the line moves through 30 people.
 */
import { afterEach, expect, it } from 'vitest';
import { generateKeys } from '../../server/config/keys.js';
import type { Stores } from '../../server/store/types.js';
import { PushReceiver } from '../support/push-receiver.js';
import { storeFactories } from '../support/stores.js';
import { startTestSystem, testEvent, type TestSystem } from '../support/system.js';
import { TestClient } from '../support/ws-client.js';

const redis = storeFactories.find((factory) => factory.name === 'redis')!;
const PEOPLE = 30;

let stores: Stores | null = null;
let receiver: PushReceiver | null = null;
const systems: TestSystem[] = [];
const clients: TestClient[] = [];

afterEach(async () => {
  await Promise.all(clients.splice(0).map((c) => c.close()));
  await Promise.all(systems.splice(0).map((s) => s.stop()));
  await stores?.close();
  await receiver?.close();
});

it('sends each subscriber one "near" and one "turn" from three gateways on one Redis', async () => {
  stores = await redis.create();
  receiver = await PushReceiver.start();
  const keys = generateKeys('test');
  const options = {
    store: 'redis' as const,
    stores,
    keys,
    events: [testEvent({ id: 'ev', maxActive: 3 })],
    gateway: { turnNotices: { nearDistance: 5, pushServices: [receiver.origin] } },
  };
  for (let k = 0; k < 3; k++) systems.push(await startTestSystem(options));
  const subscriptions = new Map<number, string>();
  for (let k = 0; k < PEOPLE; k++) {
    const client = await TestClient.connect(systems[k % 3]!.wsUrl);
    await client.join('ev');
    clients.push(client);
    // Everyone from place 10 on leaves a subscription (places up to 8 are near at once: 3 admitted, distance 5).
    if (client.ticketNo >= 10) {
      const subscription = receiver.subscribe();
      await client.saveTurnContact({ push: subscription, lang: 'ko' });
      subscriptions.set(client.ticketNo, subscription.endpoint.split('/').pop()!);
    }
  }
  // Three bookers at a time: each gateway sees the line pass in steps of three.
  for (let released = 0; released < PEOPLE; released += 3) {
    const step = clients.slice(released, released + 3);
    await Promise.all(step.map((c) => c.waitFor('admitted')));
    await new Promise((resolve) => setTimeout(resolve, 120)); // every gateway ticks (50 ms) at least twice
    for (const client of step) await stores.queue.releaseBooked('ev', client.ticketNo);
  }
  await receiver.waitFor(subscriptions.size * 2, 15_000);
  await new Promise((resolve) => setTimeout(resolve, 300));
  for (const [ticketNo, id] of subscriptions) {
    const kinds = receiver.received.filter((m) => m.subscription === id).map((m) => (JSON.parse(m.text) as { kind: string }).kind);
    expect(kinds, `ticket ${ticketNo}`).toEqual(['near', 'turn']);
  }
  expect(receiver.received).toHaveLength(subscriptions.size * 2);
}, 60_000);
