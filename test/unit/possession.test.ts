/**
 * The possession proof of docs/protocol.md §6.4, by its test vector (Python's
 * `cryptography` computes the same: Ed25519 is deterministic), and the
 * gateway's check of it.
 */
import { describe, expect, it } from 'vitest';
import { newConnectionNonce, provesPossession } from '../../server/gateway/possession-check.js';
import { deviceJoinChallenge, possessionKey, proveWith, resumeChallenge } from '../../shared/tokens/possession.js';

const VECTOR = {
  secret: 'a1B2c3D4e5F6g7H8i9J0k1L2m3N4o5P6q7R8s9T0u1V',
  nonce: 'AAECAwQFBgcICQoLDA0ODw',
  ticket: 'wt1.k1.eyJlIjoiZGVtbyJ9.c2ln',
  pk: '06h0rRVeQqd9rdjjWrjHjDKSu-FGrmMIj93nS0GYr8M',
  resumeProof: 'pVoUbZASHivkA2fVSW_qFFzFJ552oYTQnuENeB-X8BxBGy0EysI-u4dZvh5YjV5bOHosfUxQE0Q2ZL-T4_vtCA',
  deviceJoinProof: 'gYQzHzuk1qZ6KfmVzTblI_cb9G9Dyv26K3q0ashUoESUZQ7RAXpuhSVx2jbLeLyVgAANtRRQzsANLrDR3Z9jDg',
};

describe('possession proof', () => {
  it('derives the documented key and signatures from the secret', async () => {
    expect(await possessionKey(VECTOR.secret)).toBe(VECTOR.pk);
    expect(await proveWith(VECTOR.secret, resumeChallenge(VECTOR.nonce, VECTOR.ticket))).toBe(VECTOR.resumeProof);
    expect(await proveWith(VECTOR.secret, deviceJoinChallenge(VECTOR.nonce, 'demo'))).toBe(VECTOR.deviceJoinProof);
  });

  it('is accepted by the gateway for its own challenge only', () => {
    const challenge = resumeChallenge(VECTOR.nonce, VECTOR.ticket);
    expect(provesPossession(VECTOR.pk, challenge, VECTOR.resumeProof)).toBe(true);
    // Another nonce (another connection), another ticket, a device-join proof, a flipped bit, another key: refused.
    expect(provesPossession(VECTOR.pk, resumeChallenge('BAECAwQFBgcICQoLDA0ODw', VECTOR.ticket), VECTOR.resumeProof)).toBe(false);
    expect(provesPossession(VECTOR.pk, resumeChallenge(VECTOR.nonce, `${VECTOR.ticket}x`), VECTOR.resumeProof)).toBe(false);
    expect(provesPossession(VECTOR.pk, challenge, VECTOR.deviceJoinProof)).toBe(false);
    expect(provesPossession(VECTOR.pk, challenge, `B${VECTOR.resumeProof.slice(1)}`)).toBe(false);
    expect(provesPossession('A'.repeat(43), challenge, VECTOR.resumeProof)).toBe(false);
    // Not a signature, not a key: refused, never thrown.
    expect(provesPossession(VECTOR.pk, challenge, 'short')).toBe(false);
    expect(provesPossession('not a key', challenge, VECTOR.resumeProof)).toBe(false);
  });

  it('gives every connection its own nonce of the documented shape', () => {
    const nonces = new Set(Array.from({ length: 1000 }, newConnectionNonce));
    expect(nonces.size).toBe(1000);
    for (const nonce of nonces) expect(nonce).toMatch(/^[A-Za-z0-9_-]{22}$/);
  });
});
