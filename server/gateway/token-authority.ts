/** Issues and checks the tokens a gateway deals in: tickets at join, grants at admission. */
import { createPublicKey } from 'node:crypto';
import type { JSONWebKeySet } from 'jose';
import { signGrant, type GrantPublicKeys, type GrantSigningKey } from '../../shared/tokens/grant.js';
import { signTicket, verifyTicket, type TicketKeyRing } from '../../shared/tokens/ticket.js';
import type { TicketClaims } from '../../shared/tokens/claims.js';
import { ErrorCode } from '../../shared/protocol/codes.js';
import type { EventConfig } from '../config/event-schema.js';
import { jwksOf } from '../config/jwks.js';

export type TicketCheck = { ok: true; claims: TicketClaims } | { ok: false; code: ErrorCode; message: string };

function ownKey(grantKey: GrantSigningKey): GrantPublicKeys {
  return new Map([[grantKey.kid, createPublicKey(grantKey.privateKey)]]);
}

export class TokenAuthority {
  private published: JSONWebKeySet;

  /** `grantKeys`: the grant public keys to publish (the current one and the rotated ones still valid); the signing key's alone by default. */
  constructor(
    private ticketKeys: TicketKeyRing,
    private grantKey: GrantSigningKey,
    grantKeys: GrantPublicKeys = ownKey(grantKey),
  ) {
    this.published = jwksOf(grantKeys);
  }

  /** Key rotation (server/config/live-keys.ts): new tokens are signed with the new current keys at once. */
  useKeys(ticketKeys: TicketKeyRing, grantKey: GrantSigningKey, grantKeys: GrantPublicKeys = ownKey(grantKey)): void {
    this.ticketKeys = ticketKeys;
    this.grantKey = grantKey;
    this.published = jwksOf(grantKeys);
  }

  /** The grant public keys as a JWKS (RFC 7517), served at /.well-known/jwks.json. */
  get jwks(): JSONWebKeySet {
    return this.published;
  }

  /** The live ticket keys (proof-of-work challenges are signed under keys derived from them: pow/challenge.ts). */
  get ticketRing(): TicketKeyRing {
    return this.ticketKeys;
  }

  /** `binding`: the join's secret hash and possession key; the ticket carries both. */
  issueTicket(event: EventConfig, ticketNo: number, binding: { secretHash: string; pk: string }, now: number): { token: string; claims: TicketClaims } {
    const claims: TicketClaims = { e: event.id, n: ticketNo, sh: binding.secretHash, pk: binding.pk, iat: now, exp: now + event.ticketTtlSeconds * 1000 };
    return { token: signTicket(this.ticketKeys, claims), claims };
  }

  checkTicket(token: string, now: number, expectedEventId?: string): TicketCheck {
    const verified = verifyTicket(token, this.ticketKeys, now);
    if (!verified.ok) {
      return verified.failure === 'expired'
        ? { ok: false, code: ErrorCode.TICKET_EXPIRED, message: 'this ticket has expired' }
        : { ok: false, code: ErrorCode.TICKET_INVALID, message: 'this ticket is not valid here' };
    }
    if (expectedEventId !== undefined && verified.claims.e !== expectedEventId) {
      return { ok: false, code: ErrorCode.TICKET_WRONG_EVENT, message: `this ticket is for event "${verified.claims.e}"` };
    }
    return { ok: true, claims: verified.claims };
  }

  /**
   * The grant for an admitted ticket, a compact JWS (shared/tokens/grant.ts). Deterministic (Ed25519 signatures are):
   * any node re-minting it after a reconnect hands out the same token, until the
   * grant key is rotated (then the same claims under the new key id: one grant id, used once).
   */
  mintGrant(event: EventConfig, ticketNo: number, secretHash: string, grantExpiresAt: number): string {
    return signGrant(this.grantKey, {
      gid: `${event.id}:${ticketNo}`,
      e: event.id,
      n: ticketNo,
      sh: secretHash,
      iat: grantExpiresAt - event.grantTtlSeconds * 1000,
      exp: grantExpiresAt,
    });
  }
}
