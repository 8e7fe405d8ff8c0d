/**
 * The confirmation a person can keep (issue 18 §5): the center's name and
 * address in the page's language and the slot's date and time; a print view
 * without the page's controls; a calendar file (.ics) that downloads and
 * reads back, by a strict RFC 5545 reader, as the booked slot in UTC.
 */
import { readFile } from 'node:fs/promises';
import { afterAll, beforeAll, expect, it } from 'vitest';
import type { Browser } from 'playwright-core';
import { dictionaries } from '../../client/i18n/index.js';
import { expectNoSeriousViolations } from '../support/axe.js';
import { launchBrowser, newContext, pageErrors, PHONE, screenshot } from '../support/browser.js';
import { readCalendarFile, utcMs } from '../support/ics.js';
import { startTestSystem, testEvent, type TestSystem } from '../support/system.js';

const NAME = { ko: '서울 중구 예방접종센터', en: 'Seoul Jung-gu Vaccination Center' };
const ADDRESS = { ko: '서울특별시 중구 을지로 1, 시청 별관 2층', en: '2F Annex, 1 Eulji-ro, Jung-gu, Seoul' };
const STARTS = Date.UTC(2021, 6, 26, 0, 30); // 09:30 in Seoul
const ENDS = Date.UTC(2021, 6, 26, 1, 0);

let browser: Browser;
let system: TestSystem;

beforeAll(async () => {
  browser = await launchBrowser();
  system = await startTestSystem({
    events: [
      testEvent({
        title: { ko: '53~54세 백신 사전예약', en: 'Vaccine pre-booking, ages 53–54' },
        centers: [
          {
            id: 'c1',
            name: NAME,
            address: ADDRESS,
            slots: [
              { id: 's1', label: '09:00', capacity: 10, startsAt: '2021-07-26T09:00', endsAt: '2021-07-26T09:30' },
              { id: 's2', label: '09:30', capacity: 10, startsAt: '2021-07-26T09:30:00+09:00', endsAt: ENDS },
            ],
          },
        ],
      }),
    ],
  });
}, 120_000);

afterAll(async () => {
  await browser?.close();
  await system?.stop();
});

const details = (page: import('playwright-core').Page) =>
  page.$$eval('#booking-details > div', (rows) => rows.map((row) => [row.querySelector('dt')!.textContent, row.querySelector('dd')!.textContent]));

it('shows the date and address, prints without controls, and downloads a calendar file of the slot', async () => {
  const context = await newContext(browser, { viewport: PHONE });
  const page = await context.newPage();
  const errors = pageErrors(page);
  await page.goto(`${system.gatewayUrl}/?event=ev`);
  await page.waitForURL(/\/book\/\?event=ev$/, { timeout: 15_000 });
  await page.check('#slots input[value="s2"]', { timeout: 5_000 });
  await page.fill('#name', '홍길동');
  await page.fill('#birth-date', '1968-05-17');
  await page.click('#book');
  const reference = (await page.locator('[data-testid="booking-reference"]').filter({ hasText: /^WR-/ }).textContent({ timeout: 10_000 }))!;

  const ko = dictionaries.ko;
  const koDate = '2021년 7월 26일 월요일 오전 9:30'; // the slot's start, 00:30 UTC, in Seoul
  expect(await details(page)).toEqual([
    [ko.detailsCenter, NAME.ko],
    [ko.detailsAddress, ADDRESS.ko],
    [ko.detailsDate, koDate],
    [ko.detailsSlot, '09:30'],
    [ko.detailsName, '홍길동'],
  ]);
  await screenshot(page, 'booking-confirmation-ko-phone');
  await expectNoSeriousViolations(page, 'booking ko confirmation with date and address');

  // The calendar file, downloaded as a person would.
  const [download] = await Promise.all([page.waitForEvent('download'), page.click('#calendar-file')]);
  expect(download.suggestedFilename()).toBe(`${reference}.ics`);
  const calendar = readCalendarFile(await readFile((await download.path())!));
  expect(calendar.properties.get('UID')).toBe(`${reference}@${new URL(system.gatewayUrl!).host}`);
  expect(utcMs(calendar.properties.get('DTSTART')!)).toBe(STARTS);
  expect(utcMs(calendar.properties.get('DTEND')!)).toBe(ENDS);
  expect(calendar.properties.get('LOCATION')).toBe(ADDRESS.ko);
  expect(calendar.properties.get('SUMMARY')).toBe(`${ko.calendarSummary(NAME.ko)} (09:30)`);
  expect(calendar.properties.get('DESCRIPTION')).toBe(ko.calendarDescription(reference));

  // Printed: the reference and details in black on white, no buttons, no language switch.
  await page.emulateMedia({ media: 'print' });
  expect(await page.locator('[data-testid="booking-reference"]').isVisible()).toBe(true);
  expect(await page.locator('#booking-details').isVisible()).toBe(true);
  for (const control of ['#print', '#calendar-file', '[data-testid="lang-en"]']) expect(await page.locator(control).isVisible()).toBe(false);
  expect(await page.evaluate(() => getComputedStyle(document.querySelector('.site-header')!).backgroundColor)).toBe('rgb(255, 255, 255)');
  await page.emulateMedia({ media: 'screen' });

  // In English: the center's English name and address, the date in English.
  await page.click('[data-testid="lang-en"]');
  const en = dictionaries.en;
  const enDate = await page.evaluate(
    (ms) => new Intl.DateTimeFormat('en-GB', { dateStyle: 'full', timeStyle: 'short', timeZone: 'Asia/Seoul' }).format(ms),
    STARTS,
  );
  await expect
    .poll(() => details(page))
    .toEqual([
      [en.detailsCenter, NAME.en],
      [en.detailsAddress, ADDRESS.en],
      [en.detailsDate, enDate],
      [en.detailsSlot, '09:30'],
      [en.detailsName, '홍길동'],
    ]);
  expect(enDate).toMatch(/^Monday,? 26 July 2021(,| at) 09:30$/); // day month year, 24-hour: not the US form
  expect(errors).toEqual([]);
});
