/**
 * Checking a published draw record (docs/decisions/005, "Verifiable draw"):
 * the revealed seed and nonce against the commitment, the size against what
 * was seen before the opening, a ticket's place against the permutation. The
 * same checks run in `npm run verify-draw` and on the waiting page. Each
 * failure has a stable code.
 */
import type { DrawRecord } from '../http/draw.js';
import { drawCommitment, sha256Hex } from './draw-commitment.js';
import { placeOf, ticketAt, type Draw } from './draw.js';

export const DrawCheckCode = {
  /** No commitment was published: nothing binds the seed. */
  NOT_COMMITTED: 'DRAW_NOT_COMMITTED',
  /** The commitment was made at or after the opening while the pre-queue held tickets. */
  COMMITTED_LATE: 'DRAW_COMMITTED_LATE',
  /** The revealed seed and nonce do not hash to the published commitment. */
  COMMITMENT_MISMATCH: 'DRAW_COMMITMENT_MISMATCH',
  /** The commitment differs from the one seen earlier. */
  COMMITMENT_CHANGED: 'DRAW_COMMITMENT_CHANGED',
  /** The size disagrees with what was seen before the opening, with a ticket's side of the opening, or with the ticks. */
  SIZE_MISMATCH: 'DRAW_SIZE_MISMATCH',
  /** The ticks carry another seed than the record. */
  SEED_MISMATCH: 'DRAW_SEED_MISMATCH',
  /** A ticket was given another place than the permutation's. */
  PLACE_MISMATCH: 'DRAW_PLACE_MISMATCH',
} as const;
export type DrawCheckCode = (typeof DrawCheckCode)[keyof typeof DrawCheckCode];

export interface DrawProblem {
  code: DrawCheckCode;
  message: string;
}

/** What a checker knows besides the record. */
export interface DrawEvidence {
  /** Seen before the opening (a watcher's or the page's memory): the commitment and the tickets issued by then. */
  earlier?: { commitment: string | null; issued: number; at: number };
  /** The draw as the tick frames carry it (`dn`, `ds`). */
  ticks?: Draw | null;
  /** Tickets with what is known of them: the place they were told, and on which side of the opening they were issued. */
  tickets?: readonly { ticketNo: number; place?: number; issuedBeforeOpening?: boolean }[];
}

export interface DrawVerdict {
  /** `none`: no commitment yet; `committed`: the commitment is out, the seed not yet; `revealed`: the opening is past. */
  stage: 'none' | 'committed' | 'revealed';
  /** Empty when everything checked holds. */
  problems: DrawProblem[];
  /** Once revealed: the drawn place of each ticket of the evidence, in its order. */
  places: number[];
}

export async function verifyDraw(record: DrawRecord, evidence: DrawEvidence = {}): Promise<DrawVerdict> {
  const problems: DrawProblem[] = [];
  const problem = (code: DrawCheckCode, message: string) => problems.push({ code, message });
  const { commitment, reveal } = record;
  const earlier = evidence.earlier;
  if (earlier?.commitment && commitment && earlier.commitment !== commitment.hash) {
    problem(DrawCheckCode.COMMITMENT_CHANGED, `the commitment is ${commitment.hash}, but it was ${earlier.commitment} at ${iso(earlier.at)}`);
  }
  if (!commitment) {
    if (reveal || record.issued > 0) problem(DrawCheckCode.NOT_COMMITTED, 'no commitment to the seed was published');
    return { stage: 'none', problems, places: [] };
  }
  if (!reveal) return { stage: 'committed', problems, places: [] };

  if (commitment.at >= record.opensAt && reveal.size > 0) {
    problem(DrawCheckCode.COMMITTED_LATE, `the commitment was made at ${iso(commitment.at)}, not before the opening at ${iso(record.opensAt)}`);
  }
  const expected = await drawCommitment(record.event, reveal.seed, reveal.nonce);
  if (expected !== commitment.hash) {
    problem(
      DrawCheckCode.COMMITMENT_MISMATCH,
      `seed ${reveal.seed} with nonce ${reveal.nonce} hashes to ${expected}, not to the commitment ${commitment.hash}`,
    );
  }
  if (reveal.size > record.issued) problem(DrawCheckCode.SIZE_MISMATCH, `the size ${reveal.size} is above the ${record.issued} tickets ever issued`);
  if (earlier && earlier.at < record.opensAt && earlier.issued > reveal.size) {
    problem(DrawCheckCode.SIZE_MISMATCH, `${earlier.issued} tickets were issued by ${iso(earlier.at)}, before the opening, but the size is ${reveal.size}`);
  }
  const ticks = evidence.ticks;
  if (ticks && ticks.size !== reveal.size) problem(DrawCheckCode.SIZE_MISMATCH, `the ticks carry size ${ticks.size}, the record ${reveal.size}`);
  if (ticks && ticks.seed !== reveal.seed) problem(DrawCheckCode.SEED_MISMATCH, `the ticks carry seed ${ticks.seed}, the record ${reveal.seed}`);

  const draw: Draw = { size: reveal.size, seed: reveal.seed };
  const places = (evidence.tickets ?? []).map((ticket) => {
    const place = placeOf(ticket.ticketNo, draw);
    if (ticket.issuedBeforeOpening === true && ticket.ticketNo > reveal.size) {
      problem(DrawCheckCode.SIZE_MISMATCH, `ticket ${ticket.ticketNo} was issued before the opening, but the size ${reveal.size} leaves it out of the draw`);
    }
    if (ticket.issuedBeforeOpening === false && ticket.ticketNo <= reveal.size) {
      problem(DrawCheckCode.SIZE_MISMATCH, `ticket ${ticket.ticketNo} was issued after the opening, but the size ${reveal.size} puts it in the draw`);
    }
    if (ticket.place !== undefined && ticket.place !== place) {
      problem(DrawCheckCode.PLACE_MISMATCH, `ticket ${ticket.ticketNo} was given place ${ticket.place}; the draw puts it at ${place}`);
    }
    return place;
  });
  return { stage: 'revealed', problems, places };
}

/**
 * The whole drawn order: the ticket at each place 1..size. Checks that it is a
 * permutation (every ticket at exactly one place, and placeOf its inverse).
 */
export function drawnOrder(draw: Draw): Uint32Array {
  const order = new Uint32Array(draw.size);
  const seen = new Uint8Array(draw.size + 1);
  for (let place = 1; place <= draw.size; place++) {
    const ticketNo = ticketAt(place, draw);
    if (ticketNo < 1 || ticketNo > draw.size || seen[ticketNo] || placeOf(ticketNo, draw) !== place) {
      throw new Error(`the draw ${JSON.stringify(draw)} is not a permutation at place ${place}`);
    }
    seen[ticketNo] = 1;
    order[place - 1] = ticketNo;
  }
  return order;
}

/** SHA-256 (hex) of the drawn order, the ticket numbers at places 1..size as decimal lines: two verifiers can compare it. */
export function orderDigest(order: Uint32Array): Promise<string> {
  return sha256Hex(Array.from(order).join('\n'));
}

function iso(at: number): string {
  return new Date(at).toISOString();
}
