/**
 * The confirmation: the reference, then what a person needs on the day — the
 * center's name and address and the slot's date and time in the page's
 * language (from the availability, which has the event's time zone) — a
 * Print button (the print stylesheet leaves the page's controls out) and,
 * when the slot has a start time, a calendar file (./calendar-file.ts).
 */
import { el, setText, show } from '../common/dom.js';
import { localeOf, type Dictionary, type Language } from '../i18n/index.js';
import type { Availability, Booking } from '../sdk/index.js';
import { calendarFile } from './calendar-file.js';

export type Booked = Pick<Booking, 'reference'> & Partial<Booking>;

/** "2021년 7월 26일 (월) 오전 9:00" in the event's zone, the zone named when it is not this device's. */
function slotDateTime(ms: number, language: Language, timeZone: string): string {
  const text = new Intl.DateTimeFormat(localeOf(language), { dateStyle: 'full', timeStyle: 'short', timeZone }).format(ms);
  return Intl.DateTimeFormat().resolvedOptions().timeZone === timeZone ? text : `${text} (${timeZone})`;
}

let calendarUrl: string | null = null;

export function renderConfirmation(booked: Booked, availability: Availability | null, language: Language, texts: Dictionary): void {
  setText(el('reference', HTMLElement), booked.reference);
  const center = availability?.centers.find((c) => c.centerId === booked.centerId);
  const slot = center?.slots.find((s) => s.slotId === booked.slotId);
  const timeZone = availability?.timeZone ?? 'Asia/Seoul';
  const centerName = center ? (center.names?.[language] ?? center.name) : booked.centerId;
  const address = center?.address?.[language];
  const rows: [string, string | undefined][] = [
    [texts.detailsCenter, centerName],
    [texts.detailsAddress, address],
    [texts.detailsDate, slot?.startsAt != null ? slotDateTime(slot.startsAt, language, timeZone) : undefined],
    [texts.detailsSlot, slot?.label ?? booked.slotId],
    [texts.detailsName, booked.name],
  ];
  el('booking-details', HTMLElement).replaceChildren(
    ...rows.filter((row): row is [string, string] => row[1] !== undefined).map(([label, value]) => detailRow(label, value)),
  );
  el('print', HTMLButtonElement).onclick = () => window.print();

  const link = el('calendar-file', HTMLAnchorElement);
  show(link, slot?.startsAt != null);
  if (slot?.startsAt == null || !centerName) return;
  const file = calendarFile({
    uid: `${booked.reference}@${location.host}`,
    stampedAt: booked.bookedAt ?? Date.now(),
    startsAt: slot.startsAt,
    endsAt: slot.endsAt ?? null,
    summary: `${texts.calendarSummary(centerName)} (${slot.label})`,
    location: address ?? centerName,
    description: texts.calendarDescription(booked.reference),
  });
  if (link.dataset.file === file) return; // redrawn every second: one object URL per content
  if (calendarUrl) URL.revokeObjectURL(calendarUrl);
  calendarUrl = URL.createObjectURL(new Blob([file], { type: 'text/calendar;charset=utf-8' }));
  link.dataset.file = file;
  link.href = calendarUrl;
  link.download = `${booked.reference}.ics`;
}

function detailRow(label: string, value: string): HTMLElement {
  const item = document.createElement('div');
  const term = document.createElement('dt');
  term.className = 'figure-label';
  term.textContent = label;
  const detail = document.createElement('dd');
  detail.className = 'figure-value';
  detail.style.margin = '0';
  detail.textContent = value;
  item.append(term, detail);
  return item;
}
