/** An event's identity block (server/config/identity-schema.ts): public keys only, one key source, safe defaults. */
import { exportJWK, generateKeyPair } from 'jose';
import { describe, expect, it } from 'vitest';
import { IdentityConfig } from '../../server/config/identity-schema.js';

const base = { issuer: 'https://id.example.kr', audience: 'waitroom-booking' };

function problems(input: unknown): string[] {
  const parsed = IdentityConfig.safeParse(input);
  return parsed.success ? [] : parsed.error.issues.map((issue) => `${issue.path.join('.')}: ${issue.message}`);
}

describe('identity block', () => {
  it('takes a JWKS URL with the documented defaults', () => {
    expect(IdentityConfig.parse({ ...base, jwksUrl: 'https://id.example.kr/jwks.json' })).toEqual({
      ...base,
      jwksUrl: 'https://id.example.kr/jwks.json',
      personClaim: 'sub',
      algorithms: ['RS256', 'ES256', 'EdDSA'],
      clockToleranceSeconds: 30,
      maxAgeSeconds: 600,
    });
  });

  it('takes inline public keys, and refuses a private one', async () => {
    const { publicKey, privateKey } = await generateKeyPair('ES256', { extractable: true });
    expect(problems({ ...base, jwks: { keys: [await exportJWK(publicKey)] } })).toEqual([]);
    expect(problems({ ...base, jwks: { keys: [await exportJWK(privateKey)] } })).toEqual([
      expect.stringMatching(/^jwks\.keys\.0: a private or secret key \(has d\)/),
    ]);
  });

  it('wants exactly one key source, asymmetric algorithms and an http(s) URL', () => {
    expect(problems(base)).toEqual(['jwksUrl: give exactly one of jwksUrl or jwks']);
    expect(problems({ ...base, jwksUrl: 'https://a/jwks', jwks: { keys: [{ kty: 'EC' }] } })).toEqual(['jwksUrl: give exactly one of jwksUrl or jwks']);
    expect(problems({ ...base, jwksUrl: 'file:///etc/keys' })).toHaveLength(1);
    expect(problems({ ...base, jwksUrl: 'https://a/jwks', algorithms: ['HS256'] })[0]).toMatch(/^algorithms\.0:/);
    expect(problems({ ...base, jwksUrl: 'https://a/jwks', algorithms: ['none'] })[0]).toMatch(/^algorithms\.0:/);
  });
});
