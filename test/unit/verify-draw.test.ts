/**
 * The draw checks of shared/queue/verify-draw.ts on records built here: an
 * honest record verifies, and a changed seed, nonce, size, commitment or place
 * is each caught with its code.
 */
import { describe, expect, it } from 'vitest';
import type { DrawRecord } from '../../shared/http/draw.js';
import { COMMITMENT_DOMAIN, drawCommitment } from '../../shared/queue/draw-commitment.js';
import { placeOf } from '../../shared/queue/draw.js';
import { DrawCheckCode, drawnOrder, verifyDraw } from '../../shared/queue/verify-draw.js';
import { createHash } from 'node:crypto';

const OPENS = Date.UTC(2026, 11, 4, 11, 0);
const SEED = 0x5eed_2021;
const NONCE = '0123456789abcdef0123456789abcdef';
const SIZE = 500;

async function honest(): Promise<DrawRecord> {
  return {
    event: 'ages-53-54',
    prequeueOpensAt: OPENS - 3600_000,
    opensAt: OPENS,
    issued: SIZE + 40,
    commitment: { hash: await drawCommitment('ages-53-54', SEED, NONCE), at: OPENS - 3600_000 },
    reveal: { size: SIZE, seed: SEED, nonce: NONCE },
  };
}

const codes = async (record: DrawRecord, evidence = {}) => (await verifyDraw(record, evidence)).problems.map((problem) => problem.code);

describe('the commitment', () => {
  it('is SHA-256 of the domain, the event, the seed and the nonce, one line each (docs/protocol.md §5.2)', async () => {
    const expected = createHash('sha256').update(`${COMMITMENT_DOMAIN}\nages-53-54\n${SEED}\n${NONCE}`).digest('hex');
    expect(await drawCommitment('ages-53-54', SEED, NONCE)).toBe(expected);
    // Another event with the same seed and nonce commits to something else.
    expect(await drawCommitment('ages-55-59', SEED, NONCE)).not.toBe(expected);
  });
});

describe('verifyDraw', () => {
  it('verifies an honest record and gives each ticket its drawn place', async () => {
    const verdict = await verifyDraw(await honest(), {
      tickets: [
        { ticketNo: 7, issuedBeforeOpening: true },
        { ticketNo: SIZE + 3, issuedBeforeOpening: false },
      ],
    });
    expect(verdict).toEqual({ stage: 'revealed', problems: [], places: [placeOf(7, { size: SIZE, seed: SEED }), SIZE + 3] });
  });

  it('before the opening: committed, nothing to check yet; with tickets issued and no commitment: DRAW_NOT_COMMITTED', async () => {
    const record = { ...(await honest()), reveal: null };
    expect(await verifyDraw(record)).toEqual({ stage: 'committed', problems: [], places: [] });
    expect(await codes({ ...record, commitment: null, issued: 0 })).toEqual([]);
    expect(await codes({ ...record, commitment: null })).toEqual([DrawCheckCode.NOT_COMMITTED]);
  });

  it('a changed seed or nonce: DRAW_COMMITMENT_MISMATCH', async () => {
    const record = await honest();
    expect(await codes({ ...record, reveal: { ...record.reveal!, seed: SEED + 1 } })).toEqual([DrawCheckCode.COMMITMENT_MISMATCH]);
    expect(await codes({ ...record, reveal: { ...record.reveal!, nonce: NONCE.replace('0', '1') } })).toEqual([DrawCheckCode.COMMITMENT_MISMATCH]);
  });

  it('a commitment other than the one seen before the opening: DRAW_COMMITMENT_CHANGED, even when the new one matches', async () => {
    const record = await honest();
    const forged = {
      ...record,
      commitment: { ...record.commitment!, hash: await drawCommitment(record.event, 42, NONCE) },
      reveal: { ...record.reveal!, seed: 42 },
    };
    const earlier = { commitment: record.commitment!.hash, issued: 100, at: OPENS - 60_000 };
    expect(await codes(forged, { earlier })).toEqual([DrawCheckCode.COMMITMENT_CHANGED]);
    expect(await codes(record, { earlier })).toEqual([]);
  });

  it('a commitment made at or after the opening while people waited: DRAW_COMMITTED_LATE', async () => {
    const record = await honest();
    expect(await codes({ ...record, commitment: { ...record.commitment!, at: OPENS } })).toEqual([DrawCheckCode.COMMITTED_LATE]);
  });

  it('a changed size: DRAW_SIZE_MISMATCH against the tickets seen before the opening, a ticket of either side, the ticks, or the tickets issued', async () => {
    const record = await honest();
    const smaller = { ...record, reveal: { ...record.reveal!, size: SIZE - 10 } };
    // The seed still matches its commitment: only the size gives it away.
    expect(await codes(smaller)).toEqual([]);
    expect(await codes(smaller, { earlier: { commitment: record.commitment!.hash, issued: SIZE - 5, at: OPENS - 1000 } })).toEqual([
      DrawCheckCode.SIZE_MISMATCH,
    ]);
    expect(await codes(smaller, { tickets: [{ ticketNo: SIZE - 2, issuedBeforeOpening: true }] })).toEqual([DrawCheckCode.SIZE_MISMATCH]);
    expect(await codes(record, { tickets: [{ ticketNo: SIZE - 2, issuedBeforeOpening: false }] })).toEqual([DrawCheckCode.SIZE_MISMATCH]);
    expect(await codes(smaller, { ticks: { size: SIZE, seed: SEED } })).toEqual([DrawCheckCode.SIZE_MISMATCH]);
    expect(await codes({ ...record, reveal: { ...record.reveal!, size: record.issued + 1 } })).toContain(DrawCheckCode.SIZE_MISMATCH);
  });

  it('ticks with another seed than the record: DRAW_SEED_MISMATCH', async () => {
    expect(await codes(await honest(), { ticks: { size: SIZE, seed: SEED ^ 1 } })).toEqual([DrawCheckCode.SEED_MISMATCH]);
  });

  it('a reordered place: DRAW_PLACE_MISMATCH for each ticket given another place than the draw', async () => {
    const draw = { size: SIZE, seed: SEED };
    const [a, b] = [placeOf(1, draw), placeOf(2, draw)];
    const record = await honest();
    expect(
      await codes(record, {
        tickets: [
          { ticketNo: 1, place: a },
          { ticketNo: 2, place: b },
        ],
      }),
    ).toEqual([]);
    expect(
      await codes(record, {
        tickets: [
          { ticketNo: 1, place: b },
          { ticketNo: 2, place: a },
        ],
      }),
    ).toEqual([DrawCheckCode.PLACE_MISMATCH, DrawCheckCode.PLACE_MISMATCH]);
  });
});

describe('drawnOrder', () => {
  it('is the inverse of placeOf over the whole pre-queue', () => {
    const draw = { size: 1000, seed: SEED };
    const order = drawnOrder(draw);
    expect(new Set(order).size).toBe(1000);
    order.forEach((ticketNo, k) => expect(placeOf(ticketNo, draw)).toBe(k + 1));
  });
});
