/**
 * An event's `identity` block (docs/events.md, docs/decisions/010-identity-assertion.md):
 * when present, every booking must carry an identity assertion signed by the
 * site's identity provider, and the person is the one its claim names.
 *
 * Only public keys are taken: the reservation handler verifies, it never signs,
 * so symmetric algorithms (HS*) and private JWKs are refused here.
 */
import { z } from 'zod';

/** Asymmetric JWS algorithms an identity provider may sign with. */
export const IDENTITY_ALGORITHMS = ['RS256', 'RS384', 'RS512', 'PS256', 'PS384', 'PS512', 'ES256', 'ES384', 'ES512', 'EdDSA', 'Ed25519'] as const;

const PRIVATE_JWK_MEMBERS = ['d', 'p', 'q', 'dp', 'dq', 'qi', 'k'] as const;

const PublicJwk = z
  .looseObject({ kty: z.string().min(1).describe('The JWK key type (RSA, EC, OKP); the other members as in RFC 7517.') })
  .superRefine((jwk, ctx) => {
    const secret = PRIVATE_JWK_MEMBERS.filter((member) => member in jwk);
    if (secret.length > 0)
      ctx.addIssue({ code: 'custom', message: `a private or secret key (has ${secret.join(', ')}): give the identity provider's public keys only` });
  });

export const IdentityConfig = z
  .object({
    issuer: z.string().min(1).max(500).describe('The `iss` the assertions must carry, exactly.'),
    audience: z
      .union([z.string().min(1).max(500), z.array(z.string().min(1).max(500)).min(1)])
      .describe('The `aud` (one of them) the assertions must carry: the client id this site has at the provider.'),
    jwksUrl: z
      .url({ protocol: /^https?$/, error: "an http(s) URL of the provider's JWKS" })
      .optional()
      .describe("The provider's JWKS document (fetched and cached; refetched for an unknown key id)."),
    jwks: z
      .object({ keys: z.array(PublicJwk).min(1, 'at least one public key').describe("The provider's public keys, as JWKs.") })
      .strict()
      .optional()
      .describe('Or its public keys inline, as a JWKS.'),
    personClaim: z.string().min(1).max(100).default('sub').describe('The claim that names the person (unique per person at this issuer).'),
    algorithms: z
      .array(z.enum(IDENTITY_ALGORITHMS))
      .min(1)
      .default(['RS256', 'ES256', 'EdDSA'])
      .describe('JWS algorithms accepted on assertions (asymmetric only).'),
    clockToleranceSeconds: z.number().int().min(0).max(300).default(30).describe("Leeway for exp, nbf and iat against this server's clock."),
    maxAgeSeconds: z.number().int().min(10).max(86400).default(600).describe('An assertion issued (iat) longer ago than this is refused, whatever its exp.'),
  })
  .strict()
  .superRefine((identity, ctx) => {
    if ((identity.jwksUrl === undefined) === (identity.jwks === undefined)) {
      ctx.addIssue({ code: 'custom', path: ['jwksUrl'], message: 'give exactly one of jwksUrl or jwks' });
    }
  });
export type IdentityConfig = z.infer<typeof IdentityConfig>;
