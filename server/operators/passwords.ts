/**
 * Operator password hashes: `scrypt$N$r$p$saltB64$hashB64` (node:crypto scrypt,
 * a random 16-byte salt, a 32-byte key). The parameters travel with each hash,
 * so stronger ones can be chosen later without invalidating old hashes.
 * Verification compares in constant time and accepts only parameters within
 * bounds, so a hostile hash in the config cannot make one check take minutes.
 */
import { randomBytes, scrypt as scryptCallback, timingSafeEqual, type ScryptOptions } from 'node:crypto';

export interface ScryptParams {
  /** CPU/memory cost, a power of two. */
  N: number;
  r: number;
  p: number;
}

/** About 50–100 ms and 32 MiB per hash on this machine's class of CPU. */
export const DEFAULT_SCRYPT: ScryptParams = { N: 1 << 15, r: 8, p: 1 };
const KEY_BYTES = 32;
const SALT_BYTES = 16;
const MAX_N = 1 << 20;
const MAX_R = 32;
const MAX_P = 16;

export const PASSWORD_HASH_PATTERN = /^scrypt\$(\d{1,8})\$(\d{1,3})\$(\d{1,3})\$([A-Za-z0-9+/]+={0,2})\$([A-Za-z0-9+/]+={0,2})$/;

interface ParsedHash extends ScryptParams {
  salt: Buffer;
  hash: Buffer;
}

function scrypt(password: string, salt: Buffer, length: number, { N, r, p }: ScryptParams): Promise<Buffer> {
  // Node refuses by default when 128·N·r reaches its 32 MiB maxmem: allow what the parameters need.
  const options: ScryptOptions = { N, r, p, maxmem: 256 * N * r + (1 << 20) };
  return new Promise((resolve, reject) =>
    scryptCallback(password.normalize('NFC'), salt, length, options, (error, key) => (error ? reject(error) : resolve(key))),
  );
}

/** Why a stored hash is unusable, or null when it is well formed. */
export function passwordHashProblem(stored: string): string | null {
  const match = PASSWORD_HASH_PATTERN.exec(stored);
  if (!match) return 'expected scrypt$N$r$p$saltBase64$hashBase64 (make one with `npm run hash-password`)';
  const [N, r, p] = [Number(match[1]), Number(match[2]), Number(match[3])];
  if (N < 2 || N > MAX_N || (N & (N - 1)) !== 0) return `N must be a power of two from 2 to ${MAX_N}`;
  if (r < 1 || r > MAX_R) return `r must be from 1 to ${MAX_R}`;
  if (p < 1 || p > MAX_P) return `p must be from 1 to ${MAX_P}`;
  if (Buffer.from(match[4]!, 'base64').length < 8) return 'the salt must be at least 8 bytes';
  if (Buffer.from(match[5]!, 'base64').length < 16) return 'the hash must be at least 16 bytes';
  return null;
}

function parse(stored: string): ParsedHash | null {
  if (passwordHashProblem(stored) !== null) return null;
  const match = PASSWORD_HASH_PATTERN.exec(stored)!;
  return { N: Number(match[1]), r: Number(match[2]), p: Number(match[3]), salt: Buffer.from(match[4]!, 'base64'), hash: Buffer.from(match[5]!, 'base64') };
}

export async function hashPassword(password: string, params: ScryptParams = DEFAULT_SCRYPT): Promise<string> {
  const salt = randomBytes(SALT_BYTES);
  const hash = await scrypt(password, salt, KEY_BYTES, params);
  return `scrypt$${params.N}$${params.r}$${params.p}$${salt.toString('base64')}$${hash.toString('base64')}`;
}

/** True when `password` matches `stored`; false for a wrong password or a malformed hash (never throws for those). */
export async function verifyPassword(password: string, stored: string): Promise<boolean> {
  const parsed = parse(stored);
  if (!parsed) return false;
  const candidate = await scrypt(password, parsed.salt, parsed.hash.length, parsed);
  return timingSafeEqual(candidate, parsed.hash);
}
