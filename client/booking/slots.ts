/** Center and slot choice from the live availability; a full slot cannot be chosen. */
import { el, setText } from '../common/dom.js';
import type { Dictionary } from '../i18n/index.js';
import type { Availability } from '../sdk/index.js';

export interface Choice {
  centerId: string;
  slotId: string;
}

export function chosen(): Choice {
  const slot = document.querySelector<HTMLInputElement>('#slots input[name="slot"]:checked');
  return { centerId: el('center', HTMLSelectElement).value, slotId: slot?.value ?? '' };
}

/** What the slot list was last drawn from: unchanged, it is left alone (focus and screen readers stay put). */
let drawn = '';

/**
 * Redraws the centers and the chosen center's slots, keeping the person's
 * choice while it is still free. Nothing is chosen for them: not at first
 * (choosing the earliest free slot for everyone steers the crowd onto the
 * slot most likely to fill), nor after their slot filled (the page says so
 * and they choose again).
 */
export function renderSlots(availability: Availability | null, texts: Dictionary): void {
  const center = el('center', HTMLSelectElement);
  const previous = chosen();
  const centers = availability?.centers ?? [];
  if (center.options.length !== centers.length || centers.some((c, k) => center.options[k]?.value !== c.centerId)) {
    center.replaceChildren(...centers.map((c) => new Option(c.name, c.centerId)));
    if (centers.some((c) => c.centerId === previous.centerId)) center.value = previous.centerId;
  }
  const slots = centers.find((c) => c.centerId === center.value)?.slots ?? [];
  const signature = JSON.stringify([center.value, slots, texts.slotFull]);
  if (signature === drawn) return;
  drawn = signature;
  const keep = slots.find((s) => s.slotId === previous.slotId && s.remaining > 0);
  el('slots', HTMLElement).replaceChildren(
    ...slots.map((slot) => {
      const label = document.createElement('label');
      label.className = 'slot';
      const input = document.createElement('input');
      Object.assign(input, { type: 'radio', name: 'slot', value: slot.slotId, disabled: slot.remaining <= 0, checked: slot === keep });
      const time = document.createElement('span');
      time.className = 'slot-label';
      setText(time, slot.label);
      const left = document.createElement('span');
      left.className = 'slot-left';
      setText(left, slot.remaining > 0 ? texts.slotRemaining(slot.remaining, slot.capacity) : texts.slotFull);
      label.append(input, time, left);
      return label;
    }),
  );
}
