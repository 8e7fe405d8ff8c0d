/**
 * The priority lanes on the kiosk (docs/decisions/031): one line per lane,
 * Korean first and English beneath, with its people waiting and the wait of
 * someone joining it now. Rows are rebuilt only when the lanes change; each
 * update rewrites text.
 */
import type { EventState } from '../../shared/protocol/messages.js';
import type { KioskResponse } from '../../shared/http/kiosk.js';
import { formatCount, formatWait } from './format.js';

export class LanesView {
  private ids = '';

  constructor(
    private readonly section: HTMLElement,
    private readonly list: HTMLUListElement,
  ) {}

  render(lanes: KioskResponse['lanes'], state: EventState): void {
    this.section.hidden = lanes.length === 0;
    const ids = lanes.map((lane) => lane.id).join(' ');
    if (ids !== this.ids) {
      this.ids = ids;
      this.list.replaceChildren(
        ...lanes.map(() => {
          const item = document.createElement('li');
          for (const lang of ['ko', 'en']) {
            const line = item.appendChild(document.createElement('p'));
            line.lang = lang;
            if (lang === 'en') line.className = 'en';
          }
          return item;
        }),
      );
    }
    lanes.forEach((lane, k) => {
      const [ko, en] = this.list.children[k]!.children as unknown as [HTMLElement, HTMLElement];
      const wait = formatWait(lane.estimatedWaitSeconds, state);
      ko.textContent = `${lane.name.ko}: 대기 ${formatCount(lane.waiting)}명 · 예상 대기 ${wait.ko}`;
      en.textContent = `${lane.name.en}: ${formatCount(lane.waiting)} waiting · estimated wait ${wait.en}`;
    });
  }
}
