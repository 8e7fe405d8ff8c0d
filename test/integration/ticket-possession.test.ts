/**
 * A ticket alone is not enough (issue 13 §3, docs/decisions/013-ticket-possession.md):
 * someone who saw it (a shared booking link, a screenshot) cannot resume it,
 * supersede its holder, cancel the place or take over the device's place;
 * the holder keeps the place, is admitted and books.
 */
import { afterEach, describe, expect, it } from 'vitest';
import type { Stores } from '../../server/store/types.js';
import { ErrorCode } from '../../shared/protocol/codes.js';
import { decodePayload, splitToken } from '../../shared/tokens/format.js';
import { TICKET_PREFIX, TicketClaims } from '../../shared/tokens/claims.js';
import { deviceJoinChallenge, proveWith, resumeChallenge } from '../../shared/tokens/possession.js';
import { hashSecret, newClientSecret } from '../../shared/tokens/secret.js';
import { bookingBody, postBooking } from '../support/booking.js';
import { storeFactories } from '../support/stores.js';
import { startTestSystem, testEvent, type TestSystem } from '../support/system.js';
import { refusalOf, TestClient } from '../support/ws-client.js';

const codeOf = async (request: Promise<unknown>): Promise<string> => (await refusalOf(request)).code;

/** What anyone who sees a ticket can read from it: the claims are plain base64url JSON. */
function claimsOf(ticket: string): TicketClaims {
  return TicketClaims.parse(decodePayload(splitToken(ticket, TICKET_PREFIX)!.payload));
}

describe.each(storeFactories)('$name store', (factory) => {
  let stores: Stores;
  let system: TestSystem | null = null;
  const clients: TestClient[] = [];
  async function client(secret?: string): Promise<TestClient> {
    const c = await TestClient.connect(system!.wsUrl, secret);
    clients.push(c);
    return c;
  }

  afterEach(async () => {
    await Promise.all(clients.splice(0).map((c) => c.close()));
    await system?.stop();
    system = null;
    await stores.close();
  });

  it('a thief with the ticket cannot resume, supersede or leave; the owner keeps the place and books', async () => {
    stores = await factory.create();
    await stores.queue.setPaused('ev', true);
    system = await startTestSystem({ stores, events: [testEvent({ maxActive: 1 })] });
    const owner = await client();
    const { ticket, ticketNo } = await owner.join('ev');
    const ownerProof = await proveWith(owner.secret, resumeChallenge(await owner.nonce(), ticket));

    const thief = await client();
    const attempts = {
      // The ticket alone, signed with the thief's own secret.
      ownKey: await codeOf(thief.resume(ticket, 'ev')),
      // A proof the owner made for its own connection's nonce, replayed on another connection.
      replayed: await codeOf(thief.resume(ticket, 'ev', ownerProof)),
      // A proof of the right length that is no signature at all.
      garbage: await codeOf(thief.resume(ticket, 'ev', 'A'.repeat(86))),
    };
    expect(attempts).toEqual({ ownKey: ErrorCode.TICKET_PROOF_INVALID, replayed: ErrorCode.TICKET_PROOF_INVALID, garbage: ErrorCode.TICKET_PROOF_INVALID });
    // Holding nothing, the thief cannot cancel the place either.
    thief.send({ type: 'leave', rid: 9 });
    expect(await thief.waitFor('error', (e) => e.rid === 9)).toMatchObject({ code: ErrorCode.NOT_JOINED });

    // The owner was never superseded and still waits; on a new connection its own secret resumes the place.
    await new Promise((resolve) => setTimeout(resolve, 300));
    expect(owner.closeCode).toBeNull();
    const ownerAgain = await client(owner.secret);
    expect(await ownerAgain.resume(ticket, 'ev')).toMatchObject({ ticketNo, resumed: true });

    await stores.queue.setPaused('ev', false);
    const admitted = await ownerAgain.waitFor('admitted', () => true, 10_000);
    const reply = await postBooking(system.reservationsUrl, 'ev', bookingBody(admitted.grant, owner.secret));
    expect(reply.status).toBe(201);
  });

  it("a join showing the ticket's secret hash and key, even with the device key, cannot take over the device's place", async () => {
    stores = await factory.create();
    await stores.queue.setPaused('ev', true);
    system = await startTestSystem({ stores, events: [testEvent({ maxActive: 1 })] });
    const device = await hashSecret(newClientSecret());
    const owner = await client();
    const { ticket, ticketNo } = await owner.joinWith('ev', { device });
    const { sh, pk } = claimsOf(ticket);

    // The strongest thief: the device's key leaked too, and it joins with the ticket's own sh and pk.
    const thief = await client();
    const unproven = await codeOf(thief.joinWith('ev', { device, secretHash: sh, pk, proof: undefined }));
    const wrongKey = await codeOf(
      thief.joinWith('ev', { device, secretHash: sh, pk, proof: await proveWith(thief.secret, deviceJoinChallenge(await thief.nonce(), 'ev')) }),
    );
    // Its own secret and key: the device's place is bound to others.
    const ownKeys = await codeOf(thief.joinWith('ev', { device }));
    expect({ unproven, wrongKey, ownKeys }).toEqual({
      unproven: ErrorCode.TICKET_PROOF_INVALID,
      wrongKey: ErrorCode.TICKET_PROOF_INVALID,
      ownKeys: ErrorCode.DEVICE_HAS_PLACE,
    });
    await new Promise((resolve) => setTimeout(resolve, 300));
    expect(owner.closeCode).toBeNull();

    // Another tab of the owner's device (same secret, same key) does take the place over.
    const tab = await client(owner.secret);
    expect(await tab.joinWith('ev', { device })).toMatchObject({ ticketNo, resumed: true });
  });
});
