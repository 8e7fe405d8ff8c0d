import { describe, expect, it } from 'vitest';
import { addressRanges, canonicalAddress, isAddressOrCidr } from '../../server/gateway/limits/address-ranges.js';
import { clientAddress } from '../../server/gateway/limits/client-address.js';
import { ClientLimits } from '../../server/gateway/limits/client-limits.js';
import { GatewayConfig } from '../../server/config/schema.js';

describe('client address', () => {
  const proxies = addressRanges(['10.0.0.0/8', '192.0.2.1']);

  it('is the socket address when the socket is not a trusted proxy, whatever the header says', () => {
    expect(clientAddress('198.51.100.9', '203.0.113.1', proxies)).toBe('198.51.100.9');
    expect(clientAddress('::ffff:198.51.100.9', undefined, proxies)).toBe('198.51.100.9');
  });

  it('behind trusted proxies is the rightmost hop that is not one', () => {
    expect(clientAddress('10.1.2.3', '203.0.113.1', proxies)).toBe('203.0.113.1');
    // The client wrote a fake first hop; the proxies appended what they saw.
    expect(clientAddress('10.1.2.3', '1.1.1.1, 203.0.113.1, 192.0.2.1', proxies)).toBe('203.0.113.1');
    expect(clientAddress('10.1.2.3', 'garbage, 10.9.9.9', proxies)).toBe('10.9.9.9');
  });

  it('config accepts addresses and CIDR blocks only', () => {
    for (const good of ['127.0.0.1', '100.64.0.0/10', '2001:db8::/32', '::1']) expect(isAddressOrCidr(good)).toBe(true);
    for (const bad of ['localhost', '10.0.0.0/33', '1.2.3.4/x', '1.2.3.4/8/9', '']) expect(isAddressOrCidr(bad)).toBe(false);
    const parsed = GatewayConfig.safeParse({ trustProxy: ['nope'], natRanges: [{ cidr: '1.2.3.0/99' }] });
    expect(parsed.success).toBe(false);
    expect(parsed.error!.issues.map((issue) => issue.path.join('.')).sort()).toEqual(['natRanges.0.cidr', 'trustProxy.0']);
    expect(canonicalAddress('::FFFF:127.0.0.2')).toBe('127.0.0.2');
    expect(canonicalAddress('0000:0000:0000:0000:0000:ffff:7f00:0002')).toBe('127.0.0.2');
    expect(canonicalAddress('2001:DB8::1')).toBe('2001:db8::1');
  });
});

describe('client limits', () => {
  const config = GatewayConfig.parse({
    perIp: { maxConnections: 2, joinsPerMinute: 3 },
    natRanges: [{ cidr: '100.64.0.0/10', maxConnections: 5, joinsPerMinute: 10 }],
  });

  it('caps connections per address, higher in a NAT range, and forgets an address with none open', () => {
    const limits = new ClientLimits(config);
    for (const [address, cap] of [
      ['198.51.100.1', 2],
      ['100.64.3.4', 5],
    ] as const) {
      for (let i = 0; i < cap; i++) {
        expect(limits.mayConnect(address)).toBe(true);
        limits.opened(address);
      }
      expect(limits.mayConnect(address)).toBe(false);
      for (let i = 0; i < cap; i++) limits.closed(address);
    }
    expect(limits.sizes.addresses).toBe(0);
  });

  it('caps joins per address per minute, higher in a NAT range', () => {
    const limits = new ClientLimits(config);
    const taken = (address: string) => Array.from({ length: 20 }, () => limits.takeJoin(address, true, 0)).filter((take) => take.ok).length;
    expect(taken('198.51.100.1')).toBe(3);
    expect(taken('100.64.3.4')).toBe(10);
    limits.prune(60_000);
    expect(limits.sizes.joinBuckets).toBe(0);
  });

  it('by default gives joins with a device key a loose budget per address and keyless joins a strict one of their own', () => {
    const defaults = new ClientLimits(GatewayConfig.parse({}));
    const taken = (address: string, withDevice: boolean) =>
      Array.from({ length: 700 }, () => defaults.takeJoin(address, withDevice, 0)).filter((take) => take.ok).length;
    expect(taken('198.51.100.1', false)).toBe(10);
    // The keyless ones counted towards the address's joins too.
    expect(taken('198.51.100.1', true)).toBe(600 - 10);
    expect(taken('198.51.100.2', true)).toBe(600);
    for (let i = 0; i < 10; i++) defaults.takeJoin('198.51.100.3', false, 0);
    expect(defaults.takeJoin('198.51.100.3', false, 0)).toMatchObject({ ok: false, keyless: true, retryAt: 6000 });
    defaults.prune(60_000);
    expect(defaults.sizes).toMatchObject({ joinBuckets: 0, keylessJoinBuckets: 0 });
  });
});
