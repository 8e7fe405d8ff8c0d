/** The booking form's values, checked before anything is sent (the handler checks again). */
import { BookingBody } from '../../shared/booking/api.js';
import { el } from '../common/dom.js';
import type { Dictionary } from '../i18n/index.js';
import type { Person } from '../sdk/index.js';
import { chosen, type Choice } from './slots.js';

export type Field = keyof Dictionary['fieldHints'];

export type FormResult = { ok: true; person: Person; choice: Choice } | { ok: false; field: Field };

const FIELDS: readonly Field[] = ['centerId', 'slotId', 'name', 'birthDate'];

export function readForm(): FormResult {
  const choice = chosen();
  const person = { name: el('name', HTMLInputElement).value.trim(), birthDate: el('birth-date', HTMLInputElement).value };
  // Checked with the API's own schema (placeholder grant and secret), so the page and the handler agree.
  const checked = BookingBody.safeParse({ grant: '-', secret: 'x'.repeat(43), person, ...choice });
  if (checked.success) return { ok: true, person, choice };
  const path = checked.error.issues[0]?.path.at(-1);
  const field = FIELDS.find((f) => f === path) ?? 'name';
  return { ok: false, field };
}

export function focusField(field: Field): void {
  const id: Record<Field, string> = { centerId: 'center', slotId: 'slots', name: 'name', birthDate: 'birth-date' };
  const node = document.getElementById(id[field]);
  (node?.querySelector<HTMLElement>('input:not(:disabled)') ?? node)?.focus();
}
