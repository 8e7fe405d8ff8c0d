/**
 * Branches of the scripts that issue tickets (join-batch, device-join), of the
 * small per-key scripts (device-release, challenge-redeem), and of the helpers
 * they run first: the restart check and the pre-queue draw. On the test's own
 * redis-server; restart states are written into Redis directly. Titles start
 * with the branch tags of docs/redis-scripts.md.
 */
import { beforeEach, describe, expect, it } from 'vitest';
import { RESTART_TICKET_GAP } from '../../server/store/restart-gap.js';
import { EARLIER_RUN_ID, loseTickets, restartRedisRun } from '../support/lost-tickets.js';
import { EVENT, NODE, T0, useScriptBench } from '../support/script-bench.js';
import { monitorCommands, writes } from '../support/redis-monitor.js';
import { drawCommitment } from '../../shared/queue/draw-commitment.js';

const OPENS = T0 + 60_000;
const SEED = 77;
const device = { deviceHash: 'dev-1', secretHash: 'secret-1', expiresAt: T0 + 3_600_000 };

const bench = useScriptBench(() => SEED);

describe('join-batch.lua', () => {
  it('join-batch/bad-argument: a fractional count fails before the restart check writes anything', async () => {
    const before = await bench.state();
    await expect(bench.run('join-batch', [1.5, NODE, T0, 0, SEED])).rejects.toThrow(/BAD_SCRIPT_ARGUMENT join-batch.lua ARGV\[1\] count/);
    expect(await bench.state()).toEqual(before);
  });

  it('join-batch/issued: consecutive numbers, each waiting and held by the node', async () => {
    expect(await bench.stores.queue.joinBatch(EVENT, 3, T0, NODE, 0)).toBe(1);
    expect(await bench.stores.queue.joinBatch(EVENT, 2, T0, NODE, 0)).toBe(4);
    expect(await bench.raw.hGetAll(bench.k.status)).toEqual({ 1: 'w', 2: 'w', 3: 'w', 4: 'w', 5: 'w' });
    expect(await bench.raw.zScore(bench.k.held, '5')).toBe(NODE);
  });
});

describe('device-join.lua', () => {
  it('device-join/bad-argument: a missing expiry fails before a ticket is issued', async () => {
    const before = await bench.state();
    await expect(bench.run('device-join', [NODE, T0, 0, SEED, 'nonce', 'commitment', 'secret-1'], 'dev-1')).rejects.toThrow(
      /BAD_SCRIPT_ARGUMENT device-join.lua ARGV\[8\]/,
    );
    expect(await bench.state()).toEqual(before);
  });

  it('device-join/new: issues one ticket and remembers it for the device until the ticket expires', async () => {
    const place = await bench.stores.queue.joinDevice(EVENT, device, T0, NODE, 0);
    expect(place).toEqual({ ticketNo: 1, secretHash: 'secret-1', issuedAt: T0, fresh: true });
    const ttl = await bench.raw.pTTL(bench.k.device('dev-1'));
    expect(ttl).toBeGreaterThan(3_500_000);
    expect(ttl).toBeLessThanOrEqual(3_600_000);
  });

  it('device-join/new: a fractional expiry still records the place (PX takes whole ms)', async () => {
    const place = await bench.stores.queue.joinDevice(EVENT, { ...device, expiresAt: T0 + 1000.5 }, T0, NODE, 0);
    expect(place.fresh).toBe(true);
    expect(await bench.raw.get(bench.k.device('dev-1'))).toBe(`1 secret-1 ${T0}`);
  });

  it('device-join/held: the device keeps its place, nothing is issued', async () => {
    await bench.stores.queue.joinDevice(EVENT, device, T0, NODE, 0);
    const again = await bench.stores.queue.joinDevice(EVENT, { ...device, secretHash: 'secret-2' }, T0 + 5, NODE, 0);
    expect(again).toEqual({ ticketNo: 1, secretHash: 'secret-1', issuedAt: T0, fresh: false });
    expect(await bench.meta('issued')).toBe(1);
  });
});

describe('device-release.lua', () => {
  it('device-release/forgotten: the place of that ticket is forgotten', async () => {
    await bench.stores.queue.joinDevice(EVENT, device, T0, NODE, 0);
    await bench.stores.queue.releaseDevice(EVENT, 'dev-1', 1);
    expect(await bench.raw.exists(bench.k.device('dev-1'))).toBe(0);
  });

  it('device-release/kept: a newer place, or none, is left alone', async () => {
    await bench.raw.set(bench.k.device('dev-1'), `12 secret-1 ${T0}`);
    await bench.stores.queue.releaseDevice(EVENT, 'dev-1', 1);
    expect(await bench.raw.get(bench.k.device('dev-1'))).toBe(`12 secret-1 ${T0}`);
    await bench.stores.queue.releaseDevice(EVENT, 'dev-2', 1);
    expect(await bench.raw.exists(bench.k.device('dev-2'))).toBe(0);
  });
});

describe('challenge-redeem.lua', () => {
  it('challenge-redeem/redeemed: the first redemption counts and is remembered until the challenge expires', async () => {
    expect(await bench.stores.queue.redeemChallenge(EVENT, 'pow-1', T0 + 30_000, T0)).toBe(true);
    expect(await bench.raw.pTTL(bench.k.redeemedChallenge('pow-1'))).toBeGreaterThan(29_000);
  });

  it('challenge-redeem/already-redeemed: a second redemption does not', async () => {
    await bench.stores.queue.redeemChallenge(EVENT, 'pow-1', T0 + 30_000, T0);
    expect(await bench.stores.queue.redeemChallenge(EVENT, 'pow-1', T0 + 30_000, T0 + 1)).toBe(false);
  });
});

describe('the pre-queue draw (helpers.lua)', () => {
  const COMMIT_FIELDS = ['commitSeed', 'commitNonce', 'commitment', 'committedAt'];

  it('helpers/draw-done: once drawn, a later join keeps the draw', async () => {
    await bench.stores.queue.joinBatch(EVENT, 4, T0, NODE, OPENS);
    await bench.stores.queue.joinBatch(EVENT, 1, OPENS, NODE, OPENS);
    const drawn = await bench.raw.hGetAll(bench.k.meta);
    await bench.run('join-batch', [1, NODE, OPENS + 1, OPENS, 5, 'ab'.repeat(16), 'cd'.repeat(32)]);
    const after = await bench.raw.hGetAll(bench.k.meta);
    expect([after.drawSize, after.drawSeed, after.drawNonce, after.commitment]).toEqual([drawn.drawSize, drawn.drawSeed, drawn.drawNonce, drawn.commitment]);
    expect(after.drawSize).toBe('4');
  });

  it('helpers/commit-now: the first join before the opening fixes the seed and publishes its hash, drawing nothing', async () => {
    await bench.stores.queue.joinBatch(EVENT, 4, T0, NODE, OPENS);
    const [seed, nonce, commitment, committedAt] = await bench.raw.hmGet(bench.k.meta, COMMIT_FIELDS);
    expect([seed, committedAt]).toEqual([String(SEED), String(T0)]);
    expect(nonce).toMatch(/^[0-9a-f]{32}$/);
    expect(commitment).toBe(await drawCommitment(EVENT, SEED, nonce!));
    expect(await bench.raw.hExists(bench.k.meta, 'drawSize')).toBe(0);
  });

  it('helpers/draw-not-due: a later join before the opening keeps the commitment, whatever it proposes', async () => {
    await bench.stores.queue.joinBatch(EVENT, 4, T0, NODE, OPENS);
    const committed = await bench.raw.hmGet(bench.k.meta, COMMIT_FIELDS);
    await bench.run('join-batch', [1, NODE, T0 + 5, OPENS, 5, 'ab'.repeat(16), 'cd'.repeat(32)]);
    expect(await bench.raw.hmGet(bench.k.meta, COMMIT_FIELDS)).toEqual(committed);
    expect(await bench.raw.hExists(bench.k.meta, 'drawSize')).toBe(0);
  });

  it('helpers/draw-now: the opening is one HSET, the committed seed revealed, whatever the size of the pre-queue', async () => {
    const openingWrites = async (prequeue: number) => {
      await bench.raw.flushAll();
      await bench.stores.queue.joinBatch(EVENT, prequeue, T0, NODE, OPENS);
      const [seed, nonce, commitment] = await bench.raw.hmGet(bench.k.meta, COMMIT_FIELDS);
      const commands = await monitorCommands(bench.url, () => bench.stores.queue.joinBatch(EVENT, 1, OPENS, NODE, OPENS));
      const drawWrites = writes(commands).filter(({ args }) => args[1] === bench.k.meta && args.some((arg) => /^(draw|commit)/.test(arg)));
      expect(drawWrites.map(({ args }) => args.slice(2))).toEqual([['drawSize', String(prequeue), 'drawSeed', seed, 'drawNonce', nonce]]);
      // What is revealed is what was committed to before the opening.
      expect(await drawCommitment(EVENT, Number(seed), nonce!)).toBe(commitment);
      return writes(commands).length;
    };
    const small = await openingWrites(4);
    // The opening's writes do not grow with the pre-queue: none per ticket.
    expect(await openingWrites(3000)).toBe(small);
  });

  it('helpers/draw-uncommitted: when nothing ran before the opening, commitment and draw are one HSET', async () => {
    const commands = await monitorCommands(bench.url, () => bench.stores.queue.joinBatch(EVENT, 1, OPENS, NODE, OPENS));
    const metaWrites = writes(commands).filter(({ args }) => args[1] === bench.k.meta && args.includes('drawSize'));
    expect(metaWrites).toHaveLength(1);
    const meta = await bench.raw.hGetAll(bench.k.meta);
    expect([meta.drawSize, meta.drawSeed, meta.commitSeed, meta.drawNonce]).toEqual(['0', String(SEED), String(SEED), meta.commitNonce]);
    expect(meta.commitment).toBe(await drawCommitment(EVENT, SEED, meta.commitNonce!));
  });
});

describe('the restart check (helpers.lua)', () => {
  it('helpers/recover-same-run: a second join in the same run skips nothing', async () => {
    await bench.stores.queue.joinBatch(EVENT, 3, T0, NODE, 0);
    expect(await bench.stores.queue.joinBatch(EVENT, 1, T0, NODE, 0)).toBe(4);
    expect(await bench.meta('restarts')).toBe(0);
  });

  it('helpers/recover-new-run: an event with nothing issued only records the run', async () => {
    await restartRedisRun(bench.raw, bench.k);
    expect(await bench.stores.queue.joinBatch(EVENT, 1, T0, NODE, 0)).toBe(1);
    expect(await bench.raw.hGet(bench.k.meta, 'runId')).not.toBe(EARLIER_RUN_ID);
    expect(await bench.meta('restarts')).toBe(0);
  });

  it('helpers/recover-gap-drawn: after the draw the skipped numbers are counted as leavers at once, and the gap recorded', async () => {
    await bench.stores.queue.joinBatch(EVENT, 10, OPENS, NODE, OPENS);
    await loseTickets(bench.raw, bench.k, [8, 9, 10]);
    await bench.raw.hSet(bench.k.meta, 'drawSize', '7');
    expect(await bench.stores.queue.joinBatch(EVENT, 1, OPENS, NODE, OPENS)).toBe(7 + RESTART_TICKET_GAP + 1);
    expect(await bench.leftCounted()).toBe(RESTART_TICKET_GAP);
    expect(await bench.raw.zCard(bench.k.deferred)).toBe(0);
    expect(await bench.raw.zRangeWithScores(bench.k.gaps, 0, -1)).toEqual([{ value: String(7 + RESTART_TICKET_GAP), score: 8 }]);
    expect(await bench.meta('restarts')).toBe(1);
  });

  it('helpers/recover-gap-deferred: before the draw the skipped numbers wait in deferred', async () => {
    await bench.stores.queue.joinBatch(EVENT, 10, T0, NODE, OPENS);
    await loseTickets(bench.raw, bench.k, [8, 9, 10]);
    expect(await bench.stores.queue.joinBatch(EVENT, 1, T0, NODE, OPENS)).toBe(7 + RESTART_TICKET_GAP + 1);
    expect(await bench.leftCounted()).toBe(0);
    expect(await bench.raw.zCard(bench.k.deferred)).toBe(RESTART_TICKET_GAP);
  });
});
