/**
 * A site's identity provider, run by the test: its own key pair (generated
 * here), its JWKS served over real HTTP on a free loopback port, and ID tokens
 * signed like an OIDC provider's.
 */
import { randomUUID } from 'node:crypto';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { exportJWK, generateKeyPair, SignJWT, type CryptoKey, type JWTPayload } from 'jose';
import type { z } from 'zod';
import type { IdentityConfig } from '../../server/config/identity-schema.js';

export const TEST_AUDIENCE = 'waitroom-booking';

export interface AssertionOptions {
  /** Claims to add or replace; a claim set to undefined is left out. */
  claims?: Record<string, unknown>;
  /** Sign with this key instead of the provider's (a forgery). */
  key?: CryptoKey;
  /** iat and exp relative to now, in seconds (defaults 0 and +300). */
  issuedAgo?: number;
  expiresIn?: number;
}

export class TestIdentityProvider {
  private constructor(
    private readonly server: Server,
    private readonly privateKey: CryptoKey,
    readonly issuer: string,
    readonly jwksUrl: string,
    readonly kid: string,
    /** How many times the JWKS was fetched. */
    readonly fetches: { count: number },
  ) {}

  static async start(): Promise<TestIdentityProvider> {
    const { publicKey, privateKey } = await generateKeyPair('ES256');
    const kid = `idp-${randomUUID()}`;
    const jwks = JSON.stringify({ keys: [{ ...(await exportJWK(publicKey)), kid, alg: 'ES256', use: 'sig' }] });
    const fetches = { count: 0 };
    const server = createServer((req, res) => {
      if (req.url !== '/jwks.json') return void res.writeHead(404).end();
      fetches.count += 1;
      res.writeHead(200, { 'content-type': 'application/json' }).end(jwks);
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    const base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
    return new TestIdentityProvider(server, privateKey, base, `${base}/jwks.json`, kid, fetches);
  }

  /** An ID token for `subject`, bound to the booking pass `grantId` by its nonce, with a fresh jti. */
  async assertion(subject: string, grantId: string, options: AssertionOptions = {}): Promise<string> {
    const now = Math.floor(Date.now() / 1000);
    const claims: Record<string, unknown> = {
      iss: this.issuer,
      aud: TEST_AUDIENCE,
      sub: subject,
      nonce: grantId,
      jti: randomUUID(),
      iat: now - (options.issuedAgo ?? 0),
      exp: now + (options.expiresIn ?? 300),
      ...options.claims,
    };
    const payload = Object.fromEntries(Object.entries(claims).filter(([, value]) => value !== undefined)) as JWTPayload;
    return new SignJWT(payload).setProtectedHeader({ alg: 'ES256', kid: this.kid, typ: 'JWT' }).sign(options.key ?? this.privateKey);
  }

  /** The event's `identity` block for this provider. */
  identityBlock(): z.input<typeof IdentityConfig> {
    return { issuer: this.issuer, audience: TEST_AUDIENCE, jwksUrl: this.jwksUrl, algorithms: ['ES256'] };
  }

  stop(): Promise<void> {
    return new Promise((resolve) => this.server.close(() => resolve()));
  }
}
