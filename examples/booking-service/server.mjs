/**
 * An appointment booking service with Waitroom in front of it (docs/integration.md): POST /book
 * takes { grant, secret, name, slot }, verifies the grant against the gateway's JWKS, then in ONE
 * transaction consumes the grant and inserts the booking. Config: DATABASE_URL, WAITROOM_JWKS_URL,
 * WAITROOM_EVENT_ID (optional: refuse grants of other events), PORT.
 */
import { readFile } from 'node:fs/promises';
import { createServer } from 'node:http';
import pg from 'pg';
import { CONSUMED_GRANTS_MIGRATION, consumeGrant, verifyGrant } from '@waitroom/grant';

const { DATABASE_URL, WAITROOM_JWKS_URL, WAITROOM_EVENT_ID, PORT = '8080' } = process.env;
if (!DATABASE_URL || !WAITROOM_JWKS_URL) {
  console.error('set DATABASE_URL and WAITROOM_JWKS_URL');
  process.exit(2);
}

const pool = new pg.Pool({ connectionString: DATABASE_URL });
pool.on('error', (error) => console.error('idle database connection failed:', error.message));
// Both are idempotent; a real service hands them to its migration tool instead.
await pool.query(await readFile(CONSUMED_GRANTS_MIGRATION, 'utf8'));
await pool.query(await readFile(new URL('./schema.sql', import.meta.url), 'utf8'));

/** HTTP status of each refusal; every other grant refusal is 401. */
const STATUS = { GRANT_WRONG_SECRET: 403, GRANT_WRONG_EVENT: 403, GRANT_KEYS_UNAVAILABLE: 503, GRANT_USED: 409, INVALID_BODY: 400 };
const refuse = (code, message) => [STATUS[code] ?? 401, { error: { code, message } }];

async function book(body) {
  const { grant, secret, name, slot } = body ?? {};
  if (![grant, secret, name, slot].every((field) => typeof field === 'string' && field.length > 0 && field.length < 4096)) {
    return refuse('INVALID_BODY', 'grant, secret, name and slot are required strings');
  }
  const verified = await verifyGrant(grant, secret, WAITROOM_JWKS_URL, { eventId: WAITROOM_EVENT_ID });
  if (!verified.ok) return refuse(verified.code, verified.message);
  const client = await pool.connect();
  try {
    await client.query('BEGIN');
    if ((await consumeGrant(client, verified.claims)) === 'already_consumed') {
      await client.query('ROLLBACK');
      return refuse('GRANT_USED', 'this grant was already used for a booking');
    }
    const { rows } = await client.query('INSERT INTO bookings (name, slot, event_id, grant_id) VALUES ($1, $2, $3, $4) RETURNING id', [
      name,
      slot,
      verified.claims.e,
      verified.claims.gid,
    ]);
    await client.query('COMMIT'); // the grant is used exactly when this booking exists
    return [201, { booking: { id: Number(rows[0].id), name, slot } }];
  } catch (error) {
    await client.query('ROLLBACK').catch(() => {});
    throw error;
  } finally {
    client.release();
  }
}

async function readJson(request) {
  let text = '';
  for await (const chunk of request) if ((text += chunk).length > 16_384) return null;
  try {
    return JSON.parse(text);
  } catch {
    return null;
  }
}

const server = createServer(async (request, response) => {
  let [status, body] = [404, { error: { code: 'NOT_FOUND', message: 'POST /book' } }];
  try {
    if (request.method === 'POST' && request.url === '/book') [status, body] = await book(await readJson(request));
  } catch (error) {
    console.error('booking failed:', error);
    [status, body] = [500, { error: { code: 'INTERNAL', message: 'nothing was booked; retry' } }];
  }
  response.writeHead(status, { 'content-type': 'application/json' }).end(JSON.stringify(body));
});
server.listen(Number(PORT), '127.0.0.1', () => console.log(`booking service listening on ${server.address().port}`));
process.once('SIGTERM', () => server.close(() => pool.end()));
