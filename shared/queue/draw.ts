/**
 * The pre-queue draw (docs/decisions/005-prequeue-draw.md).
 *
 * Tickets are numbered in arrival order. Those issued before the opening (the
 * pre-queue, numbers 1..size) get their places in line from a keyed random
 * permutation of 1..size, drawn once at the opening: `size` is fixed then and
 * `seed` is picked then, so nobody knows anybody's place before it. Tickets
 * issued later keep their number as their place, behind the whole pre-queue.
 *
 * The permutation is a Feistel network over the smallest power of four ≥ size
 * with cycle walking: a pure function of (size, seed, number), computed the
 * same way here (browsers, gateways) and in Lua (server/store/redis/scripts/
 * helpers.lua), so the opening costs one write however many people wait.
 * All arithmetic stays below 2^53, as Lua 5.1 numbers are doubles.
 */

export interface Draw {
  /** Tickets issued before the opening: numbers 1..size are the pre-queue. */
  size: number;
  /** Unsigned 32-bit key of the permutation. */
  seed: number;
}

const ROUNDS = 6;
const TWO_32 = 4294967296;
/** Half-widths up to 26 bits: domains up to 2^52 tickets. */
const MAX_HALF_BITS = 26;

/** A 32-bit integer hash (two multiply–xorshift rounds); the Lua twin is mix32 in helpers.lua. */
export function mix32(value: number): number {
  let v = value >>> 0;
  v = (v ^ (v >>> 16)) >>> 0;
  v = Math.imul(v, 0x45d9f3b) >>> 0;
  v = (v ^ (v >>> 16)) >>> 0;
  v = Math.imul(v, 0x45d9f3b) >>> 0;
  return (v ^ (v >>> 16)) >>> 0;
}

interface Network {
  half: number;
  keys: number[];
}

/** The last draw's network: every call for one event's draw (a gateway re-placing its waiters, a page per tick) shares it. */
let cached: { size: number; seed: number; net: Network } | null = null;

function network(draw: Draw): Network {
  if (cached?.size === draw.size && cached.seed === draw.seed) return cached.net;
  let bits = 1;
  while (bits < MAX_HALF_BITS && 4 ** bits < draw.size) bits++;
  const keys = [];
  for (let round = 1; round <= ROUNDS; round++) keys.push(mix32((draw.seed + round * 0x9e3779b9) % TWO_32));
  const net = { half: 2 ** bits, keys };
  cached = { size: draw.size, seed: draw.seed, net };
  return net;
}

function roundValue(key: number, x: number, half: number): number {
  return mix32((x + key) % TWO_32) % half;
}

function encrypt({ half, keys }: Network, x: number): number {
  let left = Math.floor(x / half);
  let right = x % half;
  for (const key of keys) [left, right] = [right, (left ^ roundValue(key, right, half)) >>> 0];
  return left * half + right;
}

function decrypt({ half, keys }: Network, y: number): number {
  let left = Math.floor(y / half);
  let right = y % half;
  for (let round = keys.length - 1; round >= 0; round--) [left, right] = [(right ^ roundValue(keys[round]!, left, half)) >>> 0, left];
  return left * half + right;
}

/** Cycle walking: apply `step` until the value falls back inside 0..size−1, a bijection of the pre-queue onto itself. */
function walk(draw: Draw, n: number, step: (net: Network, x: number) => number): number {
  if (n > draw.size) return n;
  const net = network(draw);
  let x = n - 1;
  do x = step(net, x);
  while (x >= draw.size);
  return x + 1;
}

/** The place in line of ticket `ticketNo` (1-based), given the draw (null: not drawn yet, places are numbers). */
export function placeOf(ticketNo: number, draw: Draw | null): number {
  return draw ? walk(draw, ticketNo, encrypt) : ticketNo;
}

/** The ticket number at place `place`: the inverse of placeOf. */
export function ticketAt(place: number, draw: Draw | null): number {
  return draw ? walk(draw, place, decrypt) : place;
}
