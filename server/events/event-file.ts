/**
 * An events file: `{ "events": [ … ] }`, each event as in docs/events.md.
 * Parsing reports every problem at once, each with its JSON path inside the
 * file (`events.0.cohorts.1.opensAt`), so the same text serves the preview
 * CLI, start-up and a reload.
 */
import { readFileSync } from 'node:fs';
import { z } from 'zod';
import { ALWAYS, EventConfig, reportDuplicates } from '../config/event-schema.js';

export interface FileProblem {
  /** Dot-separated JSON path inside the file; `(root)` for the whole file. */
  path: string;
  message: string;
}

export type EventFileResult = { ok: true; events: EventConfig[] } | { ok: false; problems: FileProblem[] };

export const EventFile = z
  .object({ events: z.array(EventConfig).min(1, 'list at least one event') })
  .strict()
  .superRefine((file, ctx) => reportDuplicates(file.events, 'events', ctx), ALWAYS);

export function parseEventFile(input: unknown): EventFileResult {
  const parsed = EventFile.safeParse(input);
  if (parsed.success) return { ok: true, events: parsed.data.events };
  return { ok: false, problems: parsed.error.issues.map((issue) => ({ path: issue.path.join('.') || '(root)', message: issue.message })) };
}

/** Reads a JSON file; a file that cannot be read or is not JSON is one problem at `(root)`. */
export function readJson(path: string): { ok: true; value: unknown } | { ok: false; problems: FileProblem[] } {
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch (error) {
    return { ok: false, problems: [{ path: '(root)', message: `cannot read ${path}: ${(error as Error).message}` }] };
  }
  try {
    return { ok: true, value: JSON.parse(text) as unknown };
  } catch (error) {
    return { ok: false, problems: [{ path: '(root)', message: `${path} is not valid JSON: ${(error as Error).message}` }] };
  }
}

export function readEventFile(path: string): EventFileResult {
  const json = readJson(path);
  return json.ok ? parseEventFile(json.value) : json;
}
