/**
 * What the shipped alert rules and Grafana dashboard (deploy/) ask Prometheus
 * for, and promtool to check it: the rule and dashboard tests read the files
 * through here, so a metric renamed in the code but not in deploy/ fails them.
 */
import { spawnSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

export const DEPLOY_DIR = fileURLToPath(new URL('../../deploy/', import.meta.url));
export const ALERTS_FILE = `${DEPLOY_DIR}prometheus/alerts.yml`;
export const ALERTS_TEST_FILE = `${DEPLOY_DIR}prometheus/alerts.test.yml`;
export const DASHBOARD_FILE = `${DEPLOY_DIR}grafana/waitroom-dashboard.json`;

interface AlertRule {
  alert: string;
  expr: string;
}

/**
 * The rules of alerts.yml, read without a YAML library (the repo has none): each `- alert:` and its
 * `expr:`, inline or a `|` block. The rule test checks the count against promtool's own reading.
 */
export function alertRules(): AlertRule[] {
  const lines = readFileSync(ALERTS_FILE, 'utf8').split('\n');
  const rules: AlertRule[] = [];
  for (let i = 0; i < lines.length; i++) {
    const alert = /^\s*- alert:\s*(\S+)/.exec(lines[i]!);
    if (alert) rules.push({ alert: alert[1]!, expr: '' });
    const expr = /^(\s*)expr:\s*(.*)$/.exec(lines[i]!);
    if (!expr || rules.length === 0) continue;
    if (expr[2] !== '|') {
      rules[rules.length - 1]!.expr = expr[2]!;
      continue;
    }
    const block: string[] = [];
    while (i + 1 < lines.length && (lines[i + 1]!.trim() === '' || indentOf(lines[i + 1]!) > expr[1]!.length)) block.push(lines[++i]!.trim());
    rules[rules.length - 1]!.expr = block.join(' ').trim();
  }
  return rules;
}

function indentOf(line: string): number {
  return line.length - line.trimStart().length;
}

interface Panel {
  title: string;
  targets?: { expr: string }[];
  panels?: Panel[];
}

/** Every PromQL expression of the dashboard: its panels' queries and its template variables'. */
export function dashboardExpressions(): { title: string; expr: string }[] {
  const dashboard = JSON.parse(readFileSync(DASHBOARD_FILE, 'utf8')) as {
    panels: Panel[];
    templating: { list: { name: string; query?: string | { query: string } }[] };
  };
  const panels = dashboard.panels.flatMap((panel) => [panel, ...(panel.panels ?? [])]);
  const queries = panels.flatMap((panel) => (panel.targets ?? []).map(({ expr }) => ({ title: panel.title, expr })));
  const variables = dashboard.templating.list
    .map((variable) => ({ title: `$${variable.name}`, query: typeof variable.query === 'object' ? variable.query.query : variable.query }))
    .filter((variable) => variable.query?.startsWith('label_values('))
    .map(({ title, query }) => ({ title, expr: query! }));
  return [...queries, ...variables];
}

/** Grafana's own variables replaced by what they stand for, so promtool can parse a dashboard query. */
export function asPlainPromQL(expr: string): string {
  return expr.replaceAll('$__rate_interval', '1m').replaceAll('$event', '.*');
}

const HISTOGRAM_SERIES = /_(bucket|sum|count)$/;

/** The metric names an expression reads (Waitroom's and prom-client's defaults), a histogram's series by its own name. */
export function metricNamesIn(expr: string): string[] {
  const names = expr.match(/\b(?:waitroom|process|nodejs)_\w+/g) ?? [];
  return [...new Set(names.map((name) => name.replace(HISTOGRAM_SERIES, '')))];
}

/** Runs promtool; throws (failing the test) when it is not installed: CI installs Debian's `prometheus` package. */
export function promtool(args: string[]): { status: number; output: string } {
  const run = spawnSync('promtool', args, { encoding: 'utf8', timeout: 30_000 });
  if (run.error) throw new Error(`promtool could not run (${run.error.message}): install it with apt-get install -y prometheus`);
  return { status: run.status ?? -1, output: `${run.stdout}${run.stderr}` };
}
