/**
 * Per-client caps of one gateway node (docs/protocol.md §8): open connections
 * and joins per client address (joins without a device key on a far smaller
 * budget of their own), with higher caps for configured carrier-grade NAT
 * ranges, resumes per ticket, recovery codes tried per address and shown per
 * ticket (decision 030). All state is in memory and bounded: an
 * address is forgotten when its last connection closes, a bucket once it has
 * refilled (`prune`, once per tick).
 */
import type { BlockList } from 'node:net';
import type { WaitroomConfig } from '../../config/schema.js';
import { addressRanges, inRanges } from './address-ranges.js';
import { clientAddress } from './client-address.js';
import { ConnectionCounts } from './connection-counts.js';
import { TokenBuckets, type Take } from './token-buckets.js';

type GatewayConfig = WaitroomConfig['gateway'];
type LimitsConfig = Pick<GatewayConfig, 'perIp' | 'natRanges' | 'trustProxy' | 'clientAddressHeader' | 'resumesPerTicketPerMinute'>;
type IpCaps = GatewayConfig['perIp'];

/** What a refused upgrade is told to wait: a slot frees when any of the address's connections closes. */
export const CONNECTION_RETRY_AFTER_SECONDS = 10;

export class ClientLimits {
  private readonly trustedProxies: BlockList;
  private readonly natRanges: { range: BlockList; caps: IpCaps }[];
  private readonly connections = new ConnectionCounts();
  private readonly joins = new TokenBuckets();
  private readonly keylessJoins = new TokenBuckets();
  private readonly resumes = new TokenBuckets();
  private readonly recoveries = new TokenBuckets();
  private readonly recoveryShows = new TokenBuckets();

  constructor(private readonly config: LimitsConfig) {
    this.trustedProxies = addressRanges(config.trustProxy);
    this.natRanges = config.natRanges.map(({ cidr, ...caps }) => ({ range: addressRanges([cidr]), caps }));
  }

  /** The address a connection counts under, from its socket and (behind a trusted proxy) its forwarding header. */
  addressOf(socketAddress: string, header: (name: string) => string | undefined): string {
    return clientAddress(socketAddress, header(this.config.clientAddressHeader), this.trustedProxies);
  }

  /** Whether one more connection from `address` may open now. */
  mayConnect(address: string): boolean {
    return this.connections.of(address) < this.capsOf(address).maxConnections;
  }

  opened(address: string): void {
    this.connections.opened(address);
  }

  closed(address: string): void {
    this.connections.closed(address);
  }

  /** A join from `address`; one without a device key (`withDevice` false) must also fit the address's keyless budget. */
  takeJoin(address: string, withDevice: boolean, now: number): Take & { keyless?: true } {
    const caps = this.capsOf(address);
    if (!withDevice) {
      const keyless = this.keylessJoins.take(address, caps.keylessJoinsPerMinute, now);
      if (!keyless.ok) return { ...keyless, keyless: true };
    }
    return this.joins.take(address, caps.joinsPerMinute, now);
  }

  /** `ticketKey`: the event and number of a ticket whose token verified. */
  takeResume(ticketKey: string, now: number): Take {
    return this.resumes.take(ticketKey, this.config.resumesPerTicketPerMinute, now);
  }

  /** A recovery code tried from `address`, right or wrong (the store bounds the event's wrong ones across gateways). */
  takeRecovery(address: string, now: number): Take {
    return this.recoveries.take(address, this.capsOf(address).recoveriesPerMinute, now);
  }

  /** A recovery code kept for ticket `ticketKey` (one store write each): on the per-ticket resume budget's figure. */
  takeRecoveryShown(ticketKey: string, now: number): Take {
    return this.recoveryShows.take(ticketKey, this.config.resumesPerTicketPerMinute, now);
  }

  prune(now: number): void {
    for (const buckets of [this.joins, this.keylessJoins, this.resumes, this.recoveries, this.recoveryShows]) buckets.prune(now);
  }

  /** Entries held, for tests and metrics: they must not outgrow the clients actually present. */
  get sizes(): { addresses: number; joinBuckets: number; keylessJoinBuckets: number; resumeBuckets: number; recoveryBuckets: number } {
    return {
      addresses: this.connections.size,
      joinBuckets: this.joins.size,
      keylessJoinBuckets: this.keylessJoins.size,
      resumeBuckets: this.resumes.size,
      recoveryBuckets: this.recoveries.size + this.recoveryShows.size,
    };
  }

  private capsOf(address: string): IpCaps {
    for (const { range, caps } of this.natRanges) if (inRanges(range, address)) return caps;
    return this.config.perIp;
  }
}
