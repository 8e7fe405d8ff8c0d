/**
 * The WebSocket upgrade checks Origin on both transports: the gateway's own
 * pages, the sites in gateway.allowedOrigins and clients that send no Origin
 * (not browsers) connect; any other browser origin gets HTTP 403 before the
 * upgrade, counted in the metrics. Listed origins must be bare origins.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { generateKeys } from '../../server/config/keys.js';
import { parseConfig } from '../../server/config/load.js';
import { startTestSystem, testEvent, type TestSystem } from '../support/system.js';
import { TRANSPORTS_HERE } from '../support/transports.js';
import { upgradeStatus } from '../support/ws-client.js';

const PARTNER = 'https://partner.example';

describe.each(TRANSPORTS_HERE)('WebSocket upgrade Origin check: %s transport', (transport) => {
  let system: TestSystem | null = null;
  afterEach(async () => {
    await system?.stop();
    system = null;
  });

  it('lets in its own pages, listed sites and non-browsers; refuses other origins with 403', async () => {
    system = await startTestSystem({ transport, gateway: { allowedOrigins: [PARTNER] } });
    const own = new URL(system.gatewayUrl!).origin;
    expect(await upgradeStatus(system.wsUrl)).toBe(101);
    expect(await upgradeStatus(system.wsUrl, own)).toBe(101);
    expect(await upgradeStatus(system.wsUrl, PARTNER)).toBe(101);
    expect(await upgradeStatus(system.wsUrl, 'https://evil.example')).toBe(403);
    expect(await upgradeStatus(system.wsUrl, `${PARTNER}:8443`)).toBe(403);
    expect(await upgradeStatus(system.wsUrl, 'null')).toBe(403);
    const metrics = await (await fetch(`${system.gatewayUrl}/metrics`)).text();
    expect(metrics).toMatch(/^waitroom_errors_total\{code="UPGRADE_BAD_ORIGIN"[^}]*\} 3$/m);
  });
});

describe('gateway.allowedOrigins', () => {
  it('takes bare origins only', () => {
    const config = (allowedOrigins: string[]) => ({ keys: generateKeys('test'), events: [testEvent()], gateway: { allowedOrigins } });
    expect(parseConfig(config([PARTNER, 'http://localhost:5173'])).gateway.allowedOrigins).toEqual([PARTNER, 'http://localhost:5173']);
    for (const bad of [`${PARTNER}/`, `${PARTNER}/page`, 'partner.example']) {
      expect(() => parseConfig(config([bad]))).toThrow(/gateway\.allowedOrigins\.0/);
    }
  });
});
