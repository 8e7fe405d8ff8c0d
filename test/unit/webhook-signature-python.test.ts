/**
 * The Python verifier of docs/webhooks.md (examples/python/verify_webhook.py,
 * standard library only) agrees with the TypeScript signer: a signed body
 * verifies, a tampered body, another secret and an old timestamp are refused.
 */
import { execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, expect, it } from 'vitest';
import { signWebhook } from '../../shared/webhooks/signature.js';

const dir = mkdtempSync(join(tmpdir(), 'waitroom-webhook-py-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const SECRET = 'python-webhook-secret-0123456789abcdef';
const BODY = JSON.stringify({ id: 'ev/ref-7', type: 'booking.committed', booking: { name: '이서연', birthDate: '1970-05-17' } });
const T = 1_796_000_000;

function python(secret: string, body: string, header: string, now: number): string {
  writeFileSync(join(dir, 'secret'), `${secret}\n`);
  writeFileSync(join(dir, 'body'), body);
  try {
    return execFileSync('python3', ['examples/python/verify_webhook.py', join(dir, 'secret'), join(dir, 'body'), header, String(now)], {
      encoding: 'utf8',
      stdio: ['ignore', 'pipe', 'pipe'],
    }).trim();
  } catch (error) {
    const failed = error as { stdout?: string; stderr?: string };
    return `${failed.stdout ?? ''}${failed.stderr ?? ''}`.trim();
  }
}

it('verifies what the deliverer signs and refuses tampering, another secret and an old timestamp', () => {
  const header = signWebhook(SECRET, BODY, T);
  expect(python(SECRET, BODY, header, T + 10)).toBe(`ok ${T}`);
  expect(python(SECRET, BODY.replace('ref-7', 'ref-8'), header, T)).toBe('refused: bad_signature');
  expect(python(`${SECRET}x`, BODY, header, T)).toBe('refused: bad_signature');
  expect(python(SECRET, BODY, header, T + 301)).toBe('refused: too_old');
  expect(python(SECRET, BODY, 'v1=00', T)).toBe('refused: malformed');
});
