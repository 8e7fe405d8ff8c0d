/**
 * A flood from one address is capped (connections at the upgrade, joins by
 * rate) while clients from other addresses keep joining and ticking; a
 * configured carrier-grade NAT range gets its higher caps. Both transports.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { rawUpgrade } from '../support/raw-websocket.js';
import { startTestSystem, testEvent, type TestSystem } from '../support/system.js';
import { ClientPool } from '../support/client-pool.js';
import { TestClient } from '../support/ws-client.js';
import { TRANSPORTS_HERE } from '../support/transports.js';

const FLOODER = '127.0.0.2';
const NAT = '127.0.0.4';
const CAPS = { maxConnections: 12, joinsPerMinute: 6 };
const NAT_CAPS = { maxConnections: 30, joinsPerMinute: 20, keylessJoinsPerMinute: 20 };

async function joinOutcome(client: TestClient): Promise<{ ticketNo: number } | { code: string; retryAt?: number }> {
  try {
    return { ticketNo: (await client.join('ev')).ticketNo };
  } catch (error) {
    const refusal = await client.waitFor('error', (m) => m.rid === 1);
    return { code: (error as { code: string }).code, ...(refusal.retryAt === undefined ? {} : { retryAt: refusal.retryAt }) };
  }
}

/** The event's issued count as the next tick tells a waiting client. */
async function issued(bystander: TestClient): Promise<number> {
  const after = bystander.ticks;
  return (await bystander.waitFor('tick', () => bystander.ticks > after + 1, 5_000, false)).i;
}

describe.each(TRANSPORTS_HERE)('per-address limits on %s', (transport) => {
  let system: TestSystem;
  const pool = new ClientPool(() => system.wsUrl);
  const connect = (address: string) => pool.connect(address);

  beforeAll(async () => {
    // Admission is as good as stopped: everyone who joins keeps waiting, and waiting clients get every tick.
    system = await startTestSystem({
      transport,
      events: [testEvent({ admitsPerMinute: 1, maxActive: 1 })],
      gateway: { perIp: CAPS, natRanges: [{ cidr: `${NAT}/32`, ...NAT_CAPS }] },
    });
  });
  afterAll(async () => {
    await pool.dropAll();
    await system.stop();
  });

  it('refuses connections past the cap with 429 TOO_MANY_CONNECTIONS, joins past the rate with RATE_LIMITED, and creates no place for them, while others join and tick', async () => {
    const head = await connect('127.0.0.3');
    await head.join('ev');
    const bystander = await connect('127.0.0.3');
    await bystander.join('ev');
    const issuedBefore = await issued(bystander);

    const flood = await Promise.all(Array.from({ length: CAPS.maxConnections }, () => connect(FLOODER)));
    const refused = await Promise.all(Array.from({ length: 5 }, () => rawUpgrade(system.wsUrl, FLOODER)));
    for (const answer of refused) {
      expect(answer.status).toBe(429);
      expect(Number(answer.headers['retry-after'])).toBeGreaterThan(0);
      expect(JSON.parse(answer.body)).toMatchObject({ error: { code: 'TOO_MANY_CONNECTIONS' } });
    }

    const sentAt = Date.now();
    const outcomes = await Promise.all(flood.map(joinOutcome));
    const tickets = outcomes.filter((outcome) => 'ticketNo' in outcome);
    const limited = outcomes.filter((outcome) => 'code' in outcome);
    expect(tickets).toHaveLength(CAPS.joinsPerMinute);
    expect(limited).toHaveLength(CAPS.maxConnections - CAPS.joinsPerMinute);
    for (const refusal of limited) {
      expect(refusal).toMatchObject({ code: 'RATE_LIMITED' });
      // One join comes back every 60 s / joinsPerMinute.
      expect((refusal as { retryAt: number }).retryAt).toBeGreaterThan(sentAt);
      expect((refusal as { retryAt: number }).retryAt).toBeLessThanOrEqual(Date.now() + 60_000 / CAPS.joinsPerMinute);
    }

    // Others still get in and keep ticking while the flooder is capped.
    const others = await Promise.all(['127.0.0.5', '127.0.0.6', '127.0.0.7'].map(connect));
    for (const other of others) expect((await other.join('ev')).ticketNo).toBeGreaterThan(0);
    const ticksBefore = bystander.ticks;
    await bystander.waitFor('tick', () => bystander.ticks >= ticksBefore + 3, 5_000, false);
    for (const other of others) await other.waitFor('tick');

    // Places: the flooder's six and the three others', not one more.
    expect(await issued(bystander)).toBe(issuedBefore + CAPS.joinsPerMinute + others.length);

    // A slot frees when one of the address's connections closes.
    await flood[0]!.close();
    await expect(connect(FLOODER)).resolves.toBeInstanceOf(TestClient);
  });

  it('lets a configured carrier-grade NAT range past the default caps, up to its own', async () => {
    const behindNat = await Promise.all(Array.from({ length: NAT_CAPS.maxConnections }, () => connect(NAT)));
    expect((await rawUpgrade(system.wsUrl, NAT)).status).toBe(429);
    const outcomes = await Promise.all(behindNat.map(joinOutcome));
    expect(outcomes.filter((outcome) => 'ticketNo' in outcome)).toHaveLength(NAT_CAPS.joinsPerMinute);
    expect(outcomes.filter((outcome) => 'code' in outcome && outcome.code === 'RATE_LIMITED')).toHaveLength(NAT_CAPS.maxConnections - NAT_CAPS.joinsPerMinute);
  });
});
