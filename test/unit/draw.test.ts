import { readFile } from 'node:fs/promises';
import { createClient } from 'redis';
import { describe, expect, it } from 'vitest';
import { TEST_REDIS_URL } from '../support/redis.js';
import { mix32, placeOf, ticketAt, type Draw } from '../../shared/queue/draw.js';

describe('the pre-queue draw (shared/queue/draw.ts)', () => {
  it('is a bijection of 1..size onto itself, with ticketAt its inverse, at sizes around powers of four', () => {
    for (const size of [1, 2, 3, 4, 5, 15, 16, 17, 63, 64, 65, 1000, 4097]) {
      const draw: Draw = { size, seed: 0xdeadbeef };
      const places = new Set<number>();
      for (let ticketNo = 1; ticketNo <= size; ticketNo++) {
        const place = placeOf(ticketNo, draw);
        expect(place).toBeGreaterThanOrEqual(1);
        expect(place).toBeLessThanOrEqual(size);
        expect(ticketAt(place, draw)).toBe(ticketNo);
        places.add(place);
      }
      expect(places.size).toBe(size);
    }
  });

  it('leaves tickets after the pre-queue, and everything before the draw, at their number', () => {
    expect(placeOf(101, { size: 100, seed: 7 })).toBe(101);
    expect(ticketAt(250, { size: 100, seed: 7 })).toBe(250);
    expect(placeOf(5, null)).toBe(5);
  });

  it('draws a different order for a different seed', () => {
    const order = (seed: number) => Array.from({ length: 50 }, (_, k) => placeOf(k + 1, { size: 50, seed }));
    expect(order(1)).not.toEqual(order(2));
    expect(order(1)).toEqual(order(1));
  });

  it('hashes 32-bit integers to pinned values (the Lua twin gives the same, see below)', () => {
    expect([0, 1, 0xffffffff, 123456789].map(mix32)).toEqual([0, 824515495, 539527247, 1952335732]);
    expect(mix32(2 ** 32 + 5)).toBe(mix32(5));
  });

  it('agrees bit for bit with the Lua twin in helpers.lua, run by a real Redis', async () => {
    const helpers = await readFile(new URL('../../server/store/redis/scripts/helpers.lua', import.meta.url), 'utf8');
    const redis = createClient({ url: TEST_REDIS_URL });
    await redis.connect();
    try {
      const cases = [
        { size: 1, seed: 0 },
        { size: 17, seed: 4294967295 },
        { size: 1000, seed: 0x2f1ec0de },
        { size: 6_000_000, seed: 42 },
      ];
      for (const draw of cases) {
        const numbers = Array.from({ length: Math.min(draw.size, 200) }, (_, k) => Math.max(1, Math.round(((k + 1) * draw.size) / 200)));
        const script = `${helpers}
local net = draw_network(tonumber(ARGV[1]), tonumber(ARGV[2]))
local out = {}
for i = 3, #ARGV do
  local n = tonumber(ARGV[i])
  out[#out + 1] = place_of(net, n)
  out[#out + 1] = ticket_at(net, n)
end
out[#out + 1] = mix32(tonumber(ARGV[2]))
return out`;
        const reply = (await redis.eval(script, { arguments: [draw.size, draw.seed, ...numbers].map(String) })) as number[];
        const expected = numbers.flatMap((n) => [placeOf(n, draw), ticketAt(n, draw)]);
        expect(reply).toEqual([...expected, mix32(draw.seed)]);
      }
    } finally {
      await redis.quit();
    }
  });

  it('places a large pre-queue quickly enough for a gateway to re-order its waiters at the opening', () => {
    const draw = { size: 6_000_000, seed: 42 };
    const started = performance.now();
    for (let ticketNo = 1; ticketNo <= 20_000; ticketNo++) placeOf(ticketNo, draw);
    expect(performance.now() - started).toBeLessThan(1000);
  });
});
