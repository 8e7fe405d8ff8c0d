/**
 * A gateway started with a bad value in an environment variable (a real child process): it exits non-zero before
 * listening, and the message names the field and the variable that set it, without a stack trace.
 */
import { execFile } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, expect, it } from 'vitest';
import { demoEvent } from '../../server/config/demo.js';
import { generateKeys } from '../../server/config/keys.js';

const dir = mkdtempSync(join(tmpdir(), 'waitroom-config-env-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

it('a gateway with BOOKINGS_URL=mysql://… exits 2 naming store.bookingsUrl and BOOKINGS_URL, no stack trace', async () => {
  const file = join(dir, 'waitroom.json');
  writeFileSync(file, JSON.stringify({ keys: generateKeys(), events: [demoEvent(Date.now())], gateway: { port: 0 } }));
  const env = { PATH: process.env.PATH, WAITROOM_CONFIG: file, BOOKINGS_URL: 'mysql://db/waitroom', TICK_MS: '5' };
  const { code, err } = await new Promise<{ code: unknown; err: string }>((resolve) => {
    execFile(process.execPath, ['--import', 'tsx', 'server/main/start-gateway.ts'], { env, timeout: 50_000 }, (error, _out, err) =>
      resolve({ code: error ? (error.code ?? error.signal) : 0, err }),
    );
  });
  expect(code, err).toBe(2);
  expect(err).toContain('store.bookingsUrl (from BOOKINGS_URL): a postgres:// URL');
  expect(err).toMatch(/gateway\.tickMs \(from TICK_MS\): /);
  expect(err).not.toMatch(/^\s+at /m);
}, 60_000);
