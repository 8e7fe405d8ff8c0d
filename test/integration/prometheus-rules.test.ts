/**
 * The alert rules and dashboard in deploy/ as Prometheus reads them: promtool
 * checks the rules and runs their unit tests (each alert fires on its failure
 * and stays quiet when healthy), and parses every dashboard query as PromQL.
 */
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { ALERTS_FILE, ALERTS_TEST_FILE, alertRules, asPlainPromQL, dashboardExpressions, promtool } from '../support/prometheus.js';

const ALERTS = [
  'WaitroomQueueStalled',
  'WaitroomAdmissionStopped',
  'WaitroomRedisUnreachable',
  'WaitroomEventStoreUnreachable',
  'WaitroomEventLoopDelay',
  'WaitroomBookingErrors',
  'WaitroomProcessDown',
];

describe('deploy/prometheus and deploy/grafana', () => {
  it('promtool accepts the alert rules, which are the alerts of the runbook', () => {
    const check = promtool(['check', 'rules', ALERTS_FILE]);
    expect(check.output).toContain(`SUCCESS: ${ALERTS.length} rules found`);
    expect(check.status).toBe(0);
    expect(alertRules().map((rule) => rule.alert)).toEqual(ALERTS);
    for (const rule of alertRules()) expect(rule.expr, rule.alert).toMatch(/waitroom_|nodejs_|job=~"waitroom/);
  });

  it("promtool's unit tests of the rules pass: each alert fires on a synthetic failure, not on the healthy series beside it", () => {
    const run = promtool(['test', 'rules', ALERTS_TEST_FILE]);
    expect(run.output).toContain('SUCCESS');
    expect(run.status).toBe(0);
  });

  it('every dashboard query parses as PromQL (promtool reads them as recording rules)', async () => {
    const expressions = dashboardExpressions().filter(({ expr }) => !expr.startsWith('label_values('));
    expect(expressions.length).toBeGreaterThan(20);
    const dir = await mkdtemp(join(tmpdir(), 'waitroom-dashboard-'));
    try {
      const rules = expressions.map(({ expr }, k) => `      - record: dashboard:query_${k}\n        expr: ${JSON.stringify(asPlainPromQL(expr))}`);
      const file = join(dir, 'dashboard-rules.yml');
      await writeFile(file, `groups:\n  - name: dashboard\n    rules:\n${rules.join('\n')}\n`);
      const check = promtool(['check', 'rules', file]);
      expect(check.output).toContain(`SUCCESS: ${expressions.length} rules found`);
      expect(check.status).toBe(0);
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });
});
