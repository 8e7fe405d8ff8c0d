/**
 * Turn notices by Web Push, end to end over real sockets: people leave a
 * push subscription (made here, as a browser would, at a local RFC 8030 push
 * service), one closes the page, and the gateway sends "your turn is near" and
 * "your turn has come" (with the grant's time left, or "you go first" to the
 * closed page, whose turn passed), each once, VAPID-signed and
 * encrypted for the subscription's keys (test/support/push-receiver.ts
 * decrypts them). Bad contacts get their codes.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { generateKeys } from '../../server/config/keys.js';
import { PushReceiver } from '../support/push-receiver.js';
import { startTestSystem, testEvent, type TestSystem } from '../support/system.js';
import { refusalOf, TestClient } from '../support/ws-client.js';

let system: TestSystem | null = null;
let receiver: PushReceiver | null = null;
const clients: TestClient[] = [];

afterEach(async () => {
  await Promise.all(clients.splice(0).map((c) => c.close()));
  await system?.stop();
  await receiver?.close();
  system = receiver = null;
});

async function joined(count: number): Promise<TestClient[]> {
  const joining: TestClient[] = [];
  for (let k = 0; k < count; k++) {
    const client = await TestClient.connect(system!.wsUrl);
    await client.join('ev');
    joining.push(client);
  }
  clients.push(...joining);
  return joining;
}

describe('turn notices by Web Push', () => {
  it('sends "near" then "turn" once each: with the time left to a page in the background, "you go first" to a closed one', async () => {
    receiver = await PushReceiver.start();
    const keys = generateKeys('test');
    system = await startTestSystem({
      keys,
      events: [testEvent({ maxActive: 1, grantTtlSeconds: 600 })],
      gateway: { turnNotices: { nearDistance: 1, pushServices: [receiver.origin] } },
    });
    const [first, second, open, closed] = await joined(4);
    const openSubscription = receiver.subscribe();
    const closedSubscription = receiver.subscribe();
    expect(await open!.saveTurnContact({ push: openSubscription, lang: 'en' })).toMatchObject({ push: true, phone: false });
    expect(await closed!.saveTurnContact({ push: closedSubscription, lang: 'ko' })).toMatchObject({ push: true, phone: false });
    await closed!.close(); // the page is closed: its turn passes, and it goes first when it comes back
    clients.splice(clients.indexOf(closed!), 1);
    const idOf = (endpoint: string) => endpoint.split('/').pop();
    const noticesOf = (endpoint: string) =>
      receiver!.received.filter((m) => m.subscription === idOf(endpoint)).map((m) => JSON.parse(m.text) as Record<string, unknown>);

    await first!.waitFor('admitted');
    await system.stores.queue.releaseBooked('ev', 1);
    await receiver.waitFor(1);
    expect(noticesOf(openSubscription.endpoint)).toMatchObject([
      { kind: 'near', eventId: 'ev', peopleAhead: 0, lang: 'en', url: '/?event=ev', title: { en: 'Test event' } },
    ]);
    await second!.waitFor('admitted');
    await system.stores.queue.releaseBooked('ev', 2);
    await receiver.waitFor(3);
    const [, turn] = noticesOf(openSubscription.endpoint);
    expect(turn).toMatchObject({ kind: 'turn' });
    expect(turn!.grantSeconds).toBeGreaterThan(590);
    expect(turn!.grantSeconds).toBeLessThanOrEqual(600);
    // The closed page's turn passed in the same admission step as the open one's turn came (away tickets cost no capacity): no "near" first.
    expect(noticesOf(closedSubscription.endpoint)).toMatchObject([{ kind: 'turn', passed: true, lang: 'ko' }]);
    expect(noticesOf(closedSubscription.endpoint)[0]!.grantSeconds).toBeUndefined();

    expect(receiver.received.every((m) => m.vapidKey === keys.vapid!.publicKey && m.headers.urgency === 'high')).toBe(true);
    await new Promise((resolve) => setTimeout(resolve, 300)); // a few more ticks: nothing is sent again
    expect(receiver.received).toHaveLength(3);
    expect(receiver.refused).toEqual([]);
  });

  it('refuses an endpoint outside the push services, a ticketless contact, and a phone number without a webhook', async () => {
    receiver = await PushReceiver.start();
    system = await startTestSystem({ gateway: { turnNotices: { pushServices: ['https://fcm.googleapis.com'] } } });
    const anonymous = await TestClient.connect(system.wsUrl);
    clients.push(anonymous);
    expect((await refusalOf(anonymous.saveTurnContact({ push: receiver.subscribe(), lang: 'ko' }))).code).toBe('NOT_JOINED');
    const [person] = await joined(1);
    expect((await refusalOf(person!.saveTurnContact({ push: receiver.subscribe(), lang: 'ko' }))).code).toBe('PUSH_SERVICE_REFUSED');
    expect((await refusalOf(person!.saveTurnContact({ phone: '+821012345678', lang: 'ko' }))).code).toBe('TURN_NOTICES_OFF');
    person!.send({ type: 'turn-contact', rid: 9, phone: '010-1234-5678', lang: 'ko' } as never);
    expect((await person!.waitFor('error', (m) => m.rid === undefined || m.rid === 9)).code).toBe('INVALID_MESSAGE');
    expect(await person!.saveTurnContact({ lang: 'ko' })).toMatchObject({ push: false, phone: false });
  });
});
