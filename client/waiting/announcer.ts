/**
 * The page's polite ARIA live region: the people ahead at the pace of
 * ./announce-pace.ts, state changes, notices and the turn at once.
 */
import { el } from '../common/dom.js';
import { AnnouncePace } from './announce-pace.js';

/** Old lines are dropped (they were read when added); a few stay for a reader who moves back. */
const KEEP_LINES = 3;

export class Announcer {
  private readonly pace = new AnnouncePace();
  private lastState = '';

  /** Each message is added as its own line, so one said just after another does not replace it unread. */
  private say(text: string): void {
    const region = el('announcer', HTMLElement);
    const line = document.createElement('p');
    line.textContent = text;
    region.append(line);
    while (region.childElementCount > KEEP_LINES) region.firstElementChild?.remove();
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
