/** Shared by the waiting and booking page tests: read a test hook, queue Node clients ahead of the page. */
import type { Page } from 'playwright-core';
import { TestClient } from '../support/ws-client.js';

/** The text of `[data-testid="<id>"]` (null when absent). */
export function hook(page: Page, id: string): Promise<string | null> {
  return page.locator(`[data-testid="${id}"]`).first().textContent();
}

export function shownState(page: Page): Promise<string | null> {
  return page.locator('[data-testid="connection-state"]').getAttribute('data-state');
}

/** `count` real WebSocket clients holding tickets 1…count (join order is ticket order). */
export async function joinAhead(wsUrl: string, count: number, eventId = 'ev'): Promise<TestClient[]> {
  const clients: TestClient[] = [];
  for (let k = 0; k < count; k++) {
    const client = await TestClient.connect(wsUrl);
    await client.join(eventId);
    clients.push(client);
  }
  return clients;
}

/** Chromium logs every 4xx answer as a console error; a test that provokes one (409 SLOT_FULL) expects exactly those. */
export function withoutHttpStatus(errors: readonly string[], status: number): string[] {
  return errors.filter((error) => !error.includes(`the server responded with a status of ${status}`));
}
