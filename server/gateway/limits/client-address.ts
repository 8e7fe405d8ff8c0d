/**
 * The client's address: the socket's, unless the socket comes from a trusted
 * proxy (gateway.trustProxy); then the rightmost address of the forwarding
 * header that is not itself a trusted proxy. Anyone else's header is ignored,
 * so a client cannot choose the address it is counted under.
 */
import type { BlockList } from 'node:net';
import { canonicalAddress, familyOf, inRanges } from './address-ranges.js';

export function clientAddress(socketAddress: string, forwardedFor: string | undefined, trustedProxies: BlockList): string {
  let address = canonicalAddress(socketAddress);
  if (!forwardedFor || !inRanges(trustedProxies, address)) return address;
  const hops = forwardedFor.split(',').map((hop) => canonicalAddress(hop.trim()));
  for (let i = hops.length - 1; i >= 0 && inRanges(trustedProxies, address); i--) {
    const hop = hops[i]!;
    // A malformed entry ends the chain: count the client under the last proxy that named it.
    if (!familyOf(hop)) break;
    address = hop;
  }
  return address;
}
