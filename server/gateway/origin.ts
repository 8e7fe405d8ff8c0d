/**
 * Which browser origins may act on the gateway. A page on another site must
 * not ride on a browser's stored credentials (admin API) nor open waiting
 * connections from a site nobody allowed (WebSocket upgrade).
 */

/** The gateway's own origins: the configured public URL, else the Host the request was sent to (either scheme). */
export function isOwnOrigin(origin: string, host: string | undefined, publicUrl: string | undefined): boolean {
  if (publicUrl) return origin === new URL(publicUrl).origin;
  return host !== undefined && (origin === `http://${host}` || origin === `https://${host}`);
}

/**
 * Whether a WebSocket upgrade may proceed: clients that send no Origin (not
 * browsers: the SDK in Node, load generators), the gateway's own pages, and
 * the sites listed in gateway.allowedOrigins.
 */
export function upgradeAllowed(
  origin: string | undefined,
  host: string | undefined,
  gateway: { publicUrl?: string | undefined; allowedOrigins: readonly string[] },
): boolean {
  if (origin === undefined || origin === '') return true;
  return isOwnOrigin(origin, host, gateway.publicUrl) || gateway.allowedOrigins.includes(origin);
}
