/**
 * The booking webhook signature (shared/webhooks/signature.ts), as a receiver
 * checks it: a signed body verifies; a changed body, another secret, an old or
 * future timestamp and malformed headers are refused with their reason.
 */
import { createHmac } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { signWebhook, verifyWebhook } from '../../shared/webhooks/signature.js';

const SECRET = 'a-webhook-secret-of-32-characters-or-more';
const BODY = JSON.stringify({ id: 'ev/ref-1', type: 'booking.committed', booking: { name: '김민준' } });
const T = 1_796_000_000;

describe('webhook signatures', () => {
  it('a signed body verifies within the tolerance, and the header is HMAC-SHA256 over "t.body" in hex', () => {
    const header = signWebhook(SECRET, BODY, T);
    const expected = createHmac('sha256', SECRET).update(`${T}.${BODY}`).digest('hex');
    expect(header).toBe(`t=${T},v1=${expected}`);
    expect(verifyWebhook(SECRET, BODY, header, T)).toEqual({ ok: true, timestamp: T });
    expect(verifyWebhook(SECRET, Buffer.from(BODY), header, T + 299)).toEqual({ ok: true, timestamp: T });
    // Several v1 values (a secret being rotated): any one that matches is enough.
    expect(verifyWebhook(SECRET, BODY, `t=${T},v1=${'0'.repeat(64)},v1=${expected}`, T).ok).toBe(true);
  });

  it('refuses a tampered body, another secret and a moved timestamp', () => {
    const header = signWebhook(SECRET, BODY, T);
    expect(verifyWebhook(SECRET, BODY.replace('ref-1', 'ref-2'), header, T)).toEqual({ ok: false, failure: 'bad_signature' });
    expect(verifyWebhook(`${SECRET}x`, BODY, header, T)).toEqual({ ok: false, failure: 'bad_signature' });
    // The timestamp is signed: replaying the signature under a fresh t fails.
    expect(verifyWebhook(SECRET, BODY, header.replace(`t=${T}`, `t=${T + 600}`), T + 600)).toEqual({ ok: false, failure: 'bad_signature' });
  });

  it('refuses a request signed too long ago or too far ahead (5 minutes by default, or as given)', () => {
    const header = signWebhook(SECRET, BODY, T);
    expect(verifyWebhook(SECRET, BODY, header, T + 301)).toEqual({ ok: false, failure: 'too_old' });
    expect(verifyWebhook(SECRET, BODY, header, T - 301)).toEqual({ ok: false, failure: 'in_future' });
    expect(verifyWebhook(SECRET, BODY, header, T + 30, 10)).toEqual({ ok: false, failure: 'too_old' });
  });

  it('refuses malformed headers without throwing', () => {
    for (const header of [undefined, null, '', 't=1', 'v1=abc', `t=x,v1=${'a'.repeat(64)}`, `t=${T},v1=${'a'.repeat(63)}`, `t=${T},v0=${'a'.repeat(64)}`])
      expect(verifyWebhook(SECRET, BODY, header, T)).toEqual({ ok: false, failure: 'malformed' });
  });
});
