/**
 * How soon turn notices go out: PEOPLE waiters (pages in the background, each
 * with a Web Push subscription at a local RFC 8030 receiver that decrypts
 * every message) on one gateway at the production tick (1 s), admitted at
 * RATE a minute; for each, the delay from its turn (the controller's admission:
 * grant expiry − grant TTL) to the push arriving. Prints the share within 2 s
 * and the quantiles. Not part of `npm test`.
 *
 *   node --import tsx bench/turn-notices.ts [PEOPLE] [RATE]
 */
import { PushReceiver } from '../test/support/push-receiver.js';
import { startTestSystem, testEvent } from '../test/support/system.js';
import { TestClient } from '../test/support/ws-client.js';

const PEOPLE = Number(process.argv[2] ?? 300);
const RATE = Number(process.argv[3] ?? 1200);
const TTL_SECONDS = 600;

const receiver = await PushReceiver.start();
const system = await startTestSystem({
  tickMs: 1000,
  events: [testEvent({ maxActive: PEOPLE, admitsPerMinute: RATE, grantTtlSeconds: TTL_SECONDS })],
  gateway: { turnNotices: { pushServices: [receiver.origin] } },
});
await system.stores.queue.setPaused('ev', true);
const clients: TestClient[] = [];
const turnAt = new Map<string, number>();
try {
  for (let k = 0; k < PEOPLE; k++) {
    const client = await TestClient.connect(system.wsUrl);
    await client.join('ev');
    const subscription = receiver.subscribe();
    await client.saveTurnContact({ push: subscription, lang: 'ko' });
    const id = subscription.endpoint.split('/').pop()!;
    void client.waitFor('admitted', () => true, 600_000).then((admitted) => turnAt.set(id, admitted.expiresAt - TTL_SECONDS * 1000));
    clients.push(client);
  }
  await system.stores.queue.setPaused('ev', false);
  const started = Date.now();
  const turns = () => receiver.received.filter((m) => (JSON.parse(m.text) as { kind: string }).kind === 'turn');
  const deadline = Date.now() + 120_000 + (PEOPLE / RATE) * 60_000;
  while (turns().length < PEOPLE && Date.now() < deadline) await new Promise((resolve) => setTimeout(resolve, 100));
  const delays = turns()
    .map((m) => m.receivedAt - turnAt.get(m.subscription)!)
    .sort((a, b) => a - b);
  const at = (q: number) => delays[Math.min(delays.length - 1, Math.floor(q * delays.length))]!;
  const within = delays.filter((ms) => ms <= 2000).length;
  console.log(
    `${delays.length} turn notices, ${PEOPLE} people admitted at ${RATE}/min over ${((Date.now() - started) / 1000).toFixed(1)} s, tick 1 s: ` +
      `${((100 * within) / delays.length).toFixed(1)} % within 2 s of the turn; p50 ${at(0.5)} ms, p95 ${at(0.95)} ms, max ${delays.at(-1)} ms`,
  );
} finally {
  await Promise.all(clients.map((c) => c.close()));
  await system.stop();
  await receiver.close();
}
