/**
 * `npm run verify-draw -- --event ID [--gateway URL]`: reads an event's published
 * draw record (GET /api/draw/:event, shared/http/draw.ts) and checks it
 * (shared/queue/verify-draw.ts): before the opening it shows the commitment;
 * after it, that the revealed seed and nonce hash to the commitment, and it
 * recomputes the whole drawn order. `--state FILE` remembers what was seen
 * before the opening (the commitment, the tickets issued) and checks the
 * reveal against it later; `--ticket N` prints that ticket's place.
 *
 * Exit codes: 0 verified, or committed and not yet revealed; 1 a check failed
 * (each problem printed with its DRAW_* code); 2 usage, or the record could
 * not be read.
 */
import { readFile, writeFile } from 'node:fs/promises';
import { z } from 'zod';
import { parseCommandLine, usageError } from '../../server/main/command-line.js';
import { DrawRecord } from '../../shared/http/draw.js';
import { drawRecordPath } from '../../shared/http/draw-route.js';
import { drawnOrder, orderDigest, verifyDraw, type DrawEvidence } from '../../shared/queue/verify-draw.js';

const SPEC = {
  name: 'npm run verify-draw --',
  summary: "Checks an event's pre-queue draw: the revealed seed against the commitment published before the opening, and recomputes the drawn order.",
  options: {
    event: { type: 'string', value: 'ID', description: 'the event' },
    gateway: { type: 'string', value: 'URL', description: "a gateway's base URL", default: 'http://127.0.0.1:8080' },
    ticket: { type: 'string', value: 'N', description: "print ticket N's drawn place" },
    place: { type: 'string', value: 'P', description: 'with --ticket: the place the ticket was given, checked against the draw' },
    issued: {
      type: 'string',
      value: 'before|after',
      description: 'with --ticket: the ticket was issued before or after the opening, checked against the size',
    },
    state: {
      type: 'string',
      value: 'FILE',
      description: 'remember the commitment and the tickets issued before the opening in FILE; after it, check the reveal against them',
    },
    order: { type: 'string', value: 'FILE', description: 'write the drawn order to FILE, one "place ticket" line each' },
  },
  notes:
    'Exit codes: 0 verified (or committed, not yet revealed); 1 a check failed (DRAW_COMMITMENT_MISMATCH, DRAW_COMMITMENT_CHANGED, ' +
    'DRAW_SIZE_MISMATCH, DRAW_PLACE_MISMATCH, DRAW_COMMITTED_LATE, DRAW_NOT_COMMITTED); 2 usage, or the record could not be read.',
} as const;

/** What --state keeps between runs. */
const Seen = z.object({ commitment: z.string().nullable(), issued: z.number().int().nonnegative(), at: z.number() });
type Seen = z.infer<typeof Seen>;

function positiveInteger(name: string, text: string | undefined): number | undefined {
  if (text === undefined) return undefined;
  const value = Number(text);
  if (!Number.isSafeInteger(value) || value < 1) usageError(SPEC, `--${name} ${text}: not a whole number >= 1`);
  return value;
}

async function readRecord(gateway: string, eventId: string): Promise<DrawRecord> {
  const url = new URL(drawRecordPath(eventId), gateway);
  let response: Response;
  try {
    response = await fetch(url, { cache: 'no-store' });
  } catch (error) {
    throw new Error(`cannot reach ${url}: ${(error as Error).message}`);
  }
  const body: unknown = await response.json().catch(() => null);
  if (!response.ok) throw new Error(`${url} answered ${response.status}${body ? `: ${JSON.stringify(body)}` : ''}`);
  const parsed = DrawRecord.safeParse(body);
  if (!parsed.success) throw new Error(`${url} answered something else than a draw record: ${parsed.error.message}`);
  return parsed.data;
}

async function readSeen(file: string): Promise<Seen | undefined> {
  const text = await readFile(file, 'utf8').catch((error: NodeJS.ErrnoException) => (error.code === 'ENOENT' ? null : Promise.reject(error)));
  return text === null ? undefined : Seen.parse(JSON.parse(text));
}

async function main(argv: string[]): Promise<number> {
  const { values } = parseCommandLine(SPEC, argv);
  const eventId = values.event;
  if (!eventId) usageError(SPEC, '--event ID is required');
  const ticketNo = positiveInteger('ticket', values.ticket);
  const place = positiveInteger('place', values.place);
  if (values.issued !== undefined && values.issued !== 'before' && values.issued !== 'after') usageError(SPEC, `--issued ${values.issued}: before or after`);
  if ((place !== undefined || values.issued !== undefined) && ticketNo === undefined) usageError(SPEC, '--place and --issued need --ticket N');

  let record: DrawRecord;
  try {
    record = await readRecord(values.gateway, eventId);
  } catch (error) {
    process.stderr.write(`verify-draw: ${(error as Error).message}\n`);
    return 2;
  }
  const now = Date.now();
  const earlier = values.state ? await readSeen(values.state) : undefined;
  const evidence: DrawEvidence = {
    ...(earlier ? { earlier } : {}),
    ...(ticketNo !== undefined
      ? { tickets: [{ ticketNo, ...(place !== undefined ? { place } : {}), ...(values.issued ? { issuedBeforeOpening: values.issued === 'before' } : {}) }] }
      : {}),
  };
  const verdict = await verifyDraw(record, evidence);
  const say = (line: string) => process.stdout.write(`${line}\n`);

  say(`event ${record.event}, opening ${new Date(record.opensAt).toISOString()}, ${record.issued} tickets issued`);
  if (record.commitment) say(`commitment ${record.commitment.hash}, published ${new Date(record.commitment.at).toISOString()}`);
  if (earlier) say(`seen before: commitment ${earlier.commitment ?? 'none'} and ${earlier.issued} tickets at ${new Date(earlier.at).toISOString()}`);
  if (record.reveal) {
    const { size, seed, nonce } = record.reveal;
    say(`revealed: size ${size}, seed ${seed}, nonce ${nonce}`);
    const order = drawnOrder({ size, seed });
    say(`order: places 1..${size} recomputed, each ticket 1..${size} at exactly one; digest ${await orderDigest(order)}`);
    if (values.order) await writeFile(values.order, Array.from(order, (ticket, k) => `${k + 1} ${ticket}\n`).join(''));
  }
  if (ticketNo !== undefined && verdict.stage === 'revealed') say(`ticket ${ticketNo} → place ${verdict.places[0]}`);
  // Before the opening, remember what is published now; the largest issued count seen wins.
  if (values.state && verdict.stage !== 'revealed' && now < record.opensAt) {
    const seen: Seen = { commitment: record.commitment?.hash ?? null, issued: Math.max(record.issued, earlier?.issued ?? 0), at: now };
    await writeFile(values.state, `${JSON.stringify(seen)}\n`);
  }
  for (const { code, message } of verdict.problems) say(`FAILED ${code}: ${message}`);
  if (verdict.problems.length > 0) return 1;
  if (verdict.stage === 'revealed') say('VERIFIED: the seed matches the commitment and the order is the one it draws');
  else if (verdict.stage === 'committed') say('COMMITTED: the seed is fixed and hidden; run again after the opening to check it');
  else say('NOT COMMITTED YET: nobody has joined and no controller step has run');
  return 0;
}

process.exitCode = await main(process.argv.slice(2));
