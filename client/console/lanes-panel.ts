/**
 * An event's priority lanes on the console (docs/decisions/031): each lane's
 * share, waiting and admitted; a form issuing codes (count, single- or
 * multi-use, uses, expiry); and the issued codes with their use counts,
 * listed on request and after each issue.
 */
import type { EventRow, LaneCodeView } from '../../shared/http/console.js';
import { api } from './api.js';
import { formatDateTime, formatNumber } from './format.js';

type Act = (doing: string, action: () => Promise<string>) => Promise<void>;

function cells(row: HTMLTableRowElement, values: string[]): HTMLTableRowElement {
  for (const value of values) row.insertCell().textContent = value;
  return row;
}

export class LanesPanel {
  constructor(
    private readonly root: HTMLElement,
    private readonly part: <T extends HTMLElement>(kind: 'field' | 'action' | 'form', name: string) => T,
  ) {}

  update(row: EventRow): void {
    this.root.hidden = row.lanes.length === 0;
    const rows = this.part<HTMLTableSectionElement>('field', 'lane-rows');
    rows.replaceChildren(
      ...row.lanes.map((lane) =>
        cells(document.createElement('tr'), [
          `${lane.name.en} · ${lane.name.ko} (${lane.id})`,
          `${Math.round(lane.share * 100)} %`,
          formatNumber(lane.waiting),
          formatNumber(lane.admittedTotal),
        ]),
      ),
    );
    const select = this.part<HTMLSelectElement>('field', 'lane-select');
    if (select.options.length !== row.lanes.length) {
      select.replaceChildren(...row.lanes.map((lane) => new Option(`${lane.name.en} (${lane.id})`, lane.id)));
    }
    const expiry = this.part<HTMLInputElement>('form', 'lane-codes').querySelector<HTMLInputElement>('[name="expiresAt"]')!;
    // A day from now by default (local time, as the input shows it).
    if (!expiry.value) expiry.value = new Date(Date.now() + 86_400_000 - new Date().getTimezoneOffset() * 60_000).toISOString().slice(0, 16);
  }

  wire(eventId: string, act: Act): void {
    const form = this.part<HTMLFormElement>('form', 'lane-codes');
    form.addEventListener('submit', (event) => {
      event.preventDefault();
      const value = (name: string) => (form.elements.namedItem(name) as HTMLInputElement | HTMLSelectElement).value;
      const single = value('kind') === 'single';
      const body = {
        laneId: value('laneId'),
        count: Number(value('count')),
        uses: single ? 1 : Number(value('uses')),
        expiresAt: new Date(value('expiresAt')).getTime(),
      };
      void act(`Issue codes for ${eventId}`, async () => {
        const { codes } = await api.issueLaneCodes(eventId, body);
        await this.showCodes(eventId);
        return `${codes.length} ${single ? 'single-use' : `${body.uses}-use`} code(s) for lane ${body.laneId}: ${codes.map((code) => code.code).join(', ')}`;
      });
    });
    this.part('action', 'list-codes').addEventListener(
      'click',
      () => void act(`List the codes of ${eventId}`, async () => `${await this.showCodes(eventId)} code(s) issued.`),
    );
  }

  private async showCodes(eventId: string): Promise<number> {
    const { codes } = await api.laneCodes(eventId);
    const table = this.part('field', 'codes');
    table.hidden = false;
    this.part<HTMLTableSectionElement>('field', 'code-rows').replaceChildren(
      ...codes.map((code: LaneCodeView) =>
        cells(document.createElement('tr'), [code.code, code.laneId, `${code.used} / ${code.uses}`, formatDateTime(code.expiresAt)]),
      ),
    );
    return codes.length;
  }
}
