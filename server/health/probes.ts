/**
 * The two probes every role answers (decision 023): `/livez` is 200 while the
 * process works (a store outage does not make it fail: restarting would drop
 * the connections Waitroom keeps open through one), `/readyz` is 200 only while
 * it can serve new work now (not draining, and the store serves at least one
 * live event: one Redis Cluster shard away degrades only its own events,
 * decision 026). `/healthz` is the deprecated mix of both.
 */
import type { HttpResponse } from '../gateway/transport/types.js';

export const LIVEZ_PATH = '/livez';
export const READYZ_PATH = '/readyz';

export interface ProbeBody {
  status: 'ok' | 'unready';
}

/** A probe's answer: 200 `{status:"ok"}` or 503 `{status:"unready"}`. */
export function probe(ok: boolean): HttpResponse {
  return {
    status: ok ? 200 : 503,
    headers: { 'content-type': 'application/json', 'cache-control': 'no-store' },
    body: JSON.stringify({ status: ok ? 'ok' : 'unready' } satisfies ProbeBody),
  };
}
