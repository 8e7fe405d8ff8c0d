/** The booking's iCalendar file (client/booking/calendar-file.ts), read back by a strict RFC 5545 reader (test/support/ics.ts). */
import { describe, expect, it } from 'vitest';
import { calendarFile, foldLine, type CalendarEntry } from '../../client/booking/calendar-file.js';
import { readCalendarFile, utcMs } from '../support/ics.js';

const entry: CalendarEntry = {
  uid: 'WR-ABCDEFGH23@waitroom.example',
  stampedAt: Date.UTC(2021, 6, 19, 11, 5, 7),
  startsAt: Date.UTC(2021, 6, 26, 0, 0),
  endsAt: Date.UTC(2021, 6, 26, 0, 30),
  summary: '백신 접종: 서울 중구 예방접종센터, 09:00',
  location: '서울특별시 중구 을지로 1; 시청 별관 2층, 접종실 A (엘리베이터 이용)',
  description: '예약 번호 WR-ABCDEFGH23\n신분증을 가져오세요. Bring an ID; arrive 10 min early.\\ end',
};

const bytes = (text: string) => new TextEncoder().encode(text);

describe('calendarFile', () => {
  it('reads back as one event with every value as given, times in UTC', () => {
    const text = calendarFile(entry);
    const read = readCalendarFile(bytes(text));
    expect(read.properties.get('UID')).toBe(entry.uid);
    expect(read.properties.get('SUMMARY')).toBe(entry.summary);
    expect(read.properties.get('LOCATION')).toBe(entry.location);
    expect(read.properties.get('DESCRIPTION')).toBe(entry.description);
    expect(read.properties.get('DTSTART')).toBe('20210726T000000Z');
    expect(utcMs(read.properties.get('DTEND')!)).toBe(entry.endsAt);
    expect(utcMs(read.properties.get('DTSTAMP')!)).toBe(entry.stampedAt);
    expect(text.split('\r\n').length).toBeGreaterThan(15); // the long Korean texts were folded
    expect(read.longestLineOctets).toBeLessThanOrEqual(75);
  });

  it('escapes TEXT specials and line breaks, and leaves out DTEND and LOCATION when unknown', () => {
    const text = calendarFile({ ...entry, endsAt: null, location: null, summary: 'a,b;c\\d\r\ne' });
    expect(text).toContain('SUMMARY:a\\,b\\;c\\\\d\\ne\r\n');
    const read = readCalendarFile(bytes(text));
    expect(read.properties.has('DTEND')).toBe(false);
    expect(read.properties.has('LOCATION')).toBe(false);
  });

  it('folds at 75 octets without splitting a UTF-8 character', () => {
    for (const value of ['가'.repeat(100), 'a'.repeat(200), `a${'한'.repeat(50)}`, '😀'.repeat(40)]) {
      const folded = foldLine(`DESCRIPTION:${value}`);
      for (const line of folded.split('\r\n')) {
        expect(bytes(line).length).toBeLessThanOrEqual(75);
        expect(line).not.toContain('\uFFFD');
      }
      expect(folded.replace(/\r\n /g, '')).toBe(`DESCRIPTION:${value}`);
    }
    expect(foldLine('x'.repeat(75))).toBe('x'.repeat(75)); // exactly 75: not folded
    expect(foldLine('x'.repeat(76))).toBe(`${'x'.repeat(75)}\r\n x`);
  });

  it('the reader refuses what a calendar could misread', () => {
    const good = calendarFile(entry);
    expect(() => readCalendarFile(bytes(good.replace(/\r\n/g, '\n')))).toThrow(/CRLF/);
    expect(() => readCalendarFile(bytes(good.replace('SUMMARY:', 'SUMMARY:x,')))).toThrow(/unescaped/);
    expect(() => readCalendarFile(bytes(good.replace(/\r\n /g, '')))).toThrow(/octets/);
    expect(() => readCalendarFile(bytes(good.replace(/DTSTART:(\d{8}T\d{6})Z/, 'DTSTART:$1')))).toThrow(/UTC/);
    expect(() => readCalendarFile(bytes(good.replace(/UID:.*\r\n/, '')))).toThrow(/without UID/);
  });
});
