/** The audit log and the gateway nodes as plain tables, rebuilt on each refresh (tens of rows at most). */
import { formatDateTime, formatNumber, formatTime } from './format.js';
import type { NodeRow } from '../../shared/http/console.js';
import type { AuditEntry } from '../../shared/http/audit.js';

const MAIN_FIELDS = new Set(['at', 'actor', 'via', 'action', 'result']);
const DETAIL_LIMIT = 240;

function row(cells: (string | HTMLElement)[], attributes: Record<string, string> = {}): HTMLTableRowElement {
  const tr = document.createElement('tr');
  Object.assign(tr.dataset, attributes);
  for (const cell of cells) {
    const td = document.createElement('td');
    td.append(cell);
    tr.append(td);
  }
  return tr;
}

function compact(value: unknown): string {
  return typeof value === 'string' ? value : JSON.stringify(value);
}

/** Everything but the main columns: "before → after" first when the entry has them, then key=value. */
export function auditDetails(entry: AuditEntry): string {
  const parts: string[] = [];
  if ('before' in entry || 'after' in entry) parts.push(`${compact(entry.before)} → ${compact(entry.after)}`);
  for (const [key, value] of Object.entries(entry)) {
    if (!MAIN_FIELDS.has(key) && key !== 'before' && key !== 'after' && value !== undefined) parts.push(`${key}=${compact(value)}`);
  }
  return parts.join(' · ');
}

function details(entry: AuditEntry): HTMLElement {
  const text = auditDetails(entry);
  const span = document.createElement('span');
  span.className = 'mono';
  span.textContent = text.length > DETAIL_LIMIT ? `${text.slice(0, DETAIL_LIMIT)}…` : text;
  if (text.length > DETAIL_LIMIT) span.title = text;
  return span;
}

function result(entry: AuditEntry): HTMLElement {
  const badge = document.createElement('span');
  badge.className = 'result';
  badge.dataset.result = entry.result;
  badge.textContent = entry.result;
  return badge;
}

export function renderAudit(body: HTMLTableSectionElement, entries: readonly AuditEntry[]): void {
  body.replaceChildren(
    ...entries.map((entry) =>
      row([formatDateTime(Date.parse(entry.at)), `${entry.actor} (${entry.via})`, entry.action, result(entry), details(entry)], {
        action: entry.action,
        result: entry.result,
      }),
    ),
  );
}

/** A table's one row saying what cannot be shown now (its store is away), in place of the rows. */
export function renderUnavailable(body: HTMLTableSectionElement, text: string): void {
  body.replaceChildren(row([text], { unavailable: 'true' }));
}

export function renderNodes(body: HTMLTableSectionElement, nodes: readonly NodeRow[], reachable = true): void {
  if (!reachable) return renderUnavailable(body, "Unavailable: the gateways' reports cannot be read now · 일시적으로 볼 수 없음");
  body.replaceChildren(...nodes.map((node) => row([node.node, formatNumber(node.connections), formatTime(node.lastSeenAt)], { node: node.node })));
  body.querySelectorAll('tr td:nth-child(2)').forEach((cell) => cell.classList.add('num'));
}
