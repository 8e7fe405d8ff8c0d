/**
 * Proof of work at join (docs/protocol.md §3.1.2), over real sockets: no
 * solution gets a challenge; a solved one joins; reused, expired and forged
 * ones are refused with their codes and gain no place.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { solves } from '../../server/gateway/pow/challenge.js';
import type { Stores } from '../../server/store/types.js';
import { ErrorCode } from '../../shared/protocol/codes.js';
import { solveChallenge } from '../../shared/pow/solve.js';
import { storeFactories } from '../support/stores.js';
import { FakeClock, startTestSystem, testEvent, type TestSystem } from '../support/system.js';
import { powChallenge, refusalOf, TestClient } from '../support/ws-client.js';

/** Cheap enough for tests (about a thousand hashes); the protocol allows up to 32. */
const DIFFICULTY = 10;
const READER_NODE = 1;

describe.each(storeFactories)('$name store', (factory) => {
  let stores: Stores;
  let node: TestSystem;
  const clock = new FakeClock();
  const clients: TestClient[] = [];

  async function start(): Promise<void> {
    stores = await factory.create();
    const events = [testEvent({ proofOfWork: { difficulty: DIFFICULTY, challengeTtlSeconds: 30 } }, clock.now())];
    node = await startTestSystem({ stores, events, clock });
    await stores.queue.setPaused('ev', true);
  }
  async function client(): Promise<TestClient> {
    const c = await TestClient.connect(node.wsUrl);
    clients.push(c);
    return c;
  }
  const challenge = async (): Promise<string> => powChallenge(await client(), 'ev');
  async function issued(): Promise<number> {
    return (await stores.queue.figures('ev', clock.now(), READER_NODE)).issued;
  }

  afterEach(async () => {
    await Promise.all(clients.splice(0).map((c) => c.close()));
    await node.stop();
    await stores.close();
  });

  it('a join without a solution is refused with a challenge; solving it joins; the same solution again is refused as reused', async () => {
    await start();
    const c = await challenge();
    expect(await issued()).toBe(0);
    const pow = { c, n: await solveChallenge(c) };
    const ticket = await (await client()).joinWith('ev', { pow });
    expect(ticket).toMatchObject({ ticketNo: 1, resumed: false });
    const reused = await refusalOf((await client()).joinWith('ev', { pow }));
    expect(reused.code).toBe(ErrorCode.POW_REUSED);
    expect(reused.challenge).toMatch(/^pow1\.ev\./);
    expect(await issued()).toBe(1);
  });

  it('an expired solution, a wrong nonce and a forged challenge are refused and gain no place', async () => {
    await start();
    const c = await challenge();
    const nonce = await solveChallenge(c);
    const parts = c.split('.');
    const forged = [...parts.slice(0, 3), '1', ...parts.slice(4)].join('.');
    const forgedRefusal = await refusalOf((await client()).joinWith('ev', { pow: { c: forged, n: await solveChallenge(forged) } }));
    expect(forgedRefusal.code).toBe(ErrorCode.POW_INVALID);
    // A nonce that does not solve it (a random one does with probability 2^-10).
    const wrong = Array.from({ length: 200 }, (_, k) => `z${k}`).find((n) => !solves(c, n, DIFFICULTY))!;
    expect((await refusalOf((await client()).joinWith('ev', { pow: { c, n: wrong } }))).code).toBe(ErrorCode.POW_INVALID);
    clock.advance(30_000);
    expect((await refusalOf((await client()).joinWith('ev', { pow: { c, n: nonce } }))).code).toBe(ErrorCode.POW_EXPIRED);
    expect(await issued()).toBe(0);
  });
});
