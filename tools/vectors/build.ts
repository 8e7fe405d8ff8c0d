/**
 * The protocol's test vectors (docs/vectors/, docs/protocol.md "Test vectors"):
 * every value made by the TypeScript code the servers and the SDK run, from
 * fixed keys, secrets and seeds, so the files are the same at every run. A
 * client in another language checks itself against them
 * (docs/vectors/check_vectors.py does, in Python). `npm run vectors` writes
 * them; test/unit/vectors.test.ts rebuilds them and fails if the files differ.
 */
import { createHash, createHmac, createPrivateKey, createPublicKey } from 'node:crypto';
import { mix32, placeOf, ticketAt } from '../../shared/queue/draw.js';
import { solveChallenge } from '../../shared/pow/solve.js';
import { deviceJoinChallenge, possessionKey, POSSESSION_KEY_LABEL, proveWith, resumeChallenge } from '../../shared/tokens/possession.js';
import { hashSecret } from '../../shared/tokens/secret.js';
import { signGrant } from '../../shared/tokens/grant.js';
import { signTicket } from '../../shared/tokens/ticket.js';
import { encodePayload, toBase64Url } from '../../shared/tokens/format.js';
import { tickVectors } from './ticks.js';

/** Fixed bytes 0, 1, 2 … (offset by `from`): keys and secrets anyone can rebuild. */
function counting(length: number, from: number): Uint8Array {
  return Uint8Array.from({ length }, (_, k) => (from + k) % 256);
}

export const TICKET_KEY = counting(32, 0x10);
export const GRANT_SEED = counting(32, 0x40);
export const SECRET = toBase64Url(counting(32, 0x70));
export const DEVICE_KEY = toBase64Url(counting(32, 0xa0));
const NONCE = toBase64Url(counting(16, 0));
const KID = 'k1';
const ISSUED_AT = Date.UTC(2026, 0, 15, 10, 0, 0);

/** An Ed25519 private key from its 32-byte RFC 8032 seed (PKCS#8 DER: a fixed prefix, then the seed). */
function ed25519FromSeed(seed: Uint8Array) {
  return createPrivateKey({ key: Buffer.concat([Buffer.from('302e020100300506032b657004220420', 'hex'), seed]), format: 'der', type: 'pkcs8' });
}

const hex = (bytes: Uint8Array) => Buffer.from(bytes).toString('hex');
const sha256 = (text: string) => createHash('sha256').update(text, 'utf8').digest();

function drawVectors() {
  const sizes = [1, 2, 3, 4, 5, 16, 17, 100, 1000];
  const seeds = [0, 1, 0x5eed1234, 0xffffffff];
  const permutations = sizes.flatMap((size) =>
    seeds.map((seed) => ({ size, seed, places: Array.from({ length: size }, (_, k) => placeOf(k + 1, { size, seed })) })),
  );
  const big = { size: 6_000_000, seed: 0x9e3779b9 };
  const samples = [1, 2, 3, 1000, 999_999, 4_194_304, 5_999_999, 6_000_000, 6_000_001, 7_000_000].map((ticketNo) => ({
    ticketNo,
    place: placeOf(ticketNo, big),
    ticketAtThatPlace: ticketAt(placeOf(ticketNo, big), big),
  }));
  const mix = [0, 1, 2, 0x12345678, 0x9e3779b9, 0xffffffff].map((value) => ({ value, mix32: mix32(value) }));
  return { mix32: mix, permutations, large: { ...big, samples } };
}

async function tokenVectors() {
  const secretHash = await hashSecret(SECRET);
  const pk = await possessionKey(SECRET);
  const ticketClaims = { e: 'demo', n: 301, sh: secretHash, pk, iat: ISSUED_AT, exp: ISSUED_AT + 2 * 86_400_000 };
  const ticket = signTicket({ current: KID, keys: new Map([[KID, TICKET_KEY]]) }, ticketClaims);
  const grantKey = ed25519FromSeed(GRANT_SEED);
  const grantPublic = createPublicKey(grantKey).export({ format: 'jwk' }).x!;
  const admittedAt = ISSUED_AT + 95_000;
  const grantClaims = { gid: 'demo:301', e: 'demo', n: 301, sh: secretHash, iat: admittedAt, exp: admittedAt + 600_000 };
  const grant = signGrant({ kid: KID, privateKey: grantKey }, grantClaims);
  const parts = (token: string) => {
    const [prefix, kid, payload, signature] = token.split('.') as [string, string, string, string];
    return { prefix, kid, payload, payloadJson: Buffer.from(payload, 'base64url').toString('utf8'), signedText: `${prefix}.${kid}.${payload}`, signature };
  };
  // A grant is a compact JWS (RFC 7515): header.payload.signature, iat and exp in seconds on the wire (docs/decisions/018-jws-grants.md).
  const [header, payload, signature] = grant.split('.') as [string, string, string];
  const text = (part: string) => Buffer.from(part, 'base64url').toString('utf8');
  return {
    ticket: { keyHex: hex(TICKET_KEY), algorithm: 'HMAC-SHA-256', claims: ticketClaims, token: ticket, ...parts(ticket) },
    grant: {
      seedHex: hex(GRANT_SEED),
      publicKey: grantPublic,
      jwks: { keys: [{ kty: 'OKP', crv: 'Ed25519', x: grantPublic, kid: KID, alg: 'EdDSA', use: 'sig' }] },
      algorithm: 'EdDSA (Ed25519), RFC 7515 compact JWS',
      claims: grantClaims,
      token: grant,
      header,
      headerJson: text(header),
      payload,
      payloadJson: text(payload),
      signingInput: `${header}.${payload}`,
      signature,
    },
    payloadCheck: encodePayload(ticketClaims) === parts(ticket).payload,
  };
}

async function hashVectors() {
  return {
    secret: { secret: SECRET, secretHash: await hashSecret(SECRET), over: 'the UTF-8 bytes of the 43-character text' },
    device: { deviceKey: DEVICE_KEY, device: await hashSecret(DEVICE_KEY), over: 'the UTF-8 bytes of the 43-character text' },
  };
}

async function possessionVectors(ticket: string) {
  const eventId = 'demo';
  return {
    secret: SECRET,
    seedHex: hex(sha256(POSSESSION_KEY_LABEL + SECRET)),
    pk: await possessionKey(SECRET),
    nonce: NONCE,
    ticket,
    resume: { signedText: resumeChallenge(NONCE, ticket), proof: await proveWith(SECRET, resumeChallenge(NONCE, ticket)) },
    deviceJoin: { eventId, signedText: deviceJoinChallenge(NONCE, eventId), proof: await proveWith(SECRET, deviceJoinChallenge(NONCE, eventId)) },
  };
}

/** A challenge as a gateway issues it (server/gateway/pow/challenge.ts), with a fixed id and expiry, and its solution. */
async function powVectors() {
  const difficulty = 12;
  const powKey = createHmac('sha256', TICKET_KEY).update('waitroom proof-of-work').digest();
  const signed = ['pow1', 'demo', toBase64Url(counting(16, 0x30)), difficulty, ISSUED_AT + 120_000, KID].join('.');
  const challenge = `${signed}.${toBase64Url(createHmac('sha256', powKey).update(signed).digest())}`;
  const nonce = await solveChallenge(challenge);
  return { ticketKeyHex: hex(TICKET_KEY), challenge, difficulty, nonce, digestHex: hex(sha256(`${challenge}.${nonce}`)) };
}

/** Every vector file: name → content. */
export async function buildVectors(): Promise<Record<string, unknown>> {
  const tokens = await tokenVectors();
  return {
    'draw.json': drawVectors(),
    'ticks.json': await tickVectors(),
    'tokens.json': tokens,
    'hashes.json': await hashVectors(),
    'possession.json': await possessionVectors(tokens.ticket.token),
    'pow.json': await powVectors(),
  };
}

/** JSON with two-space indents, arrays of plain values kept on one line. */
export function formatVector(value: unknown): string {
  return `${JSON.stringify(value, null, 2).replace(/\[\n\s*([^[\]{}]*?)\n\s*\]/g, (_, items: string) => `[${items.split(/,\n\s*/).join(', ')}]`)}\n`;
}
