/**
 * The signed-in console: the events (refreshed every 2 s), the charts of the
 * chosen event and the audit log (every 5 s, and right after each action).
 * A refresh that fails keeps what is shown, says so, and retries with
 * backoff; a 401 means the session ended and returns to the sign-in form.
 */
import { el, setText } from '../common/dom.js';
import type { BackoffOptions } from '../../shared/reconnect/backoff.js';
import { asRequestError } from '../common/fetch-json.js';
import { startPollLoop } from '../common/poll-loop.js';
import { api } from './api.js';
import { HttpErrorCode } from '../../shared/http/error-codes.js';
import { Charts } from './charts.js';
import { EventCard, type CardContext } from './event-card.js';
import { formatTime } from './format.js';
import { describeError, showDone, showError } from './message-bar.js';
import { renderAudit, renderNodes, renderUnavailable } from './tables.js';
import type { OperatorView, OverviewResponse } from '../../shared/http/console.js';

const OVERVIEW_MS = 2000;
const HISTORY_MS = 5000;
const AUDIT_ROWS = 50;
const RETRY: BackoffOptions = { baseMs: 1000, maxMs: 15_000 };

export interface Dashboard {
  stop(): void;
}

export function startDashboard(operator: OperatorView, onSessionEnded: (reason: string) => void): Dashboard {
  const section = el('dashboard', HTMLElement);
  const eventsBox = el('events', HTMLElement);
  const chartEvent = el('chart-event', HTMLSelectElement);
  const live = el('live', HTMLElement);
  section.hidden = false;
  el('read-only', HTMLElement).hidden = operator.role === 'operator';
  // Made once the section is shown: the charts size themselves to it.
  const charts = new Charts(el('charts', HTMLElement));
  const cards = new Map<string, EventCard>();
  const context: CardContext = { readOnly: operator.role !== 'operator', act };

  const onFailure = (error: unknown, retryInMs: number) => {
    if (sessionEnded(error)) return;
    live.dataset.state = 'stale';
    setText(live, `Not updating: ${describeError(error)} · retrying in ${Math.ceil(retryInMs / 1000)} s`);
  };
  const overviewLoop = startPollLoop({ intervalMs: OVERVIEW_MS, backoff: RETRY, onFailure, run: async () => renderOverview(await api.overview()) });
  const historyLoop = startPollLoop({
    intervalMs: HISTORY_MS,
    backoff: RETRY,
    onFailure,
    // The charts and the audit log are read on their own (on a Redis Cluster each may sit on a shard that is away):
    // one that fails says so in its place and the other is still shown; only when both fail is the whole refresh retried.
    run: async () => {
      const eventId = chartEvent.value;
      const [history, audit] = await Promise.allSettled([eventId ? api.history(eventId) : null, api.audit(AUDIT_ROWS)]);
      const historyNote = el('charts-unavailable', HTMLElement);
      historyNote.hidden = history.status === 'fulfilled';
      if (history.status === 'fulfilled' && history.value && eventId === chartEvent.value) charts.render(history.value);
      if (history.status === 'rejected') setText(historyNote, `History unavailable: ${describeError(history.reason)} · 기록을 볼 수 없음`);
      const auditBody = el('audit', HTMLTableSectionElement);
      if (audit.status === 'fulfilled') renderAudit(auditBody, audit.value.entries);
      else renderUnavailable(auditBody, `Audit log unavailable: ${describeError(audit.reason)} · 감사 기록을 볼 수 없음`);
      if (history.status === 'rejected' && audit.status === 'rejected') throw history.reason;
    },
  });
  chartEvent.onchange = () => historyLoop.refreshNow();

  async function act(doing: string, action: () => Promise<string>): Promise<void> {
    try {
      showDone(await action());
    } catch (error) {
      if (sessionEnded(error)) return;
      showError(doing, error);
    }
    overviewLoop.refreshNow();
    historyLoop.refreshNow();
  }

  function renderOverview(overview: OverviewResponse): void {
    const ids = overview.events.map((event) => event.id);
    const changed = ids.length !== cards.size || ids.some((id) => !cards.has(id));
    for (const row of overview.events) {
      const card = cards.get(row.id);
      if (card) card.update(row);
      else cards.set(row.id, new EventCard(row, context));
    }
    if (changed) {
      for (const id of [...cards.keys()]) if (!ids.includes(id)) cards.delete(id);
      eventsBox.replaceChildren(...ids.map((id) => cards.get(id)!.root));
      const chosen = chartEvent.value;
      chartEvent.replaceChildren(...overview.events.map((event) => new Option(`${event.title.en} (${event.id})`, event.id)));
      if (ids.includes(chosen)) chartEvent.value = chosen;
      if (chartEvent.value !== chosen) historyLoop.refreshNow();
    }
    renderNodes(el('nodes', HTMLTableSectionElement), overview.nodes, overview.nodesReachable);
    live.dataset.state = 'live';
    setText(live, `Live · updated ${formatTime(overview.now)}`);
    live.hidden = false;
  }

  function stop(): void {
    overviewLoop.stop();
    historyLoop.stop();
    charts.destroy();
    eventsBox.replaceChildren();
    section.hidden = true;
    live.hidden = true;
  }

  /** A 401 anywhere: the session expired, was signed out elsewhere, or the server forgot it (restart). */
  function sessionEnded(error: unknown): boolean {
    if (asRequestError(error).code !== HttpErrorCode.UNAUTHORIZED) return false;
    stop();
    onSessionEnded('Your session has ended (expired, signed out elsewhere, or the server restarted). Sign in again.');
    return true;
  }

  return { stop };
}
