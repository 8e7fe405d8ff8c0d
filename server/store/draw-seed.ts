/**
 * The seed of a pre-queue draw and its commitment (docs/decisions/005): the
 * first join or controller step of an event stores a node's proposal (seed,
 * nonce, commitment) unless one is stored already; the store keeps the seed and
 * nonce secret until the opening and publishes the commitment at once.
 */
import { createHash, randomBytes, randomInt } from 'node:crypto';
import { commitmentText, NONCE_BYTES } from '../../shared/queue/draw-commitment.js';
import type { DrawSeeds } from './types.js';

export function randomDrawSeed(): number {
  return randomInt(2 ** 32);
}

export interface DrawProposal {
  seed: number;
  /** Hex, NONCE_BYTES random bytes. */
  nonce: string;
  /** SHA-256 hex of commitmentText(eventId, seed, nonce). */
  commitment: string;
}

/** One proposal per event for the life of a store instance (only the first to reach the store counts, so one suffices). */
export class DrawProposals {
  private readonly byEvent = new Map<string, DrawProposal>();

  constructor(private readonly seeds: DrawSeeds) {}

  for(eventId: string): DrawProposal {
    let proposal = this.byEvent.get(eventId);
    if (!proposal) {
      const seed = this.seeds();
      const nonce = randomBytes(NONCE_BYTES).toString('hex');
      // Synchronous (node:crypto): the memory store's steps stay free of awaits; the same text as the pages' WebCrypto hash.
      const commitment = createHash('sha256')
        .update(commitmentText(eventId, seed, nonce))
        .digest('hex');
      proposal = { seed, nonce, commitment };
      this.byEvent.set(eventId, proposal);
    }
    return proposal;
  }
}
