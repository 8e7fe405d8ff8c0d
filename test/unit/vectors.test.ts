/**
 * docs/vectors/ are what `npm run vectors` (tools/vectors/) makes from the
 * code: rebuilt here in memory, they must equal the files. Each file is then
 * checked against the real code that serves and verifies (position, draw,
 * token verification, possession, the gateway's proof-of-work check), and by
 * docs/vectors/check_vectors.py, which knows only the JSON and the protocol.
 */
import { spawnSync } from 'node:child_process';
import { cpSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createPublicKey } from 'node:crypto';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { verifyAsync } from '@noble/ed25519';
import { describe, expect, it } from 'vitest';
import { checkChallenge, solves } from '../../server/gateway/pow/challenge.js';
import { TickMessage } from '../../shared/protocol/messages.js';
import { placeOf, ticketAt } from '../../shared/queue/draw.js';
import { drawOf, etaSeconds, peopleAhead, placesKnown } from '../../shared/queue/position.js';
import { fromBase64Url } from '../../shared/tokens/format.js';
import { createLocalJWKSet } from 'jose';
import { verifyGrant } from '../../shared/tokens/grant.js';
import { possessionKey } from '../../shared/tokens/possession.js';
import { hashSecret } from '../../shared/tokens/secret.js';
import { verifyTicket } from '../../shared/tokens/ticket.js';
import { buildVectors, formatVector } from '../../tools/vectors/build.js';

const DIR = fileURLToPath(new URL('../../docs/vectors/', import.meta.url));
/** A vector file as parsed JSON (its shapes are checked by what reads it). */
const read = (name: string): any => JSON.parse(readFileSync(join(DIR, name), 'utf8'));
const bytes = (text: string) => new TextEncoder().encode(text);

describe('docs/vectors', () => {
  it('are what npm run vectors makes from the code now', async () => {
    for (const [name, content] of Object.entries(await buildVectors())) {
      expect(readFileSync(join(DIR, name), 'utf8'), `docs/vectors/${name} is stale: run npm run vectors`).toBe(formatVector(content));
    }
  });

  it('tick frames: every ticket’s place, people ahead and ETA are what position.ts computes', () => {
    const ticks = read('ticks.json');
    expect(ticks.length).toBeGreaterThanOrEqual(5);
    const seen = { undrawn: false, requeued: false, coarse: false, left: false };
    for (const { frame, tickets } of ticks) {
      expect(TickMessage.parse(frame)).toEqual(frame);
      expect(tickets.ahead).toHaveLength(frame.i + 1);
      tickets.ahead.forEach((ahead: number, k: number) => {
        const ticketNo = tickets.from + k;
        expect(tickets.place[k], `place of ${ticketNo}`).toBe(placesKnown(frame) ? placeOf(ticketNo, drawOf(frame)) : null);
        expect(ahead, `ahead of ${ticketNo}`).toBe(peopleAhead(frame, ticketNo));
        expect(tickets.eta[k]).toBe(etaSeconds(frame, ahead));
      });
      seen.undrawn ||= frame.dn === undefined;
      seen.requeued ||= frame.q > 0;
      seen.coarse ||= frame.l.some((s: { w: number }) => s.w > 16);
      seen.left ||= frame.l.some((s: { n: number[] }) => s.n.some((n) => n > 0));
    }
    expect(seen).toEqual({ undrawn: true, requeued: true, coarse: true, left: true });
  });

  it('the draw: each permutation is placeOf, a bijection that ticketAt inverts', () => {
    const { permutations, large } = read('draw.json');
    for (const { size, seed, places } of permutations) {
      expect(places).toEqual(Array.from({ length: size }, (_, k) => placeOf(k + 1, { size, seed })));
      expect([...places].sort((a, b) => a - b)).toEqual(Array.from({ length: size }, (_, k) => k + 1));
      places.forEach((place: number, k: number) => expect(ticketAt(place, { size, seed })).toBe(k + 1));
    }
    for (const sample of large.samples) {
      expect(placeOf(sample.ticketNo, large)).toBe(sample.place);
      expect(sample.ticketAtThatPlace).toBe(sample.ticketNo);
    }
  });

  it('tokens verify with the servers’ own checks, and a changed byte does not', async () => {
    const { ticket, grant } = read('tokens.json');
    const ring = { current: 'k1', keys: new Map([['k1', Buffer.from(ticket.keyHex, 'hex')]]) };
    expect(verifyTicket(ticket.token, ring, ticket.claims.iat)).toEqual({ ok: true, claims: ticket.claims, kid: 'k1' });
    expect(
      verifyTicket(
        ticket.token.replace(/.$/, (c: string) => (c === 'A' ? 'B' : 'A')),
        ring,
        ticket.claims.iat,
      ).ok,
    ).toBe(false);
    const publicKey = createPublicKey({ key: { kty: 'OKP', crv: 'Ed25519', x: grant.publicKey }, format: 'jwk' });
    const keys = new Map([['k1', publicKey]]);
    expect(await verifyGrant(grant.token, keys, grant.claims.iat)).toEqual({ ok: true, claims: grant.claims, kid: 'k1' });
    const jwks = createLocalJWKSet(grant.jwks);
    expect(await verifyGrant(grant.token, (kid) => jwks({ alg: 'EdDSA', kid }), grant.claims.iat)).toMatchObject({ ok: true, kid: 'k1' });
    expect(`${grant.signingInput}.${grant.signature}`).toBe(grant.token);
  });

  it('hashes and the possession proof match the SDK’s functions', async () => {
    const { secret, device } = read('hashes.json');
    expect(await hashSecret(secret.secret)).toBe(secret.secretHash);
    expect(await hashSecret(device.deviceKey)).toBe(device.device);
    const possession = read('possession.json');
    expect(await possessionKey(possession.secret)).toBe(possession.pk);
    for (const signed of [possession.resume, possession.deviceJoin]) {
      expect(await verifyAsync(fromBase64Url(signed.proof)!, bytes(signed.signedText), fromBase64Url(possession.pk)!)).toBe(true);
    }
  });

  it('the proof-of-work challenge is genuine and solved, by the gateway’s check', () => {
    const pow = read('pow.json');
    const ring = { current: 'k1', keys: new Map([['k1', Buffer.from(pow.ticketKeyHex, 'hex')]]) };
    const expiresAt = Number(pow.challenge.split('.')[4]);
    expect(checkChallenge(ring, pow.challenge, 'demo', expiresAt - 1)).toMatchObject({ ok: true, challenge: { difficulty: pow.difficulty } });
    expect(solves(pow.challenge, pow.nonce, pow.difficulty)).toBe(true);
  });

  it('check_vectors.py verifies them from the JSON alone, and refuses a changed one', () => {
    const python = spawnSync('python3', ['-c', 'import cryptography'], { encoding: 'utf8' });
    if (python.error || python.status !== 0)
      throw new Error(`python3 with the cryptography package is needed to check docs/vectors: ${python.error?.message ?? python.stderr}`);
    const script = join(DIR, 'check_vectors.py');
    const good = spawnSync('python3', [script, DIR], { encoding: 'utf8' });
    expect(good.status, good.stderr).toBe(0);
    expect(good.stdout.trim().split('\n')).toHaveLength(6);
    const copy = mkdtempSync(join(tmpdir(), 'vectors-'));
    try {
      cpSync(DIR, copy, { recursive: true });
      const ticks = read('ticks.json');
      ticks[1].tickets.ahead[0] += 1;
      writeFileSync(join(copy, 'ticks.json'), JSON.stringify(ticks));
      const bad = spawnSync('python3', [script, copy], { encoding: 'utf8' });
      expect(bad.status).not.toBe(0);
      expect(bad.stderr).toContain('MISMATCH ahead of 1');
    } finally {
      rmSync(copy, { recursive: true });
    }
  });
});
