/**
 * reservations.webhook in the config: refused without PostgreSQL bookings
 * (the outbox lives there), with a short secret or a backoff base above its
 * cap; taken from WEBHOOK_URL / WEBHOOK_SECRET; a `file:` secret is read at
 * start and a missing or short file is a config error, before anything opens.
 */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Registry } from 'prom-client';
import { afterAll, describe, expect, it } from 'vitest';
import { systemClock } from '../../server/clock.js';
import { generateKeys } from '../../server/config/keys.js';
import { ConfigError, loadConfig } from '../../server/config/load.js';
import { silentLogger } from '../../server/observability/log.js';
import { startWebhooks } from '../../server/reservations/webhooks/index.js';
import { problemsOf } from '../support/config-problems.js';
import { testEvent } from '../support/system.js';

const dir = mkdtempSync(join(tmpdir(), 'waitroom-webhook-config-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const SECRET = 's'.repeat(32);
const BOOKINGS = 'postgres://app@db:5432/waitroom';
const base = (webhook: Record<string, unknown>, bookingsUrl: string | null = BOOKINGS) => ({
  keys: generateKeys(),
  events: [testEvent()],
  store: bookingsUrl ? { bookingsUrl } : {},
  reservations: { webhook },
});

describe('reservations.webhook', () => {
  it('parses with its defaults', () => {
    expect(loadConfig(base({ url: 'https://downstream.example/hooks', secret: SECRET }), {}).reservations.webhook).toEqual({
      url: 'https://downstream.example/hooks',
      secret: SECRET,
      timeoutMs: 10_000,
      retryBaseMs: 1000,
      retryMaxMs: 600_000,
      giveUpAfterMs: 7 * 86_400_000,
      pollMs: 1000,
      batch: 10,
    });
  });

  it('is refused without PostgreSQL bookings, naming what to set', () => {
    expect(problemsOf(() => loadConfig(base({ url: 'https://downstream.example/hooks', secret: SECRET }, null), {}))).toEqual([
      expect.stringMatching(/^reservations\.webhook: .*PostgreSQL.*BOOKINGS_URL/),
    ]);
  });

  it('refuses a short secret, a bad URL and a backoff base above its cap, all at once', () => {
    const problems = problemsOf(() => loadConfig(base({ url: 'not a url', secret: 'short', retryBaseMs: 5000, retryMaxMs: 1000 }), {}));
    expect(problems).toEqual(
      expect.arrayContaining([
        expect.stringMatching(/^reservations\.webhook\.url: /),
        expect.stringMatching(/^reservations\.webhook\.secret: at least 32 characters/),
      ]),
    );
    expect(problemsOf(() => loadConfig(base({ url: 'https://d.example', secret: SECRET, retryBaseMs: 5000, retryMaxMs: 1000 }), {}))).toEqual([
      expect.stringMatching(/^reservations\.webhook\.retryBaseMs: /),
    ]);
  });

  it('comes from WEBHOOK_URL and WEBHOOK_SECRET', () => {
    const config = loadConfig(
      { keys: generateKeys(), events: [testEvent()] },
      { BOOKINGS_URL: BOOKINGS, WEBHOOK_URL: 'https://d.example/h', WEBHOOK_SECRET: `file:${dir}/x` },
    );
    expect(config.reservations.webhook).toMatchObject({ url: 'https://d.example/h', secret: `file:${dir}/x` });
  });

  it('a file: secret that is missing or short stops the start with a config error', () => {
    const start = (secret: string) => () =>
      startWebhooks(
        BOOKINGS,
        { ...loadConfig(base({ url: 'https://d.example', secret }), {}).reservations.webhook! },
        systemClock,
        silentLogger,
        new Registry(),
      );
    expect(start(`file:${dir}/missing`)).toThrow(ConfigError);
    expect(start(`file:${dir}/missing`)).toThrow(/reservations\.webhook\.secret: cannot read/);
    writeFileSync(join(dir, 'short'), 'tooshort\n');
    expect(start(`file:${dir}/short`)).toThrow(/at least 32 characters/);
  });
});
