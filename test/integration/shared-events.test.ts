/**
 * Live events shared through the store (docs/decisions/007): two gateways on
 * one Redis each with their own store connection, as two processes would be.
 * A change POSTed to one reaches the other; a restart keeps console-made
 * changes unless the events file changed; two changes at once both land
 * (compare-and-set); the store contract holds for both stores.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { parseEventFile } from '../../server/events/event-file.js';
import { generateKeys } from '../../server/config/keys.js';
import { createRedisStores } from '../../server/store/redis/index.js';
import { silentLogger } from '../../server/observability/log.js';
import { hashPassword } from '../../server/operators/passwords.js';
import type { Stores } from '../../server/store/types.js';
import { deletePrefix, TEST_REDIS_URL, uniquePrefix } from '../support/redis.js';
import { storeFactories } from '../support/stores.js';
import { startTestSystem, testEvent, type EventInput, type TestSystem } from '../support/system.js';

const FAST = { N: 1024, r: 8, p: 1 };

describe('the shared events store contract', () => {
  for (const factory of storeFactories) {
    it(`${factory.name}: publishes with compare-and-set on the revision`, async () => {
      const stores = await factory.create();
      try {
        expect(await stores.events.revision()).toBe(0);
        expect(await stores.events.read()).toBeNull();
        const first = { document: { events: [] }, fileDigest: 'a', publishedBy: 'start-up', publishedAt: 1 };
        expect(await stores.events.publish(0, first)).toEqual({ ok: true, revision: 1 });
        // A second publisher that has not seen revision 1 changes nothing.
        expect(await stores.events.publish(0, { ...first, publishedBy: 'late' })).toEqual({ ok: false, current: 1 });
        expect(await stores.events.publish(1, { ...first, fileDigest: 'b', publishedBy: 'ana', publishedAt: 2 })).toEqual({ ok: true, revision: 2 });
        expect(await stores.events.read()).toEqual({ revision: 2, document: { events: [] }, fileDigest: 'b', publishedBy: 'ana', publishedAt: 2 });
        expect(await stores.events.revision()).toBe(2);
      } finally {
        await stores.close();
      }
    });
  }
});

describe("two gateways on one Redis follow each other's event changes", () => {
  const keyPrefix = uniquePrefix();
  const keys = generateKeys('shared-events');
  const started: { system: TestSystem; stores: Stores }[] = [];

  afterEach(async () => {
    for (const { system, stores } of started.splice(0)) {
      await system.stop();
      await stores.close();
    }
    await deletePrefix(keyPrefix);
  });

  async function startGateway(events: EventInput[]): Promise<TestSystem> {
    // Each gateway its own connection, as separate processes have.
    const stores = await createRedisStores({ redisUrl: TEST_REDIS_URL, keyPrefix });
    const operators = [{ name: 'ana', role: 'operator', passwordHash: await hashPassword('ana-password-1', FAST) }];
    const system = await startTestSystem({ stores, events, keys, config: { operators }, log: silentLogger });
    started.push({ system, stores });
    return system;
  }

  async function post(system: TestSystem, events: EventInput[]): Promise<{ status: number; body: { result?: string; revision?: number } }> {
    const response = await fetch(`${system.gatewayUrl}/admin/events`, {
      method: 'POST',
      headers: { authorization: `Basic ${Buffer.from('ana:ana-password-1').toString('base64')}`, 'content-type': 'application/json' },
      body: JSON.stringify({ events }),
    });
    return { status: response.status, body: (await response.json()) as { result?: string } };
  }

  async function eventually(check: () => void, timeoutMs = 5000): Promise<void> {
    const until = Date.now() + timeoutMs;
    for (;;) {
      try {
        return check();
      } catch (error) {
        if (Date.now() > until) throw error;
        await new Promise((resolve) => setTimeout(resolve, 50));
      }
    }
  }

  it('a change POSTed to one gateway reaches the other within the poll; a restart keeps it unless the file changed', async () => {
    const now = Date.now();
    const original = [testEvent({ maxActive: 10 }, now)];
    const a = await startGateway(original);
    const b = await startGateway(original);
    expect(a.reloader.revision).toBe(1);
    expect(b.reloader.revision).toBe(1);

    const changed = [testEvent({ maxActive: 25 }, now)];
    const reply = await post(a, changed);
    expect(reply.status).toBe(200);
    expect(reply.body.result).toBe('applied');
    expect(a.events.get('ev')!.maxActive).toBe(25);
    await eventually(() => expect(b.events.get('ev')!.maxActive).toBe(25));
    expect(b.reloader.revision).toBe(2);

    // A process started with the same (unchanged) file runs the live events, the change included.
    const c = await startGateway(original);
    expect(c.events.get('ev')!.maxActive).toBe(25);

    // A process started with an edited file publishes it, and the others follow.
    const edited = [testEvent({ maxActive: 40 }, now)];
    const d = await startGateway(edited);
    expect(d.events.get('ev')!.maxActive).toBe(40);
    await eventually(() => {
      for (const system of [a, b, c]) expect(system.events.get('ev')!.maxActive).toBe(40);
    });
  });

  it('two changes at once on two gateways both land, one on top of the other', async () => {
    const now = Date.now();
    const original = [testEvent({}, now)];
    const a = await startGateway(original);
    const b = await startGateway(original);
    const withEvent = (id: string) => [...original, testEvent({ id, title: id }, now)];
    const [fromA, fromB] = await Promise.all([post(a, withEvent('from-a')), post(b, withEvent('from-b'))]);
    expect([fromA.status, fromB.status]).toEqual([200, 200]);
    // Each POST replaces the whole set, so the later one wins; what matters is that both processes agree on it.
    await eventually(() => expect(a.events.current().map((e) => e.id)).toEqual(b.events.current().map((e) => e.id)));
    expect(a.reloader.revision).toBe(3);
    await eventually(() => expect(b.reloader.revision).toBe(3));
  });

  it('published events read back exactly as they were (the parsed form is a valid events file)', async () => {
    const now = Date.now();
    const events = [
      testEvent(
        {
          title: { ko: '접종 예약', en: 'Vaccination booking' },
          prequeueOpensAt: now - 120_000,
          cohorts: [{ id: 'a', label: 'A', born: { from: '1900-01-01', to: '2020-12-31' } }],
        },
        now,
      ),
    ];
    const a = await startGateway(events);
    const published = await started[0]!.stores.events.read();
    const parsed = parseEventFile(published!.document);
    expect(parsed.ok).toBe(true);
    expect(parsed.ok && parsed.events).toEqual(a.events.current());
  });
});
