/**
 * The small parts of turn notices: which endpoints count as a push service,
 * how a typed phone number becomes E.164, which places each tick looks at
 * (through the pre-queue draw, a few at a time), and what the service worker
 * shows for a payload.
 */
import { describe, expect, it } from 'vitest';
import { noticeFor } from '../../client/service-worker/notice-text.js';
import { maskedNumber, toE164 } from '../../client/waiting/phone-number.js';
import { DEFAULT_PUSH_SERVICES } from '../../server/config/turn-notices-schema.js';
import { atPushService } from '../../server/gateway/turn-notices/contact.js';
import { NoticeMarks } from '../../server/gateway/turn-notices/notice-marks.js';
import { placeOf } from '../../shared/queue/draw.js';

describe('push services', () => {
  it('takes the browsers’ services and subdomains of a wildcard, nothing else', () => {
    expect(atPushService('https://fcm.googleapis.com/fcm/send/abc', DEFAULT_PUSH_SERVICES)).toBe(true);
    expect(atPushService('https://wns2-par02p.notify.windows.com/w/?token=x', DEFAULT_PUSH_SERVICES)).toBe(true);
    expect(atPushService('https://notify.windows.com/w', DEFAULT_PUSH_SERVICES)).toBe(false);
    expect(atPushService('https://evil.example/notify.windows.com', DEFAULT_PUSH_SERVICES)).toBe(false);
    expect(atPushService('http://fcm.googleapis.com/fcm/send/abc', DEFAULT_PUSH_SERVICES)).toBe(false);
    expect(atPushService('https://fcm.googleapis.com.evil.example/x', DEFAULT_PUSH_SERVICES)).toBe(false);
    expect(atPushService('http://127.0.0.1:8999/push/x', ['http://127.0.0.1:8999'])).toBe(true);
    expect(atPushService('http://127.0.0.1:9000/push/x', ['http://127.0.0.1:8999'])).toBe(false);
  });
});

describe('phone numbers', () => {
  it('writes Korean and international numbers as E.164 and refuses what cannot be one', () => {
    expect(toE164('010-1234-5678')).toBe('+821012345678');
    expect(toE164(' +82 10 1234 5678 ')).toBe('+821012345678');
    expect(toE164('(010) 1234.5678')).toBe('+821012345678');
    expect(toE164('+1 415 555 0100')).toBe('+14155550100');
    for (const bad of ['', '12-34', '1012345678', '+0 10 1234 5678', '010-1234-5678-9999-1', 'phone']) expect(toE164(bad), bad).toBeNull();
    expect(maskedNumber('+821012345678')).toBe('•••••••••5678');
  });
});

describe('notice marks', () => {
  it('looks at each place once: newly near, then newly come, a few per tick, through the draw', () => {
    const marks = new NoticeMarks(() => 3, 2);
    expect(marks.advance({ cursor: 0, issued: 10, draw: null })).toEqual({ near: [1, 2], turn: [] });
    expect(marks.advance({ cursor: 0, issued: 10, draw: null })).toEqual({ near: [3], turn: [] });
    expect(marks.advance({ cursor: 5, issued: 10, draw: null })).toEqual({ near: [6, 7], turn: [1, 2] });
    expect(marks.advance({ cursor: 5, issued: 10, draw: null })).toEqual({ near: [8], turn: [3, 4] });
    expect(marks.advance({ cursor: 5, issued: 10, draw: null })).toEqual({ near: [], turn: [5] });
    const draw = { size: 8, seed: 12345 };
    const drawn = new NoticeMarks(() => 2, 10);
    const { near } = drawn.advance({ cursor: 0, issued: 8, draw });
    expect(near.map((ticketNo) => placeOf(ticketNo, draw))).toEqual([1, 2]);
  });

  it('starts at the cursor: turns before a gateway started are not its to announce', () => {
    const marks = new NoticeMarks(() => 1, 100);
    expect(marks.advance({ cursor: 40, issued: 50, draw: null })).toEqual({ near: [41], turn: [] });
    expect(marks.advance({ cursor: 41, issued: 50, draw: null })).toEqual({ near: [42], turn: [41] });
  });
});

describe('the service worker’s notification', () => {
  it('speaks the person’s language, says the time left or that they go first, and ignores other pushes', () => {
    const base = { eventId: 'ev', title: { ko: '백신 예약', en: 'Vaccine booking' }, url: '/?event=ev', sentAt: 0 };
    expect(noticeFor(JSON.stringify({ ...base, kind: 'near', lang: 'en', peopleAhead: 12 }))).toEqual({
      title: 'Your turn is near – Vaccine booking',
      body: '12 people are ahead of you. Open the page to be ready.',
      tag: 'waitroom-near-ev',
      url: '/?event=ev',
      requireInteraction: false,
      lang: 'en',
    });
    expect(noticeFor(JSON.stringify({ ...base, kind: 'turn', lang: 'ko', passed: true }))?.body).toBe(
      '페이지가 닫혀 있는 동안 차례가 지났습니다. 눌러서 여세요. 가장 먼저 들어갑니다.',
    );
    expect(noticeFor(JSON.stringify({ ...base, kind: 'turn', lang: 'en', grantSeconds: 300 }))?.body).toBe('Book within 5 min. Tap to continue.');
    for (const other of ['', 'not json', '{"kind":"other"}', '{"kind":"turn"}']) expect(noticeFor(other), other).toBeNull();
  });
});
