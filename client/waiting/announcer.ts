/**
 * The page's polite ARIA live region: the people ahead at the pace of
 * ./announce-pace.ts, state changes, notices and the turn at once.
 */
import { el } from '../common/dom.js';
import { AnnouncePace } from './announce-pace.js';

export class Announcer {
  private readonly pace = new AnnouncePace();
  private lastState = '';

  private say(text: string): void {
    const region = el('announcer', HTMLElement);
    // The same text twice is not re-announced by screen readers unless it changes.
    region.textContent = region.textContent === text ? `${text}\u00a0` : text;
  }

  ahead(count: number, text: string): void {
    if (this.pace.shouldAnnounce(count, Date.now())) this.say(text);
  }

  state(shown: string, text: string): void {
    if (shown === this.lastState) return;
    const first = this.lastState === '';
    this.lastState = shown;
    if (!first) this.say(text); // the first state is on screen as the page appears; no need to read it out
  }

  now(text: string): void {
    this.say(text);
  }
}
