/**
 * Key rotation reaches proof of work: after the ticket key changes (as SIGHUP
 * does it, LiveKeys.reload), new challenges are signed with the new key id,
 * a challenge issued under the old key still joins while that key is kept,
 * and once it is removed such a challenge is refused.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { generateKeys } from '../../server/config/keys.js';
import type { Stores } from '../../server/store/types.js';
import { ErrorCode } from '../../shared/protocol/codes.js';
import { solveChallenge } from '../../shared/pow/solve.js';
import { storeFactories } from '../support/stores.js';
import { FakeClock, startTestSystem, testEvent, type TestSystem } from '../support/system.js';
import { powChallenge, refusalOf, TestClient } from '../support/ws-client.js';
import { keyRing } from './key-rotation-keys.js';

const memory = storeFactories.find((factory) => factory.name === 'memory')!;

/** The key id a `pow1.` challenge names. */
const kidOfChallenge = (challenge: string): string => challenge.split('.')[5]!;

describe('rotating the ticket key rotates the proof-of-work key', () => {
  const clock = new FakeClock(Date.now());
  const [a, b] = [generateKeys('a'), generateKeys('b')];
  let stores: Stores;
  let system: TestSystem;
  const clients: TestClient[] = [];

  async function client(): Promise<TestClient> {
    const c = await TestClient.connect(system.wsUrl);
    clients.push(c);
    return c;
  }
  const challenge = async (): Promise<string> => powChallenge(await client(), 'ev');

  beforeAll(async () => {
    stores = await memory.create();
    const events = [testEvent({ ticketTtlSeconds: 60, grantTtlSeconds: 10, proofOfWork: { difficulty: 8, challengeTtlSeconds: 30 } }, clock.now())];
    system = await startTestSystem({ stores, clock, keys: keyRing('a', a), events });
    await stores.queue.setPaused('ev', true);
  });
  afterAll(async () => {
    await Promise.all(clients.map((c) => c.close()));
    await system.stop();
    await stores.close();
  });

  it('new challenges carry the new key id; an old outstanding one joins while its key is kept, and is refused once it is removed', async () => {
    const before = await challenge();
    const beforeToo = await challenge();
    expect(kidOfChallenge(before)).toBe('a');

    expect(system.keys.reload(keyRing('a', a, b))).toMatchObject({ result: 'applied' });
    expect(system.keys.reload(keyRing('b', a, b))).toMatchObject({ result: 'applied', current: { ticket: 'b' } });

    const after = await challenge();
    expect(kidOfChallenge(after)).toBe('b');
    expect(await (await client()).joinWith('ev', { pow: { c: after, n: await solveChallenge(after) } })).toMatchObject({ ticketNo: 1 });
    expect(await (await client()).joinWith('ev', { pow: { c: before, n: await solveChallenge(before) } })).toMatchObject({ ticketNo: 2 });

    // The old key goes once its tickets have expired; a challenge signed with it is then not genuine.
    clock.advance(61_000);
    expect(system.keys.reload(keyRing('b', b))).toMatchObject({ result: 'applied' });
    const stale = await refusalOf((await client()).joinWith('ev', { pow: { c: beforeToo, n: await solveChallenge(beforeToo) } }));
    expect(stale.code).toBe(ErrorCode.POW_INVALID);
    expect(kidOfChallenge(stale.challenge!)).toBe('b');
  });
});
