/**
 * axe-core in a real page: injects node_modules/axe-core/axe.min.js through
 * the DevTools Protocol (page.evaluate, so the page's own Content Security
 * Policy cannot refuse it), runs every rule on the whole document and
 * returns the violations. `expectNoSeriousViolations` fails, softly (the
 * test goes on to the next page), on any serious or critical one, with a
 * list a person can act on: rule, impact, the elements and axe's help.
 */
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import type { Page } from 'playwright-core';
import { expect } from 'vitest';

export type Impact = 'minor' | 'moderate' | 'serious' | 'critical';

export interface Violation {
  id: string;
  impact: Impact | null;
  help: string;
  helpUrl: string;
  targets: string[];
}

const AXE_SOURCE = readFileSync(createRequire(import.meta.url).resolve('axe-core/axe.min.js'), 'utf8');
const BLOCKING: readonly (Impact | null)[] = ['serious', 'critical'];

/** Every axe violation on the page as it is now. */
export async function axeViolations(page: Page): Promise<Violation[]> {
  if (!(await page.evaluate(() => 'axe' in window))) await page.evaluate(AXE_SOURCE);
  return page.evaluate(async () => {
    const axe = (window as unknown as { axe: typeof import('axe-core') }).axe;
    const results = await axe.run(document, { resultTypes: ['violations'] });
    return results.violations.map((violation) => ({
      id: violation.id,
      impact: violation.impact ?? null,
      help: violation.help,
      helpUrl: violation.helpUrl,
      targets: violation.nodes.map((node) => node.target.map(String).join(' ')),
    }));
  });
}

export function isBlocking(violation: Violation): boolean {
  return BLOCKING.includes(violation.impact);
}

/** One line per violation: `rule (impact): help — selectors`. */
export function describeViolations(violations: readonly Violation[]): string {
  return violations.map((v) => `  ${v.id} (${v.impact}): ${v.help} — ${v.targets.join(', ')}`).join('\n');
}

/** Fails the test (softly) when `page` has a serious or critical violation; returns all of them for counting. */
export async function expectNoSeriousViolations(page: Page, label: string): Promise<Violation[]> {
  const violations = await axeViolations(page);
  const blocking = violations.filter(isBlocking);
  expect.soft(blocking.length, `serious or critical axe violations on ${label}:\n${describeViolations(blocking)}`).toBe(0);
  return violations;
}

/** `label: N (critical C, serious S, moderate M, minor m) rule-ids`, for the run's log. */
export function countLine(label: string, violations: readonly Violation[]): string {
  const of = (impact: Impact) => violations.filter((v) => v.impact === impact).length;
  return `${label}: ${violations.length} (critical ${of('critical')}, serious ${of('serious')}, moderate ${of('moderate')}, minor ${of('minor')})${violations.length ? ` ${violations.map((v) => v.id).join(', ')}` : ''}`;
}
