/**
 * A strict reader of the iCalendar files the booking page makes (RFC 5545),
 * written for the tests (no iCalendar library here): it refuses what a
 * calendar could misread — a line not ending in CRLF, a line longer than 75
 * octets, a fold that splits a UTF-8 character, an unescaped TEXT special, a
 * missing required property, a time not in UTC — and returns the event's
 * properties unfolded and unescaped.
 */
export interface ReadEvent {
  properties: Map<string, string>;
  /** The physical lines, as octets counted. */
  longestLineOctets: number;
}

const REQUIRED_CALENDAR = ['VERSION', 'PRODID'];
const REQUIRED_EVENT = ['UID', 'DTSTAMP', 'DTSTART'];
const TEXT_PROPERTIES = new Set(['SUMMARY', 'LOCATION', 'DESCRIPTION', 'UID']);

function unescapeText(name: string, value: string): string {
  let out = '';
  for (let k = 0; k < value.length; k++) {
    const char = value[k]!;
    if (char === '\\') {
      const next = value[++k];
      if (next === 'n' || next === 'N') out += '\n';
      else if (next === '\\' || next === ';' || next === ',') out += next;
      else throw new Error(`${name}: "\\${next ?? ''}" is not an escape of RFC 5545 §3.3.11`);
    } else if (char === ';' || char === ',') {
      throw new Error(`${name}: unescaped "${char}" in a TEXT value`);
    } else out += char;
  }
  return out;
}

export function readCalendarFile(bytes: Uint8Array): ReadEvent {
  const text = new TextDecoder('utf-8', { fatal: true }).decode(bytes);
  if (!text.endsWith('\r\n')) throw new Error('the file does not end with CRLF');
  const physical = text.slice(0, -2).split('\r\n');
  let longestLineOctets = 0;
  for (const line of physical) {
    if (line.includes('\n') || line.includes('\r')) throw new Error(`a bare CR or LF in ${JSON.stringify(line)}`);
    const octets = new TextEncoder().encode(line).length;
    longestLineOctets = Math.max(longestLineOctets, octets);
    if (octets > 75) throw new Error(`a line of ${octets} octets (at most 75): ${line}`);
  }
  // Unfold: a line starting with a space or tab continues the one before (the fold's whitespace is removed).
  const logical: string[] = [];
  for (const line of physical) {
    if (line.startsWith(' ') || line.startsWith('\t')) {
      if (logical.length === 0) throw new Error('the file starts with a continuation line');
      logical[logical.length - 1] += line.slice(1);
    } else logical.push(line);
  }
  const calendar = new Map<string, string>();
  const event = new Map<string, string>();
  const stack: string[] = [];
  let events = 0;
  for (const line of logical) {
    const colon = line.indexOf(':');
    if (colon <= 0) throw new Error(`not a content line: ${line}`);
    const name = line.slice(0, colon);
    const value = line.slice(colon + 1);
    if (!/^[A-Z-]+$/.test(name)) throw new Error(`a property name with parameters or odd letters: ${name}`);
    if (name === 'BEGIN') {
      stack.push(value);
      if (value === 'VEVENT') events++;
      continue;
    }
    if (name === 'END') {
      if (stack.pop() !== value) throw new Error(`END:${value} does not close what was begun`);
      continue;
    }
    const into = stack.at(-1) === 'VEVENT' ? event : stack.at(-1) === 'VCALENDAR' ? calendar : null;
    if (!into) throw new Error(`${name} outside a component`);
    if (into.has(name)) throw new Error(`${name} twice`);
    into.set(name, TEXT_PROPERTIES.has(name) ? unescapeText(name, value) : value);
  }
  if (stack.length > 0 || logical[0] !== 'BEGIN:VCALENDAR') throw new Error('not one VCALENDAR');
  if (events !== 1) throw new Error(`${events} VEVENTs (one expected)`);
  for (const name of REQUIRED_CALENDAR) if (!calendar.has(name)) throw new Error(`VCALENDAR without ${name}`);
  for (const name of REQUIRED_EVENT) if (!event.has(name)) throw new Error(`VEVENT without ${name}`);
  if (calendar.get('VERSION') !== '2.0') throw new Error(`VERSION ${calendar.get('VERSION')}`);
  for (const name of ['DTSTAMP', 'DTSTART', 'DTEND']) {
    const value = event.get(name);
    if (value !== undefined && !/^\d{8}T\d{6}Z$/.test(value)) throw new Error(`${name} ${value} is not a UTC DATE-TIME`);
  }
  return { properties: event, longestLineOctets };
}

/** `20210726T000000Z` as milliseconds. */
export function utcMs(value: string): number {
  const [, y, mo, d, h, mi, s] = /^(\d{4})(\d\d)(\d\d)T(\d\d)(\d\d)(\d\d)Z$/.exec(value)!;
  return Date.UTC(Number(y), Number(mo) - 1, Number(d), Number(h), Number(mi), Number(s));
}
