/** Proof-of-work challenges: genuine ones check, altered, foreign and expired ones do not; one hash verifies a solution. */
import { describe, expect, it } from 'vitest';
import { generateKeys, ticketKeyRing } from '../../server/config/keys.js';
import { checkChallenge, issueChallenge, leadingZeroBits, solves } from '../../server/gateway/pow/challenge.js';
import { challengeDifficulty, solveChallenge } from '../../shared/pow/solve.js';

const ring = ticketKeyRing(generateKeys('test'));
const NOW = 1_700_000_000_000;

describe('proof-of-work challenges', () => {
  it('counts leading zero bits', () => {
    expect(leadingZeroBits(Uint8Array.of(0, 0, 0x80))).toBe(16);
    expect(leadingZeroBits(Uint8Array.of(0x01))).toBe(7);
    expect(leadingZeroBits(Uint8Array.of(0, 0))).toBe(16);
  });

  it('a genuine challenge checks and carries its difficulty; the client solver finds a nonce the server accepts', async () => {
    const challenge = issueChallenge(ring, 'ev', 10, NOW + 60_000);
    const check = checkChallenge(ring, challenge, 'ev', NOW);
    expect(check).toMatchObject({ ok: true, challenge: { eventId: 'ev', difficulty: 10, expiresAt: NOW + 60_000 } });
    expect(challengeDifficulty(challenge)).toBe(10);
    const nonce = await solveChallenge(challenge);
    expect(solves(challenge, nonce, 10)).toBe(true);
    // Some nonce below the solution fails (otherwise the check would accept anything).
    expect(Array.from({ length: 50 }, (_, k) => solves(challenge, `x${k}`, 10)).some((ok) => !ok)).toBe(true);
  });

  it('refuses an altered difficulty, another event, another key and an expired challenge', () => {
    const challenge = issueChallenge(ring, 'ev', 10, NOW + 60_000);
    const parts = challenge.split('.');
    const easier = [...parts.slice(0, 3), '1', ...parts.slice(4)].join('.');
    expect(checkChallenge(ring, easier, 'ev', NOW)).toEqual({ ok: false, failure: 'invalid' });
    expect(checkChallenge(ring, challenge, 'other', NOW)).toEqual({ ok: false, failure: 'invalid' });
    expect(checkChallenge(ticketKeyRing(generateKeys('test')), challenge, 'ev', NOW)).toEqual({ ok: false, failure: 'invalid' });
    expect(checkChallenge(ring, challenge, 'ev', NOW + 60_000)).toEqual({ ok: false, failure: 'expired' });
    expect(checkChallenge(ring, 'pow1.ev', 'ev', NOW)).toEqual({ ok: false, failure: 'invalid' });
  });
});
