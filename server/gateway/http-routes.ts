/** The gateway's HTTP side: health, metrics, page settings, the kiosk's figures, and the built pages. */
import type { GatewayInfo, HealthResponse } from '../../shared/http/info.js';
import { HttpErrorCode } from '../../shared/http/error-codes.js';
import { JWKS_PATH } from '../config/jwks.js';
import { eventState } from '../queue/event-state.js';
import { json } from './admin/responses.js';
import { LIVEZ_PATH, probe, READYZ_PATH } from '../health/probes.js';
import type { GatewayContext } from './context.js';
import { kiosk, KIOSK_PATH } from './kiosk.js';
import { drawRecord, DRAW_PATH_PREFIX, publicDraw } from './draw-record.js';
import { staticFiles } from './static-files.js';
import type { HttpHandler } from './transport/types.js';

export interface GatewayHttpOptions {
  ctx: GatewayContext;
  startedAt: number;
  storeHealthy: () => Promise<boolean>;
  /** Can serve new joins now (the store serves some live event, not draining): GET /readyz. */
  ready: () => Promise<boolean>;
  reservationsUrl: () => string;
}

export function gatewayHttp({ ctx, startedAt, storeHealthy, ready, reservationsUrl }: GatewayHttpOptions): HttpHandler {
  const files = staticFiles(ctx.config.gateway.staticDir);
  return async (request) => {
    if (request.method !== 'GET' && request.method !== 'HEAD') return json(405, { error: { code: HttpErrorCode.METHOD_NOT_ALLOWED, message: 'GET only' } });
    switch (request.path) {
      case LIVEZ_PATH:
        return probe(true);
      case READYZ_PATH:
        return probe(await ready());
      // Deprecated (docs/operations.md): both probes in one, 503 while the store serves no live event; /livez and /readyz replace it.
      case '/healthz': {
        const store = await storeHealthy();
        return json(store ? 200 : 503, {
          status: store ? 'ok' : 'degraded',
          node: ctx.config.nodeId,
          transport: ctx.transport().name,
          store: { kind: ctx.config.store.kind, reachable: store },
          connections: ctx.connections(),
          uptimeSeconds: Math.round((ctx.clock.now() - startedAt) / 1000),
        } satisfies HealthResponse);
      }
      case JWKS_PATH:
        // The grant public keys (docs/protocol.md): a reservation handler may verify with them (keys.grant.jwksUrl).
        return { status: 200, headers: { 'content-type': 'application/jwk-set+json', 'cache-control': 'max-age=60' }, body: JSON.stringify(ctx.tokens.jwks) };
      case KIOSK_PATH:
        return kiosk(ctx, request);
      case '/metrics':
        return { status: 200, headers: { 'content-type': ctx.registry.contentType }, body: await ctx.registry.metrics() };
      case '/api/info': {
        const now = ctx.clock.now();
        const events = [...ctx.rooms()].map(({ config, lastFigures }) => ({
          id: config.id,
          title: config.title,
          state: eventState(config, now, lastFigures?.paused ?? false),
          timeZone: config.timeZone,
          prequeueOpensAt: config.prequeueOpensAt,
          opensAt: config.opensAt,
          closesAt: config.closesAt,
          // Who may join when: the page asks for a birth date when there are cohorts.
          cohorts: config.cohorts.map(({ id, label, born, opensAt, closesAt }) => ({ id, label, born, opensAt, closesAt })),
          draw: publicDraw(lastFigures),
          lanes: config.lanes.map(({ id, name }) => ({ id, name })),
        }));
        const notices = ctx.turnNotices;
        const turnNotices = notices.enabled
          ? { ...(notices.vapidPublicKey ? { vapidPublicKey: notices.vapidPublicKey } : {}), phone: notices.phoneEnabled }
          : undefined;
        return json(200, {
          node: ctx.config.nodeId,
          reservationsUrl: reservationsUrl(),
          events,
          ...(turnNotices ? { turnNotices } : {}),
        } satisfies GatewayInfo);
      }
    }
    if (request.path.startsWith(DRAW_PATH_PREFIX)) return drawRecord(ctx, request.path);
    const file = await files(request.path, request.headers);
    if (file) return file;
    if (request.path === '/' || request.path === '/index.html') {
      return { status: 503, headers: { 'content-type': 'text/plain' }, body: 'The pages are not built: run `npm run build`.' };
    }
    return json(404, { error: { code: HttpErrorCode.NOT_FOUND, message: `no route ${request.path}` } });
  };
}
