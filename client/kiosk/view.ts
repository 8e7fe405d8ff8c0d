/**
 * The kiosk screen. Built once from index.html; each update only rewrites
 * text nodes and a few attributes. Three ways it can look: live (fresh data),
 * stale (the last data, dimmed, with a banner saying since when) and setup
 * (the address names no such event or centre: nobody on site can fix data,
 * but someone can fix the address or the events file).
 */
import { el } from '../common/dom.js';
import type { RequestError } from '../common/fetch-json.js';
import { formatAgo, formatClock, formatCount, formatRate, formatWait, STATE_TEXT, type Bilingual } from './format.js';
import type { KioskResponse } from '../../shared/http/kiosk.js';
import { HttpErrorCode } from '../../shared/http/error-codes.js';
import { LanesView } from './lanes-view.js';
import { SlotsView } from './slots-view.js';
import { textSlot } from './text-slot.js';

export type KioskStatus = 'connecting' | 'live' | 'stale' | 'setup';

/** Answers that mean the address is wrong, not that the server is away. */
const SETUP_CODES = new Set<string>([HttpErrorCode.UNKNOWN_EVENT, HttpErrorCode.UNKNOWN_CENTER, HttpErrorCode.VALIDATION]);

function bilingual(koId: string, enId: string): (text: Bilingual) => void {
  const ko = textSlot(el(koId, HTMLElement));
  const en = textSlot(el(enId, HTMLElement));
  return (text) => {
    ko(text.ko);
    en(text.en);
  };
}

/** A figure that shrinks to fit its box when long (6,000,000 waiting): the CSS sizes `.value` by --chars. */
function fittedText(element: HTMLElement): (text: string) => void {
  const set = textSlot(element);
  let chars = 0;
  return (text) => {
    set(text);
    if (text.length === chars) return;
    chars = text.length;
    element.style.setProperty('--chars', String(chars));
  };
}

export class KioskView {
  private readonly root = el('kiosk', HTMLElement);
  private readonly state = el('state', HTMLElement);
  private readonly banner = el('banner', HTMLElement);
  private readonly title = bilingual('title-ko', 'title-en');
  private readonly stateText = bilingual('state-ko', 'state-en');
  private readonly bannerText = bilingual('banner-ko', 'banner-en');
  private readonly bannerDetail = textSlot(el('banner-detail', HTMLElement));
  private readonly wait = bilingual('wait-ko', 'wait-en');
  private readonly waiting = fittedText(el('waiting', HTMLElement));
  private readonly rate = fittedText(el('rate', HTMLElement));
  private readonly centerName = textSlot(el('center-name', HTMLElement));
  private readonly clock = textSlot(el('clock', HTMLElement));
  private readonly updated = textSlot(el('updated', HTMLElement));
  private readonly slots = new SlotsView(el('slots', HTMLOListElement), el('no-slots', HTMLElement));
  private readonly lanes = new LanesView(el('lanes', HTMLElement), el('lane-list', HTMLUListElement));

  private status: KioskStatus = 'connecting';
  /** Server time of the last data shown, and the local time it arrived. */
  private lastServerTime = 0;
  private lastReceivedAt = 0;
  private timeZone = 'Asia/Seoul';
  private pageTitle = '';

  render(data: KioskResponse, receivedAt: number): void {
    this.lastServerTime = data.now;
    this.lastReceivedAt = receivedAt;
    this.timeZone = data.event.timeZone;
    this.title(data.event.title);
    const pageTitle = `${data.event.title.ko} · ${data.event.title.en}`;
    if (pageTitle !== this.pageTitle) document.title = this.pageTitle = pageTitle;
    if (this.state.dataset.state !== data.event.state) this.state.dataset.state = data.event.state;
    this.stateText(STATE_TEXT[data.event.state]);
    this.waiting(formatCount(data.waiting));
    this.rate(formatRate(data.admittedPerMinute));
    this.wait(formatWait(data.estimatedWaitSeconds, data.event.state));
    this.centerName(data.center.name);
    this.slots.render(data.center.slots);
    this.lanes.render(data.lanes, data.event.state);
    const at = formatClock(data.now, data.event.timeZone);
    this.updated(`갱신 ${at} · Updated ${at}`);
    this.setStatus('live');
    this.tick(receivedAt);
  }

  /** A failed refresh; the last data stays on screen, marked stale. */
  showFailure(error: RequestError, retryInMs: number, now: number): void {
    const retry = Math.max(1, Math.ceil(retryInMs / 1000));
    this.bannerDetail(`${error.code}${error.status ? ` (HTTP ${error.status})` : ''}: ${error.message} · 재시도 ${retry}초 후 · retrying in ${retry} s`);
    if (SETUP_CODES.has(error.code)) {
      this.bannerText({
        ko: '화면 설정을 확인해 주세요: 주소의 예약 또는 접종센터가 없습니다',
        en: 'Display setup problem: the address names an event or centre that does not exist',
      });
      this.setStatus('setup');
    } else if (this.lastReceivedAt === 0) {
      this.bannerText({ ko: '서버에 연결하는 중입니다', en: 'Connecting to the server' });
      this.setStatus('connecting');
    } else {
      this.setStatus('stale');
    }
    this.tick(now);
  }

  /** Once a second: the clock (in server time) and, when stale, how old the data is. */
  tick(now: number): void {
    if (this.lastReceivedAt === 0) return;
    this.clock(formatClock(now + this.lastServerTime - this.lastReceivedAt, this.timeZone));
    if (this.status !== 'stale') return;
    const at = formatClock(this.lastServerTime, this.timeZone);
    const ago = formatAgo(now - this.lastReceivedAt);
    this.bannerText({
      ko: `연결 끊김 · 아래 정보는 ${at} 기준입니다 (${ago.ko}) · 다시 연결하는 중`,
      en: `Connection lost · figures as of ${at} (${ago.en}) · reconnecting`,
    });
  }

  private setStatus(status: KioskStatus): void {
    this.status = status;
    if (this.root.dataset.status !== status) this.root.dataset.status = status;
    const stale = String(status !== 'live');
    if (this.root.dataset.stale !== stale) this.root.dataset.stale = stale;
    this.banner.hidden = status === 'live';
    if (this.banner.dataset.kind !== status) this.banner.dataset.kind = status;
  }
}
