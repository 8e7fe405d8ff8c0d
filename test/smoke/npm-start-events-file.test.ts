/**
 * `npm start` with EVENTS_FILE (docs/events.md): the banner names where the
 * events came from, not "demo event open now", and the kiosk and availability
 * addresses it prints are those of the file's first event and centre, so they
 * answer 200 rather than 404 UNKNOWN_EVENT. Stopped by its process group id.
 */
import type { ChildProcess } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { afterAll, expect, it } from 'vitest';
import { startNpm, stopNpm, urlsPrinted } from '../support/npm-start.js';

const FILE = fileURLToPath(new URL('../fixtures/events/incident-53-54.json', import.meta.url));
let child: ChildProcess | null = null;

afterAll(() => stopNpm(child));

it('npm start with EVENTS_FILE prints addresses of the file’s events that answer', async () => {
  child = startNpm({ EVENTS_FILE: FILE });
  const { page, output } = await urlsPrinted(child);
  expect(output).not.toContain('demo event open now');
  expect(output).toContain(`events from ${FILE}`);
  expect(output).toMatch(/event vaccine-53-54: admits \d+ a minute, at most \d+ unused grants at once, a grant lasts \d+ s/);

  const kiosk = /kiosk display\s+\S+\/kiosk\/\?(\S+)/.exec(output)![1]!;
  expect(kiosk).toMatch(/^event=vaccine-53-54&center=[a-z0-9-]+$/);
  expect((await fetch(`${page}/api/kiosk?${kiosk}`)).status).toBe(200);
  const availability = /reservation handler\s+(\S+)/.exec(output)![1]!;
  const answer = await fetch(availability);
  expect(answer.status, availability).toBe(200);
  expect(((await answer.json()) as { eventId: string }).eventId).toBe('vaccine-53-54');
}, 90_000);
