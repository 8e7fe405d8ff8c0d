/** Loading the gateway's `GET /api/info` (its shape: shared/http/info.ts, checked without zod) for the waiting and booking pages. */
import type { EventInfo, GatewayInfo } from '../../shared/http/info.js';
import { check } from '../../shared/lean/check.js';
import { GATEWAY_INFO } from '../../shared/lean/schemas.generated.js';

declare global {
  /** The first /api/info request, started by the page's HTML before its scripts load (client/index.html). */
  var waitroomInfo: Promise<Response> | undefined;
}

/** The request the HTML started, once; later attempts fetch anew. */
function earlyInfo(): Promise<Response> | undefined {
  const early = globalThis.waitroomInfo;
  globalThis.waitroomInfo = undefined;
  return early;
}

/** Fetches /api/info (the first time, from the HTML's early request when there is one), retrying with jittered backoff until it answers. */
export async function loadInfo(onRetry: (reason: string) => void): Promise<GatewayInfo> {
  for (let attempt = 0; ; attempt++) {
    let reason: string;
    try {
      const response = await (earlyInfo() ?? fetch('/api/info', { cache: 'no-store' }));
      const checked = response.ok ? check<GatewayInfo>(GATEWAY_INFO, await response.json()) : null;
      if (checked?.ok) return checked.value;
      reason = response.ok ? 'unexpected answer' : `HTTP ${response.status}`;
    } catch (error) {
      reason = error instanceof SyntaxError ? 'unexpected answer' : 'no network';
    }
    onRetry(reason);
    const ceiling = Math.min(30_000, 1_000 * 2 ** Math.min(attempt, 10));
    await new Promise((resolve) => setTimeout(resolve, 500 + Math.random() * ceiling));
  }
}

/** The event named by `?event=`, else the first one; null when the named one does not exist. */
export function pickEvent(info: GatewayInfo, wanted: string | null): EventInfo | null {
  if (wanted) return info.events.find((event) => event.id === wanted) ?? null;
  return info.events[0] ?? null;
}
