/**
 * The store contract for the operator sign-in throttle: both counters of an
 * attempt checked and counted at once, growing lockouts, a success forgetting
 * the account's count, expiry. Every case runs against memory and a real Redis
 * (unique key prefix per test).
 */
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { createClient } from 'redis';
import type { LockoutPolicy, SignInCounters, Stores } from '../../server/store/types.js';
import { storeFactories } from '../support/stores.js';
import { TEST_REDIS_URL } from '../support/redis.js';

const T0 = Date.UTC(2026, 10, 24, 11, 0, 0);
const POLICY: LockoutPolicy = { freeFailures: 3, firstLockoutMs: 1000, maxLockoutMs: 8000, forgetAfterMs: 60_000 };
const POLICIES = { account: POLICY, address: { ...POLICY, freeFailures: 5 } };
const ANA: SignInCounters = { account: 'digest-ana', address: '203.0.113.7' };

describe.each(storeFactories)('store contract, sign-in throttle: $name', (factory) => {
  let stores: Stores;
  beforeEach(async () => {
    stores = await factory.create();
  });
  afterEach(async () => {
    await stores.close();
  });

  it('counts free failures, then locks for a lockout that doubles per failure up to the cap; while locked it counts nothing', async () => {
    const throttle = stores.signInThrottle;
    for (const failures of [1, 2, 3]) {
      expect(await throttle.admit(ANA, POLICIES, T0)).toEqual({ ok: true, account: { failures, lockedUntil: 0 }, address: { failures, lockedUntil: 0 } });
    }
    let now = T0;
    for (const [failures, lockout] of [
      [4, 1000],
      [5, 2000],
      [6, 4000],
      [7, 8000],
      [8, 8000],
    ] as const) {
      const admitted = await throttle.admit(ANA, POLICIES, now);
      expect(admitted).toMatchObject({ ok: true, account: { failures, lockedUntil: now + lockout } });
      expect(await throttle.admit(ANA, POLICIES, now + lockout - 1)).toEqual({ ok: false, retryAt: now + lockout, lockedBy: 'account' });
      now += lockout;
    }
  });

  it('locks an address across account names, and refuses every name from it while locked', async () => {
    const throttle = stores.signInThrottle;
    for (let n = 1; n <= 5; n++)
      expect(await throttle.admit({ account: `name-${n}`, address: ANA.address }, POLICIES, T0)).toMatchObject({
        ok: true,
        address: { failures: n, lockedUntil: 0 },
      });
    expect(await throttle.admit({ account: 'name-6', address: ANA.address }, POLICIES, T0)).toMatchObject({
      ok: true,
      account: { failures: 1 },
      address: { failures: 6, lockedUntil: T0 + 1000 },
    });
    expect(await throttle.admit(ANA, POLICIES, T0 + 500)).toEqual({ ok: false, retryAt: T0 + 1000, lockedBy: 'address' });
    expect(await throttle.admit({ ...ANA, address: '198.51.100.1' }, POLICIES, T0 + 500)).toMatchObject({ ok: true, account: { failures: 1 } });
  });

  it("forgets the account's count on a success and takes the attempt back from the address's", async () => {
    const throttle = stores.signInThrottle;
    for (let n = 0; n < 3; n++) await throttle.admit(ANA, POLICIES, T0);
    await throttle.admit(ANA, POLICIES, T0);
    await throttle.succeeded(ANA, T0);
    expect(await throttle.admit(ANA, POLICIES, T0)).toEqual({ ok: true, account: { failures: 1, lockedUntil: 0 }, address: { failures: 4, lockedUntil: 0 } });
  });

  it('forgets a counter forgetAfterMs after its last count', async () => {
    const throttle = stores.signInThrottle;
    const policies = { account: { ...POLICY, forgetAfterMs: 1000 }, address: { ...POLICY, forgetAfterMs: 1000 } };
    // Redis expires by its own clock: the test waits that out for real (the memory store follows `now`).
    const start = Date.now();
    await throttle.admit(ANA, policies, start);
    await throttle.admit(ANA, policies, start);
    await new Promise((resolve) => setTimeout(resolve, 1200));
    expect(await throttle.admit(ANA, policies, start + 1200)).toMatchObject({ ok: true, account: { failures: 1 }, address: { failures: 1 } });
  });
});

describe('sign-in counters in Redis', () => {
  it('all carry an expiry', async () => {
    const stores = await storeFactories.find((factory) => factory.name === 'redis')!.create();
    const client = createClient({ url: TEST_REDIS_URL });
    await client.connect();
    try {
      const before = new Set(await client.keys('*:{sign-in}:*'));
      await stores.signInThrottle.admit({ account: 'digest-expiry', address: '192.0.2.44' }, POLICIES, Date.now());
      const keys = (await client.keys('*:{sign-in}:*')).filter((key) => !before.has(key));
      expect(keys).toHaveLength(2);
      for (const key of keys) {
        const ttl = await client.pTTL(key);
        expect(ttl, key).toBeGreaterThan(0);
        expect(ttl, key).toBeLessThanOrEqual(POLICY.forgetAfterMs);
      }
    } finally {
      await client.quit();
      await stores.close();
    }
  });
});
