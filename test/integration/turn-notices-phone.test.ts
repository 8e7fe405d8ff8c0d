/**
 * Turn notices by text message: a person leaves a phone number, and the
 * gateway calls the operator's messaging webhook, signed like the booking
 * webhooks (HMAC-SHA256 over the timestamp and the body, checked here by the
 * receiver), retrying with backoff through two 503s; the number is gone from
 * the store once the turn is announced.
 */
import { afterEach, expect, it } from 'vitest';
import { startTestSystem, testEvent, type TestSystem } from '../support/system.js';
import { WebhookReceiver } from '../support/webhook-receiver.js';
import { TestClient } from '../support/ws-client.js';

const SECRET = 'turn-notice-secret-of-at-least-32-chars';

let system: TestSystem | null = null;
let receiver: WebhookReceiver | null = null;
const clients: TestClient[] = [];

afterEach(async () => {
  await Promise.all(clients.splice(0).map((c) => c.close()));
  await system?.stop();
  await receiver?.shut();
});

it('sends the near and come notices to the messaging webhook, signed, through two 503s, and forgets the number', async () => {
  receiver = await WebhookReceiver.start({ secret: SECRET, failFirst: 2, failStatus: 503 });
  system = await startTestSystem({
    events: [testEvent({ maxActive: 1 })],
    gateway: { turnNotices: { nearDistance: 1, webhook: { url: receiver.url, secret: SECRET, retryBaseMs: 20, retryMaxMs: 50, attempts: 5 } } },
  });
  for (let k = 0; k < 3; k++) {
    const client = await TestClient.connect(system.wsUrl);
    await client.join('ev');
    clients.push(client);
  }
  const [first, second, third] = clients;
  expect(await third!.saveTurnContact({ phone: '+821012345678', lang: 'ko' })).toMatchObject({ push: false, phone: true });
  const acknowledged = async (count: number) => {
    const deadline = Date.now() + 10_000;
    while (receiver!.received.filter((r) => r.acknowledged).length < count) {
      if (Date.now() > deadline) throw new Error(`${count} notices not acknowledged in time`);
      await new Promise((resolve) => setTimeout(resolve, 20));
    }
  };
  await first!.waitFor('admitted');
  await system.stores.queue.releaseBooked('ev', 1);
  await acknowledged(1);
  await second!.waitFor('admitted');
  await system.stores.queue.releaseBooked('ev', 2);
  await acknowledged(2);
  const bodies = receiver.received.map((r) => ({ attempt: r.attempt, acknowledged: r.acknowledged, body: r.body as unknown as Record<string, unknown> }));
  expect(bodies.map(({ attempt, acknowledged, body }) => [body.kind, attempt, acknowledged])).toEqual([
    ['near', 1, false],
    ['near', 2, false],
    ['near', 3, true],
    ['turn', 1, true],
  ]);
  expect(bodies[2]!.body).toMatchObject({
    type: 'turn_notice',
    eventId: 'ev',
    ticketNo: 3,
    phone: '+821012345678',
    lang: 'ko',
    url: '/?event=ev',
    peopleAhead: 0,
  });
  expect(bodies[3]!.body).toMatchObject({ type: 'turn_notice', ticketNo: 3, phone: '+821012345678' });
  expect(bodies[3]!.body.grantSeconds).toBeGreaterThan(0);
  expect(receiver.refused).toEqual([]);
  // The number is gone: no later claim finds a contact for the ticket.
  expect(await system.stores.turnNotices.claimNotices('ev', 'near', [3], Date.now() + 60_000, Date.now())).toEqual([]);
});
