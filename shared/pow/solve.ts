/**
 * The client side of proof of work (docs/protocol.md §3.1.2): find a nonce n
 * with SHA-256(challenge + "." + n) starting with `difficulty` zero bits, by
 * WebCrypto (browsers run it in a Web Worker, client/sdk/pow-worker.ts; Node
 * has the same API). Nonces are counters in base 36.
 */

/** The difficulty a challenge asks for (its fourth dot-separated part). */
export function challengeDifficulty(challenge: string): number {
  const difficulty = Number(challenge.split('.')[3]);
  if (!Number.isInteger(difficulty) || difficulty < 0 || difficulty > 32) throw new Error(`not a proof-of-work challenge: ${challenge.slice(0, 40)}`);
  return difficulty;
}

function hasLeadingZeroBits(digest: Uint8Array, bits: number): boolean {
  let k = 0;
  for (; bits >= 8; bits -= 8, k++) if (digest[k] !== 0) return false;
  return bits === 0 || digest[k]! >> (8 - bits) === 0;
}

export async function solveChallenge(challenge: string): Promise<string> {
  const difficulty = challengeDifficulty(challenge);
  const encoder = new TextEncoder();
  for (let counter = 0; ; counter++) {
    const nonce = counter.toString(36);
    const digest = new Uint8Array(await crypto.subtle.digest('SHA-256', encoder.encode(`${challenge}.${nonce}`)));
    if (hasLeadingZeroBits(digest, difficulty)) return nonce;
  }
}
