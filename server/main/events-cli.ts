/**
 * Checks and previews an events file before it goes live.
 *
 *     npm run events -- validate FILE
 *     npm run events -- timeline FILE [--at TIME]
 *
 * Exit codes: 0 valid, 1 the file has problems (each printed with its path), 2 wrong usage.
 */
import { readEventFile } from '../events/event-file.js';
import { renderStateAt, renderTimeline } from '../events/timeline.js';
import { formatInstant, formatLocal, toInstant, TIME_FORMATS_HELP } from '../../shared/time/zoned-time.js';
import type { EventConfig } from '../config/event-schema.js';
import { parseCommandLine, usageError } from './command-line.js';

const COMMAND = {
  name: 'npm run events --',
  summary: 'Checks and previews an events file before it goes live. Exit codes: 0 valid, 1 the file has problems, 2 wrong usage.',
  positionals: 'validate|timeline FILE',
  options: { at: { type: 'string', value: 'TIME', description: 'timeline only: the state at that time instead of the whole timeline' } },
  notes: `validate FILE  check every event; print each problem with its path
timeline FILE  what opens and closes when, and who may join and book
TIME: ${TIME_FORMATS_HELP}; a local time is read in each event's zone.`,
} as const;

function main(): number {
  const { values, positionals } = parseCommandLine(COMMAND);
  const [command, file, ...rest] = positionals;
  if (command !== 'validate' && command !== 'timeline') usageError(COMMAND, command ? `unknown command "${command}"` : 'say validate or timeline');
  if (!file) usageError(COMMAND, 'name the events FILE');
  if (rest.length > 0) usageError(COMMAND, `unexpected argument "${rest[0]}"`);
  const at = values.at;
  if (at !== undefined && command !== 'timeline') usageError(COMMAND, '--at goes with timeline');
  if (at !== undefined && !toInstant(asTime(at), 'UTC').ok) usageError(COMMAND, `--at ${at}: not a time`);

  const result = readEventFile(file);
  if (!result.ok) {
    console.log(`${file}: ${result.problems.length} problem${result.problems.length === 1 ? '' : 's'}`);
    for (const problem of result.problems) console.log(`  ${problem.path}: ${problem.message}`);
    return 1;
  }
  if (command === 'validate') {
    for (const event of result.events) console.log(`OK ${summary(event)}`);
    return 0;
  }
  return at === undefined ? printTimelines(result.events) : printStates(result.events, at);
}

function printTimelines(events: EventConfig[]): number {
  console.log(events.map(renderTimeline).join('\n\n'));
  return 0;
}

function printStates(events: EventConfig[], at: string): number {
  let status = 0;
  const blocks = events.map((event) => {
    const instant = toInstant(asTime(at), event.timeZone);
    if (instant.ok) return renderStateAt(event, instant.instant);
    status = 1; // a local time this event's zone skips or repeats
    return `${event.id}: --at ${at}: ${instant.message}`;
  });
  console.log(blocks.join('\n\n'));
  return status;
}

/** An all-digit --at is milliseconds since the epoch. */
function asTime(text: string): string | number {
  return /^\d+$/.test(text) ? Number(text) : text;
}

function summary(event: EventConfig): string {
  const zone = event.timeZone;
  const prequeue = event.prequeueOpensAt === null ? '' : `, pre-queue from ${formatLocal(event.prequeueOpensAt, zone)}`;
  const slots = event.centers.reduce((sum, center) => sum + center.slots.length, 0);
  const cohorts = event.cohorts.length === 0 ? 'open to everyone' : `${event.cohorts.length} cohort${event.cohorts.length === 1 ? '' : 's'}`;
  return `${event.id}: ${formatLocal(event.opensAt, zone)} → ${formatInstant(event.closesAt, zone)}${prequeue}; ${cohorts}; ${event.centers.length} centers, ${slots} slots`;
}

process.exitCode = main();
