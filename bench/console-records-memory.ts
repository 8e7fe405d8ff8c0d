/**
 * What the console's records take in Redis (docs/operations.md): one event's
 * history for a full day at the default 5 s step with three gateways'
 * connection counts (HISTORY_KEEP_MS: it never grows past that), and a full
 * audit trail (AUDIT_CAPACITY entries) of typical limit changes, measured
 * with MEMORY USAGE under a unique key prefix, deleted afterwards. Not part
 * of `npm test`.
 *
 *   node --import tsx bench/console-records-memory.ts [redis://127.0.0.1:6379]
 */
import { createClient } from 'redis';
import { HISTORY_KEEP_MS } from '../server/gateway/history.js';
import { createRedisStores } from '../server/store/redis/index.js';
import { globalKeys, historyKey } from '../server/store/redis/keys.js';
import { AUDIT_CAPACITY } from '../server/store/types.js';

const url = process.argv[2] ?? 'redis://127.0.0.1:6379';
const STEP_MS = 5000;
const prefix = `bench-console-${process.pid}`;
const stores = await createRedisStores({ redisUrl: url, keyPrefix: prefix });
const client = createClient({ url });
await client.connect();
const history = historyKey(prefix, 'ev');
const audit = globalKeys(prefix).audit;
try {
  const t0 = Date.UTC(2026, 11, 3);
  const connections = { 'gw-1': 16712, 'gw-2': 16698, 'gw-3': 16705 };
  for (let k = 0; k < HISTORY_KEEP_MS / STEP_MS; k++) {
    const sample = { t: t0 + k * STEP_MS, waiting: 480_000 - k * 20, admittedTotal: k * 50, active: 1200, bookings: k * 45, connections };
    await stores.history.append('ev', sample, HISTORY_KEEP_MS);
  }
  const entry = {
    at: new Date(t0).toISOString(),
    actor: 'ana',
    via: 'console',
    action: 'queue.limits',
    result: 'applied',
    event: 'ev',
    before: { maxActive: 1000, admitsPerMinute: 3000 },
    after: { maxActive: 1200, admitsPerMinute: 3600 },
  };
  for (let n = 0; n < AUDIT_CAPACITY; n++) await stores.audit.append(JSON.stringify(entry));
  const mb = async (key: string) => ((await client.memoryUsage(key, { SAMPLES: 0 })) ?? 0) / 1e6;
  console.log(`history: ${await client.zCard(history)} samples (a day at ${STEP_MS} ms), ${(await mb(history)).toFixed(2)} MB per event`);
  console.log(`audit: ${await client.xLen(audit)} entries of ${JSON.stringify(entry).length} bytes of JSON, ${(await mb(audit)).toFixed(2)} MB`);
} finally {
  await client.del([history, audit]);
  await client.quit();
  await stores.close();
}
