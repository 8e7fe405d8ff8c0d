/**
 * The centre's time slots as rows. Rows are built only when the list of slots
 * itself changes (a config change, rare); every other update rewrites the
 * text nodes and attributes of the rows already there.
 */
import { formatCount } from './format.js';
import type { KioskResponse } from '../../shared/http/kiosk.js';
import { textSlot } from './text-slot.js';

type Slot = KioskResponse['center']['slots'][number];

interface SlotRow {
  slotId: string;
  row: HTMLLIElement;
  fill: HTMLElement;
  label: (text: string) => void;
  remaining: (text: string) => void;
  capacity: (text: string) => void;
}

function part(parent: HTMLElement, className: string, tag = 'span'): HTMLElement {
  const node = document.createElement(tag);
  node.className = className;
  parent.append(node);
  return node;
}

function buildRow(slotId: string): SlotRow {
  const row = document.createElement('li');
  row.className = 'slot';
  row.dataset.testid = 'kiosk-slot';
  row.dataset.slotId = slotId;
  const label = textSlot(part(row, 'slot-label'));
  const fill = part(part(row, 'slot-bar'), 'slot-fill');
  const count = part(row, 'slot-count');
  const remaining = textSlot(part(count, 'slot-remaining'));
  const capacity = textSlot(part(count, 'slot-capacity'));
  const full = part(row, 'slot-full');
  full.innerHTML = '<span lang="ko">마감</span> <span class="en" lang="en">Full</span>';
  return { slotId, row, fill, label, remaining, capacity };
}

export class SlotsView {
  private rows: SlotRow[] = [];

  constructor(
    private readonly list: HTMLOListElement,
    private readonly empty: HTMLElement,
  ) {}

  render(slots: readonly Slot[]): void {
    if (!this.sameSlots(slots)) {
      this.rows = slots.map((slot) => buildRow(slot.slotId));
      this.list.replaceChildren(...this.rows.map((r) => r.row));
      this.empty.hidden = slots.length > 0;
    }
    slots.forEach((slot, index) => this.update(this.rows[index]!, slot));
  }

  private sameSlots(slots: readonly Slot[]): boolean {
    if (slots.length !== this.rows.length) return false;
    return slots.every((slot, index) => this.rows[index]!.slotId === slot.slotId);
  }

  private update(row: SlotRow, { label, capacity, remaining }: Slot): void {
    const left = Math.max(0, Math.min(remaining, capacity));
    row.label(label);
    row.remaining(formatCount(left));
    row.capacity(`/ ${formatCount(capacity)}`);
    const share = capacity > 0 ? left / capacity : 0;
    row.fill.style.transform = `scaleX(${share.toFixed(3)})`;
    const level = left === 0 ? 'full' : share < 0.1 ? 'low' : 'ok';
    if (row.row.dataset.level !== level) row.row.dataset.level = level;
    if (row.row.dataset.remaining !== String(left)) row.row.dataset.remaining = String(left);
  }
}
