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
import { BookingCommandError, exportBookings, purgeEvent } from '../bookings/booking-commands.js';
import { ConfigError, loadConfig } from '../config/load.js';
import { BookingAdminError } from '../store/booking-admin.js';
import { openBookingAdmin } from '../store/open-booking-admin.js';
import { SchemaBehindError } from '../store/postgres/migrations.js';
import { parseCommandLine, usageError } from './command-line.js';
import { CONFIG_ENVIRONMENT } from './run.js';

const SPEC = {
  name: 'npm run bookings --',
  summary:
    "An event's stored bookings. export: every booking of the event (to stdout without --out). purge: remove the names, birth dates and " +
    "person keys of the event's bookings, only once the event closed and its grants expired.",
  positionals: 'export|purge',
  options: {
    event: { type: 'string', value: 'ID', description: 'the event' },
    format: { type: 'string', value: 'csv|jsonl', description: 'export: RFC 4180 CSV with a header row, or one JSON object per line' },
    out: { type: 'string', value: 'FILE', description: 'export: write FILE (as FILE.partial, renamed when complete) instead of stdout' },
    before: { type: 'string', value: 'DATE', description: 'purge: only the bookings made before DATE (an ISO 8601 time)' },
    yes: { type: 'boolean', description: 'purge: yes, remove the personal data for good' },
  },
  env: CONFIG_ENVIRONMENT,
  notes: 'Exit codes: 0 done; 1 the store failed or is unreachable; 2 usage or config; 3 EVENT_UNKNOWN; 4 EVENT_NOT_CLOSED; 5 BOOKINGS_IN_PROCESS.',
} as const;

const EXIT: Record<string, number> = { EVENT_UNKNOWN: 3, EVENT_NOT_CLOSED: 4, BOOKINGS_IN_PROCESS: 5, BOOKINGS_UNREACHABLE: 1 };

async function main(argv: string[]): Promise<number> {
  const { values, positionals } = parseCommandLine(SPEC, argv);
  const command = positionals[0];
  if (positionals.length !== 1 || (command !== 'export' && command !== 'purge')) usageError(SPEC, 'give one command: export or purge');
  const eventId = values.event;
  if (!eventId) usageError(SPEC, '--event ID is required');
  const format = values.format;
  if (command === 'export' && format !== 'csv' && format !== 'jsonl') usageError(SPEC, '--format csv or --format jsonl is required');
  if (command === 'purge' && !values.yes) usageError(SPEC, 'purge removes personal data for good: add --yes');
  const before = values.before === undefined ? null : Date.parse(values.before);
  if (before !== null && Number.isNaN(before)) usageError(SPEC, `--before ${values.before}: not an ISO 8601 time`);

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
