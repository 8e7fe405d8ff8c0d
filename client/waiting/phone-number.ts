/**
 * A mobile number as people type it, in E.164 as the gateway takes it
 * (shared/protocol/messages.ts PhoneNumber): spaces, dashes, dots and
 * brackets dropped; a Korean national number (010-1234-5678) gets +82.
 * Null when it cannot be a number.
 */
export function toE164(typed: string): string | null {
  const compact = typed.replace(/[\s().-]/g, '');
  const number = compact.startsWith('+') ? compact : compact.startsWith('0') ? `+82${compact.slice(1)}` : null;
  return number && /^\+[1-9][0-9]{7,14}$/.test(number) ? number : null;
}

/** What the page shows back: the last four digits only. */
export function maskedNumber(number: string): string {
  return `${'•'.repeat(Math.max(0, number.length - 4))}${number.slice(-4)}`;
}
