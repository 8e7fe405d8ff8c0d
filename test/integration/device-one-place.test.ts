/**
 * One place per device: joins carrying the same device key get the place the
 * device already holds (docs/protocol.md §2.1), on one gateway or spread over
 * two that share a store.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { generateKeys } from '../../server/config/keys.js';
import type { Stores } from '../../server/store/types.js';
import { ErrorCode } from '../../shared/protocol/codes.js';
import { hashSecret, newClientSecret } from '../../shared/tokens/secret.js';
import { storeFactories } from '../support/stores.js';
import { startTestSystem, testEvent, type TestSystem } from '../support/system.js';
import { TestClient } from '../support/ws-client.js';

/** A node number no gateway uses, for reading the figures. */
const READER_NODE = 1;

describe.each(storeFactories)('$name store', (factory) => {
  let stores: Stores;
  const systems: TestSystem[] = [];
  const clients: TestClient[] = [];
  const keys = generateKeys('test');

  async function system(): Promise<TestSystem> {
    const started = await startTestSystem({ stores, events: [testEvent({ maxActive: 1 })], keys });
    systems.push(started);
    return started;
  }
  async function tab(url: string, secret: string): Promise<TestClient> {
    const c = await TestClient.connect(url, secret);
    clients.push(c);
    return c;
  }
  async function issued(): Promise<number> {
    return (await stores.queue.figures('ev', Date.now(), READER_NODE)).issued;
  }
  async function tenTabs(urls: string[], device: string, secret: string) {
    const tabs = await Promise.all(Array.from({ length: 10 }, (_, k) => tab(urls[k % urls.length]!, secret)));
    return Promise.all(tabs.map((t) => t.joinWith('ev', { device })));
  }

  afterEach(async () => {
    await Promise.all(clients.splice(0).map((c) => c.close()));
    await Promise.all(systems.splice(0).map((s) => s.stop()));
    await stores.close();
  });

  it('ten tabs of one device joining at once get one place: one new ticket, nine handed over', async () => {
    stores = await factory.create();
    await stores.queue.setPaused('ev', true);
    const node = await system();
    const before = await issued();
    const device = await hashSecret(newClientSecret());
    const tickets = await tenTabs([node.wsUrl], device, newClientSecret());
    expect(new Set(tickets.map((t) => t.ticketNo)).size).toBe(1);
    expect(tickets.filter((t) => !t.resumed)).toHaveLength(1);
    expect(new Set(tickets.map((t) => t.expiresAt)).size).toBe(1);
    expect(await issued()).toBe(before + 1);
    // Another device still gets a place of its own.
    const other = await (await tab(node.wsUrl, newClientSecret())).joinWith('ev', { device: await hashSecret(newClientSecret()) });
    expect(other).toMatchObject({ ticketNo: tickets[0]!.ticketNo + 1, resumed: false });
  });

  it('a second join of the device with another secret is refused with DEVICE_HAS_PLACE and gains no place', async () => {
    stores = await factory.create();
    await stores.queue.setPaused('ev', true);
    const node = await system();
    const device = await hashSecret(newClientSecret());
    await (await tab(node.wsUrl, newClientSecret())).joinWith('ev', { device });
    const before = await issued();
    const intruder = await tab(node.wsUrl, newClientSecret());
    await expect(intruder.joinWith('ev', { device })).rejects.toMatchObject({ code: ErrorCode.DEVICE_HAS_PLACE });
    expect(await issued()).toBe(before);
  });

  it('a device whose ticket stepped out takes the same place back by joining, as a resume would; a revoked one is refused', async () => {
    stores = await factory.create();
    await stores.queue.setPaused('ev', true);
    const node = await system();
    const device = await hashSecret(newClientSecret());
    const secret = newClientSecret();
    const first = await tab(node.wsUrl, secret);
    const ticket = await first.joinWith('ev', { device });
    first.send({ type: 'leave', rid: 3 });
    await first.whenClosed();
    const before = await issued();
    const again = await (await tab(node.wsUrl, secret)).joinWith('ev', { device });
    expect(again).toMatchObject({ ticketNo: ticket.ticketNo, resumed: true });
    await stores.queue.revoke('ev', ticket.ticketNo, Date.now());
    await expect((await tab(node.wsUrl, secret)).joinWith('ev', { device })).rejects.toMatchObject({ code: ErrorCode.TICKET_REVOKED });
    expect(await issued()).toBe(before);
  });

  if (factory.name === 'redis') {
    it('ten tabs spread over two gateways sharing the Redis store get one place', async () => {
      stores = await factory.create();
      await stores.queue.setPaused('ev', true);
      const [a, b] = [await system(), await system()];
      const before = await issued();
      const tickets = await tenTabs([a.wsUrl, b.wsUrl], await hashSecret(newClientSecret()), newClientSecret());
      expect(new Set(tickets.map((t) => t.ticketNo)).size).toBe(1);
      expect(tickets.filter((t) => !t.resumed)).toHaveLength(1);
      expect(await issued()).toBe(before + 1);
    });
  }
});
