/**
 * The waiting page's draw check (docs/decisions/005, "Verifiable draw"): before
 * the opening it shows the commitment (from /api/info, already loaded) and
 * remembers it in this browser with the tickets issued by then; after the
 * opening it reads the record once (GET /api/draw/:event, when the person asks
 * or a jittered while after the draw: millions of pages must not ask at the
 * same second) and checks the revealed seed against the commitment this browser
 * saw, and the person's ticket (or any number typed in) against the draw.
 */
import type { DrawRecord } from '../../shared/http/draw.js';
import { drawRecordPath } from '../../shared/http/draw-route.js';
import type { EventInfo } from '../../shared/http/info.js';
import { check } from '../../shared/lean/check.js';
import { DRAW_RECORD } from '../../shared/lean/schemas.generated.js';
import { verifyDraw, type DrawEvidence, type DrawVerdict } from '../../shared/queue/verify-draw.js';
import { el, setText, show } from '../common/dom.js';
import { formatClock, type Dictionary, type Language } from '../i18n/index.js';

/** After the first drawn tick, the record is read within this long (uniformly spread). */
const REVEAL_FETCH_SPREAD_MS = 60_000;

/** What this browser saw before the opening, kept per event. */
interface Seen {
  commitment: string | null;
  issued: number;
  at: number;
  /** The page's own ticket, and whether it was issued before the opening (the page saw the pre-queue with it). */
  ticketNo?: number;
  prequeue?: boolean;
}

function storageKey(eventId: string): string {
  return `waitroom-draw:${eventId}`;
}

export class DrawCheck {
  private record: DrawRecord;
  private seen: Seen | null;
  private verdict: DrawVerdict | null = null;
  /** The ticket number to check: the page's own until the person types another. */
  private checked: number | null = null;
  private invalidInput = false;
  private fetching = false;
  private revealTimer: ReturnType<typeof setTimeout> | null = null;

  constructor(
    private readonly event: EventInfo,
    private readonly storage: Storage | null,
    private readonly changed: () => void,
  ) {
    this.record = { event: event.id, prequeueOpensAt: event.prequeueOpensAt, opensAt: event.opensAt, issued: 0, ...event.draw };
    this.seen = this.load();
    this.remember();
    el('draw-form', HTMLFormElement).addEventListener('submit', (submitted) => {
      submitted.preventDefault();
      const text = el('draw-ticket', HTMLInputElement).value.trim();
      const ticketNo = Number(text);
      this.invalidInput = !/^\d+$/.test(text) || ticketNo < 1 || !Number.isSafeInteger(ticketNo);
      if (!this.invalidInput) this.checked = ticketNo;
      void this.refresh();
    });
  }

  /** Shown for events with a pre-queue: only they are drawn. */
  get applies(): boolean {
    return this.event.prequeueOpensAt !== null;
  }

  /** The page's ticket; `prequeue`: the page saw the pre-queue while holding it. */
  ownTicket(ticketNo: number, prequeue: boolean): void {
    if (!this.applies) return;
    const seen = this.seen ?? { commitment: null, issued: 0, at: Date.now() };
    if (seen.ticketNo === ticketNo && (seen.prequeue || !prequeue)) return;
    this.seen = { ...seen, ticketNo, prequeue: (seen.ticketNo === ticketNo && seen.prequeue) || prequeue };
    this.save();
    // The first person to join is the one who made the commitment: read it now.
    if (!this.record.commitment) void this.refresh();
    else void this.check();
  }

  /** Places are drawn (the ticks say so): read the revealed record once, a while later. */
  drawn(): void {
    if (!this.applies || this.record.reveal || this.revealTimer) return;
    this.revealTimer = setTimeout(() => void this.refresh(), Math.random() * REVEAL_FETCH_SPREAD_MS);
  }

  async refresh(): Promise<void> {
    if (this.fetching) return;
    this.fetching = true;
    try {
      const response = await fetch(drawRecordPath(this.event.id), { cache: 'no-store' });
      const checked = response.ok ? check<DrawRecord>(DRAW_RECORD, await response.json()) : null;
      if (checked?.ok) {
        this.record = checked.value;
        this.remember();
      }
    } catch {
      // No network: what is shown stays; the next attempt (a tick, the button) reads again.
    } finally {
      this.fetching = false;
    }
    await this.check();
  }

  render(language: Language, texts: Dictionary): void {
    show(el('draw', HTMLElement), this.applies);
    if (!this.applies) return;
    const { commitment, reveal } = this.record;
    const zone = this.event.timeZone;
    const publishedAt = commitment ? formatClock(commitment.at, language, zone) : '';
    setText(
      el('draw-status', HTMLElement),
      commitment ? (reveal ? '' : texts.drawSecretUntil(formatClock(this.event.opensAt, language, zone))) : texts.drawNotCommitted,
    );
    show(el('draw-commitment-row', HTMLElement), commitment !== null);
    setText(el('draw-commitment', HTMLElement), this.seen?.commitment ?? commitment?.hash ?? '');
    setText(el('draw-committed-at', HTMLElement), commitment ? texts.drawCommittedAt(publishedAt) : '');
    show(el('draw-reveal', HTMLElement), reveal !== null);
    setText(el('draw-seed', HTMLElement), reveal ? String(reveal.seed) : '');
    setText(el('draw-size', HTMLElement), reveal ? String(reveal.size) : '');
    setText(el('draw-nonce', HTMLElement), reveal?.nonce ?? '');
    const input = el('draw-ticket', HTMLInputElement);
    const ticketNo = this.ticketToCheck();
    if (!input.value && ticketNo !== null && document.activeElement !== input) input.value = String(ticketNo);
    setText(el('draw-result', HTMLElement), this.resultText(texts, publishedAt));
    setText(el('draw-self-check', HTMLElement), texts.drawSelfCheck(this.event.id));
  }

  private resultText(texts: Dictionary, publishedAt: string): string {
    if (this.invalidInput) return texts.drawTicketInvalid;
    const verdict = this.verdict;
    const problem = verdict?.problems[0];
    if (problem) return texts.drawFailed(problem.code, texts.drawProblems[problem.code]);
    if (verdict?.stage !== 'revealed' || !this.record.reveal) return '';
    const ticketNo = this.ticketToCheck();
    const place = verdict.places[0];
    if (ticketNo === null || place === undefined) return '';
    return ticketNo > this.record.reveal.size ? texts.drawAfterOpening(ticketNo) : texts.drawVerified(ticketNo, place, publishedAt);
  }

  private ticketToCheck(): number | null {
    return this.checked ?? this.seen?.ticketNo ?? null;
  }

  private async check(): Promise<void> {
    const seen = this.seen;
    const ticketNo = this.ticketToCheck();
    const own = ticketNo !== null && ticketNo === seen?.ticketNo;
    const evidence: DrawEvidence = {
      ...(seen && seen.at < this.record.opensAt ? { earlier: { commitment: seen.commitment, issued: seen.issued, at: seen.at } } : {}),
      ...(ticketNo !== null ? { tickets: [{ ticketNo, ...(own && seen?.prequeue ? { issuedBeforeOpening: true } : {}) }] } : {}),
    };
    this.verdict = await verifyDraw(this.record, evidence);
    this.changed();
  }

  /** Before the opening: keep the first commitment seen and the most tickets seen issued. */
  private remember(): void {
    if (this.record.reveal || Date.now() >= this.record.opensAt) return;
    const seen = this.seen;
    const commitment = seen?.commitment ?? this.record.commitment?.hash ?? null;
    const issued = Math.max(seen?.issued ?? 0, this.record.issued);
    if (seen && seen.commitment === commitment && seen.issued === issued) return;
    this.seen = { ...seen, commitment, issued, at: Date.now() };
    this.save();
  }

  private load(): Seen | null {
    try {
      const value: unknown = JSON.parse(this.storage?.getItem(storageKey(this.event.id)) ?? 'null');
      return value && typeof value === 'object' ? (value as Seen) : null;
    } catch {
      return null;
    }
  }

  private save(): void {
    try {
      this.storage?.setItem(storageKey(this.event.id), JSON.stringify(this.seen));
    } catch {
      // Storage full or blocked: the check still runs, against the published commitment only.
    }
  }
}
