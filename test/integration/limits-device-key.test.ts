/**
 * Per-address join budgets and the device key (decision 008): joins without a
 * device key get a strict budget of their own per address, while joins with
 * one keep the loose budget carrier-grade NAT needs; and the real SDK (what
 * the waiting page runs) always sends a device key, even with storage blocked.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import WebSocket from 'ws';
import { memoryStorage, WaitroomClient, type KeyValueStorage, type TicketEvent } from '../../client/sdk/index.js';
import { newClientSecret, hashSecret } from '../../shared/tokens/secret.js';
import { startTestSystem, testEvent, type TestSystem } from '../support/system.js';
import { ClientPool } from '../support/client-pool.js';
import { TestClient } from '../support/ws-client.js';
import { TRANSPORTS_HERE } from '../support/transports.js';

const CAPS = { maxConnections: 100, joinsPerMinute: 30, keylessJoinsPerMinute: 5 };
const JOINERS = 12;
/** Not the tests' NAT-listed 127.0.0.1: the default-range caps above apply. */
const ADDRESS = '127.0.0.8';

/** The join's ticket number, or the code it was refused with. */
async function outcome(join: Promise<{ ticketNo: number }>): Promise<number | string> {
  try {
    return (await join).ticketNo;
  } catch (error) {
    return (error as { code: string }).code;
  }
}

const deviceKey = async () => hashSecret(newClientSecret());

describe.each(TRANSPORTS_HERE)('joins without a device key on %s', (transport) => {
  let system: TestSystem;
  const pool = new ClientPool(() => system.wsUrl);
  beforeAll(async () => {
    system = await startTestSystem({ transport, events: [testEvent({ admitsPerMinute: 1, maxActive: 1 })], gateway: { perIp: CAPS } });
  });
  afterAll(async () => {
    await pool.dropAll();
    await system.stop();
  });

  it('get a strict budget per address, while joins with a device key from the same address keep the loose one', async () => {
    const keyless = await pool.many(JOINERS, ADDRESS);
    const keylessOutcomes = await Promise.all(keyless.map((client) => outcome(client.join('ev'))));
    expect(keylessOutcomes.filter((o) => typeof o === 'number')).toHaveLength(CAPS.keylessJoinsPerMinute);
    expect(keylessOutcomes.filter((o) => o === 'RATE_LIMITED')).toHaveLength(JOINERS - CAPS.keylessJoinsPerMinute);

    const withKey = await pool.many(JOINERS, ADDRESS);
    const withKeyOutcomes = await Promise.all(withKey.map(async (client) => outcome(client.joinWith('ev', { device: await deviceKey() }))));
    expect(withKeyOutcomes.every((o) => typeof o === 'number')).toBe(true);

    // The keyless joins counted towards the address's joins: what is left of the loose budget is all that remains.
    const rest = await pool.many(CAPS.joinsPerMinute, ADDRESS);
    const restOutcomes = await Promise.all(rest.map(async (client) => outcome(client.joinWith('ev', { device: await deviceKey() }))));
    expect(restOutcomes.filter((o) => typeof o === 'number')).toHaveLength(CAPS.joinsPerMinute - CAPS.keylessJoinsPerMinute - JOINERS);
  });
});

/** localStorage blocked (a privacy setting): every access throws. */
const blockedStorage: KeyValueStorage = {
  getItem: () => {
    throw new Error('blocked');
  },
  setItem: () => {
    throw new Error('blocked');
  },
  removeItem: () => {
    throw new Error('blocked');
  },
};

describe('the SDK always sends a device key', () => {
  let system: TestSystem;
  const sdks: WaitroomClient[] = [];
  beforeAll(async () => {
    // The SDK connects from 127.0.0.1: here that address may make one keyless join a minute, and many others.
    const sdkAddress = { cidr: '127.0.0.1/32', maxConnections: 1000, joinsPerMinute: 1000, keylessJoinsPerMinute: 1 };
    system = await startTestSystem({ events: [testEvent({ admitsPerMinute: 1, maxActive: 1 })], gateway: { natRanges: [sdkAddress] } });
  });
  afterAll(async () => {
    for (const sdk of sdks) sdk.stop();
    await system.stop();
  });

  function ticketOf(storage: KeyValueStorage): Promise<TicketEvent> {
    const sdk = new WaitroomClient({ eventId: 'ev', gateway: system.gatewayUrl!, storage, WebSocket });
    sdks.push(sdk);
    return new Promise((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error('no ticket within 10 s: the join was refused (sent without a device key?)')), 10_000);
      sdk.on('ticket', (ticket) => (clearTimeout(timer), resolve(ticket)));
      sdk.start();
    });
  }

  it('joins past the spent keyless budget, with storage or without, and tabs sharing storage get one place', async () => {
    const probe = await TestClient.connect(system.wsUrl);
    await probe.join('ev');
    const second = await TestClient.connect(system.wsUrl);
    await expect(second.join('ev')).rejects.toMatchObject({ code: 'RATE_LIMITED' });
    await Promise.all([probe.close(), second.close()]);

    const tickets = await Promise.all([memoryStorage(), memoryStorage(), memoryStorage(), blockedStorage].map(ticketOf));
    expect(new Set(tickets.map((ticket) => ticket.ticketNo)).size).toBe(4);

    // Two tabs on one storage opened at once, before either stored a ticket: one device, one place.
    const shared = memoryStorage();
    const [first, again] = await Promise.all([ticketOf(shared), ticketOf(shared)]);
    expect(again!.ticketNo).toBe(first!.ticketNo);
  });
});
