/**
 * `npm run bookings`: an event's stored bookings, read from the booking store the config names
 * (WAITROOM_CONFIG and the environment, as the reservation handler reads them: BOOKINGS_URL for
 * PostgreSQL, else STORE=redis). The work is in server/bookings/booking-commands.ts.
 *
 *     npm run bookings -- export --event ID --format csv|jsonl [--out FILE]
 *     npm run bookings -- purge --event ID [--before DATE] --yes
 *
 * Exit codes: 0 done; 1 the store failed or is unreachable; 2 wrong usage or config;
 * 3 EVENT_UNKNOWN; 4 EVENT_NOT_CLOSED (purge); 5 BOOKINGS_IN_PROCESS (memory bookings).
 */
import { parseArgs } from 'node:util';
import { BookingCommandError, exportBookings, purgeEvent } from '../bookings/booking-commands.js';
import { ConfigError, loadConfig } from '../config/load.js';
import { BookingAdminError } from '../store/booking-admin.js';
import { openBookingAdmin } from '../store/open-booking-admin.js';
import { SchemaBehindError } from '../store/postgres/migrations.js';

const USAGE = `usage:
  npm run bookings -- export --event ID --format csv|jsonl [--out FILE]   every booking of the event (stdout without --out)
  npm run bookings -- purge --event ID [--before DATE] --yes              remove the names, birth dates and person keys of the
                                                                          event's bookings (made before DATE, an ISO 8601 time);
                                                                          only once the event closed and its grants expired`;

const EXIT: Record<string, number> = { EVENT_UNKNOWN: 3, EVENT_NOT_CLOSED: 4, BOOKINGS_IN_PROCESS: 5, BOOKINGS_UNREACHABLE: 1 };

function usage(problem: string): number {
  console.error(`bookings: ${problem}\n${USAGE}`);
  return 2;
}

async function main(argv: string[]): Promise<number> {
  let parsed;
  try {
    parsed = parseArgs({
      args: argv,
      allowPositionals: true,
      options: { event: { type: 'string' }, format: { type: 'string' }, out: { type: 'string' }, before: { type: 'string' }, yes: { type: 'boolean' } },
    });
  } catch (error) {
    return usage((error as Error).message);
  }
  const { values, positionals } = parsed;
  const command = positionals[0];
  if (positionals.length !== 1 || (command !== 'export' && command !== 'purge')) return usage('give one command: export or purge');
  const eventId = values.event;
  if (!eventId) return usage('--event ID is required');
  const format = values.format;
  if (command === 'export' && format !== 'csv' && format !== 'jsonl') return usage('--format csv or --format jsonl is required');
  if (command === 'purge' && !values.yes) return usage('purge removes personal data for good: add --yes');
  const before = values.before === undefined ? null : Date.parse(values.before);
  if (before !== null && Number.isNaN(before)) return usage(`--before ${values.before}: not an ISO 8601 time`);

  let config;
  try {
    config = loadConfig({}, process.env);
  } catch (error) {
    if (error instanceof ConfigError) return (console.error(`bookings: ${error.message}`), 2);
    throw error;
  }
  const event = config.events.find((e) => e.id === eventId);
  try {
    const admin = await openBookingAdmin(config.store);
    try {
      if (command === 'export') {
        const written = await exportBookings(admin, event !== undefined, eventId, format as 'csv' | 'jsonl', values.out ?? process.stdout);
        console.error(`bookings: exported ${written} booking(s) of event "${eventId}"${values.out ? ` to ${values.out}` : ''}`);
      } else {
        const purged = await purgeEvent(admin, event, eventId, Date.now(), before);
        console.error(
          `bookings: purged the personal data of ${purged.bookings} booking(s) of event "${eventId}"; ${purged.assertions} identity assertion binding(s) deleted`,
        );
      }
      return 0;
    } finally {
      await admin.close();
    }
  } catch (error) {
    if (error instanceof BookingCommandError || error instanceof BookingAdminError) {
      console.error(`bookings: ${error.code}: ${error.message}`);
      return EXIT[error.code]!;
    }
    if (error instanceof SchemaBehindError) return (console.error(`bookings: ${error.code}: ${error.message}`), 2);
    console.error(`bookings: failed: ${(error as Error).message}`);
    return 1;
  }
}

const code = await main(process.argv.slice(2));
process.exitCode = code;
// A failed connection may still be retrying in the background; a failure does not wait for it (stdout holds nothing then).
if (code !== 0) process.exit(code);
