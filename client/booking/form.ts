/**
 * The minimal booking form shown once admitted: choose a center and a slot,
 * give name and birth date, and book with the grant and the secret it is bound to.
 */
import { AvailabilityResponse, BookingBody, BookingError, BookingResponse } from '../../shared/booking/api.js';
import { readGrantClaims } from '../../shared/tokens/claims.js';
import { el, formatCountdown, setText } from '../common/dom.js';
import * as view from '../waiting/view.js';
import { REJOIN_CODES, bookingErrorText } from './errors.js';

export interface BookingOptions {
  reservationsUrl: string;
  eventId: string;
  grant: string;
  secret: string;
  onBooked(reference: string): void;
  /** Forgets the stored ticket and starts again at the end of the line. */
  rejoin(): void;
}

type Center = AvailabilityResponse['centers'][number];

const FIELD_HINT: Record<string, string> = {
  centerId: 'Choose a center.',
  slotId: 'Choose a time slot that still has room.',
  name: 'Enter your full name.',
  birthDate: 'Enter your birth date.',
};

export function openBooking(options: BookingOptions): void {
  const form = el('booking-form', HTMLFormElement);
  const center = el('center', HTMLSelectElement);
  const slot = el('slot', HTMLSelectElement);
  const birthDate = el('birth-date', HTMLInputElement);
  const submit = el('book', HTMLButtonElement);
  const status = el('booking-status', HTMLElement);
  const base = options.reservationsUrl.replace(/\/+$/, '');
  const rejoin: view.NoticeAction = { label: 'Join the line again', run: options.rejoin };
  let centers: Center[] = [];

  view.showSection('booking');
  birthDate.max = new Date().toISOString().slice(0, 10);
  center.onchange = fillSlots;
  el('reload-slots', HTMLButtonElement).onclick = () => void loadAvailability();
  form.onsubmit = (event) => {
    event.preventDefault();
    void book();
  };
  const stopCountdown = startCountdown(options.grant, () => closeForm('Your time to book ran out.'));
  void loadAvailability();

  async function loadAvailability(): Promise<void> {
    try {
      const response = await fetch(`${base}/api/events/${encodeURIComponent(options.eventId)}/availability`, { cache: 'no-store' });
      const parsed = AvailabilityResponse.safeParse(await response.json());
      if (!response.ok || !parsed.success) throw new Error(`availability: HTTP ${response.status}`);
      centers = parsed.data.centers;
      const chosen = center.value;
      center.replaceChildren(...centers.map((c) => new Option(c.name, c.centerId)));
      if (centers.some((c) => c.centerId === chosen)) center.value = chosen;
      fillSlots();
    } catch (error) {
      console.warn('waitroom:', error);
      setText(status, 'Could not load the free slots. Check your connection and press "Refresh free slots".');
    }
  }

  function fillSlots(): void {
    const chosen = slot.value;
    const slots = centers.find((c) => c.centerId === center.value)?.slots ?? [];
    slot.replaceChildren(
      ...slots.map((s) => {
        const option = new Option(`${s.label} (${s.remaining > 0 ? `${s.remaining} of ${s.capacity} free` : 'full'})`, s.slotId);
        option.disabled = s.remaining <= 0;
        return option;
      }),
    );
    const open = [...slot.options].filter((option) => !option.disabled);
    const pick = open.find((option) => option.value === chosen) ?? open[0];
    slot.selectedIndex = pick ? pick.index : -1;
  }

  async function book(): Promise<void> {
    const body = BookingBody.safeParse({
      grant: options.grant,
      secret: options.secret,
      person: { name: el('name', HTMLInputElement).value.trim(), birthDate: birthDate.value },
      centerId: center.value,
      slotId: slot.value,
    });
    if (!body.success) {
      const field = String(body.error.issues[0]?.path.at(-1) ?? '');
      setText(status, FIELD_HINT[field] ?? 'Check the details you entered.');
      return;
    }
    submit.disabled = true;
    setText(status, 'Booking…');
    try {
      const response = await fetch(`${base}/api/events/${encodeURIComponent(options.eventId)}/bookings`, {
        method: 'POST',
        headers: { 'Content-Type': 'application/json' },
        body: JSON.stringify(body.data),
      });
      const json: unknown = await response.json().catch(() => null);
      const booked = response.ok ? BookingResponse.safeParse(json) : null;
      if (booked?.success) {
        stopCountdown();
        options.onBooked(booked.data.booking.reference);
        return;
      }
      const failure = BookingError.safeParse(json);
      if (!failure.success) {
        setText(status, `The booking service answered unexpectedly (HTTP ${response.status}). Try again.`);
      } else if (REJOIN_CODES.has(failure.data.error.code)) {
        closeForm(bookingErrorText(failure.data.error.code, failure.data.error.message));
        return;
      } else {
        setText(status, bookingErrorText(failure.data.error.code, failure.data.error.message));
        if (failure.data.error.code === 'SLOT_FULL' || failure.data.error.code === 'UNKNOWN_SLOT') void loadAvailability();
      }
    } catch {
      setText(status, 'Could not reach the booking service. Check your connection and press Book again; you cannot be booked twice.');
    }
    submit.disabled = false;
  }

  /** The grant can no longer book: stop the form and offer a new place in line. */
  function closeForm(text: string): void {
    stopCountdown();
    submit.disabled = true;
    setText(status, text);
    view.showNotice(text, rejoin);
  }
}

/** Shows the grant's remaining validity each second; calls `onExpired` once at zero. Returns a stop function. */
function startCountdown(grant: string, onExpired: () => void): () => void {
  const output = el('grant-left', HTMLElement);
  const expiresAt = readGrantClaims(grant)?.exp;
  if (expiresAt === undefined) {
    setText(output, 'unknown');
    return () => undefined;
  }
  const update = (): void => {
    const left = expiresAt - Date.now();
    setText(output, formatCountdown(left));
    if (left > 0) return;
    clearInterval(timer);
    queueMicrotask(onExpired); // not synchronously: the caller may not hold the stop function yet
  };
  const timer = setInterval(update, 1_000);
  update();
  return () => clearInterval(timer);
}
