/** Times and numbers as the console shows them (the browser's time zone). */

const dateTime = new Intl.DateTimeFormat('en-CA', {
  year: 'numeric',
  month: '2-digit',
  day: '2-digit',
  hour: '2-digit',
  minute: '2-digit',
  second: '2-digit',
  hourCycle: 'h23',
});
const time = new Intl.DateTimeFormat('en-GB', { hour: '2-digit', minute: '2-digit', second: '2-digit', hourCycle: 'h23' });
const numbers = new Intl.NumberFormat('en-US', { maximumFractionDigits: 1 });

/** "2026-11-25 14:03:22". */
export function formatDateTime(ms: number): string {
  return dateTime.format(ms).replace(',', '');
}

const clock = new Intl.DateTimeFormat('en-GB', { hour: '2-digit', minute: '2-digit', hourCycle: 'h23' });

/** "14:03": the charts' time axis (uPlot's own is the US "2:03pm" and "11/25"). */
export function formatClock(ms: number): string {
  return clock.format(ms);
}

export function formatTime(ms: number): string {
  return time.format(ms);
}

export function formatNumber(value: number): string {
  return numbers.format(value);
}
