/**
 * The Pusher HTTP API signature the peers bench publishes to Soketi with
 * (bench/peers/pusher-signature.ts), against the worked example in Pusher's
 * HTTP API reference ("Generating authentication signatures").
 */
import { describe, expect, it } from 'vitest';
import { signedQuery } from '../../bench/peers/pusher-signature.js';

// The documented example: trigger `foo` on `project-3` with {"some":"data"}, app 3.
const EXAMPLE = {
  method: 'POST',
  path: '/apps/3/events',
  body: '{"name":"foo","channels":["project-3"],"data":"{\\"some\\":\\"data\\"}"}',
  key: '278d425bdf160c739803',
  secret: '7ad3773142a6692b25b8',
  timestamp: 1353088179,
};

describe('the Pusher HTTP API signature', () => {
  it("reproduces the documented example's body_md5 and auth_signature", () => {
    expect(signedQuery(EXAMPLE)).toEqual({
      auth_key: '278d425bdf160c739803',
      auth_timestamp: '1353088179',
      auth_version: '1.0',
      body_md5: 'ec365a775a4cd0599faeb73354201b6f',
      auth_signature: 'da454824c97ba181a32ccc17a72625ba02771f50b50e1e7430e47a1f3f457e6c',
    });
  });

  it('signs other parameters sorted by lowercased key, and leaves body_md5 out for an empty body', () => {
    const withParams = signedQuery({ ...EXAMPLE, params: { Zeta: 'z', info: 'subscription_count' } });
    expect(withParams.auth_signature).not.toBe(signedQuery(EXAMPLE).auth_signature);
    expect(withParams).toMatchObject({ Zeta: 'z', info: 'subscription_count' });
    const empty = signedQuery({ ...EXAMPLE, method: 'get', path: '/apps/3/channels', body: '' });
    expect(empty.body_md5).toBeUndefined();
    expect(empty.auth_signature).toMatch(/^[0-9a-f]{64}$/);
    // The method is signed uppercased: 'get' and 'GET' sign alike.
    expect(empty.auth_signature).toBe(signedQuery({ ...EXAMPLE, method: 'GET', path: '/apps/3/channels', body: '' }).auth_signature);
  });
});
