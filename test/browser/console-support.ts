/**
 * Shared by the console and kiosk browser tests: operator accounts hashed at
 * start-up, signing in through the console's form, the admin API over plain
 * HTTP (as a script or another site would call it), and one figure read from
 * a gateway's /metrics.
 */
import type { Page } from 'playwright-core';
import { hashPassword } from '../../server/operators/passwords.js';

/** Cheap scrypt parameters: the cost of a hash is not under test here. */
const FAST_SCRYPT = { N: 1024, r: 8, p: 1 };

export interface Account {
  name: string;
  password: string;
  role: 'operator' | 'viewer';
}

export const OPERATOR: Account = { name: 'ana', password: 'ana-password-1', role: 'operator' };
export const VIEWER: Account = { name: 'vic', password: 'vic-password-1', role: 'viewer' };

/** The `operators` config entries for `accounts`, with real scrypt hashes. */
export async function operatorAccounts(accounts: readonly Account[]): Promise<{ name: string; role: string; passwordHash: string }[]> {
  return Promise.all(accounts.map(async ({ name, role, password }) => ({ name, role, passwordHash: await hashPassword(password, FAST_SCRYPT) })));
}

export interface AdminReply {
  status: number;
  body: { error?: { code: string; message: string } } & Record<string, unknown>;
  headers: Headers;
}

/** One admin API request; `cookie` is a `name=value` pair, `origin` what the Origin header says (none when null). */
export async function adminRequest(
  gatewayUrl: string,
  method: 'GET' | 'POST' | 'DELETE',
  path: string,
  options: { cookie?: string; origin?: string | null; body?: unknown } = {},
): Promise<AdminReply> {
  const headers: Record<string, string> = {};
  if (options.cookie) headers.cookie = options.cookie;
  const origin = options.origin === undefined ? new URL(gatewayUrl).origin : options.origin;
  if (origin !== null) headers.origin = origin;
  if (options.body !== undefined) headers['content-type'] = 'application/json';
  const response = await fetch(`${gatewayUrl}${path}`, { method, headers, ...(options.body === undefined ? {} : { body: JSON.stringify(options.body) }) });
  const text = await response.text();
  return { status: response.status, body: text ? (JSON.parse(text) as AdminReply['body']) : {}, headers: response.headers };
}

/** Signs in as the console does (from the gateway's own origin) and returns the session cookie as `name=value`. */
export async function signIn(gatewayUrl: string, account: Account): Promise<string> {
  const reply = await adminRequest(gatewayUrl, 'POST', '/admin/session', { body: { name: account.name, password: account.password } });
  if (reply.status !== 200) throw new Error(`sign-in as ${account.name} failed: ${reply.status} ${JSON.stringify(reply.body)}`);
  const cookie = reply.headers.get('set-cookie')?.split(';')[0];
  if (!cookie) throw new Error('sign-in set no cookie');
  return cookie;
}

/** Opens the console in `page` and signs in through its form, as a person would; resolves once the events show. */
export async function signInThroughForm(page: Page, gatewayUrl: string, account: Account): Promise<void> {
  await page.goto(`${gatewayUrl}/console/`);
  await page.fill('#login-name', account.name);
  await page.fill('#login-password', account.password);
  await page.click('#login-submit');
  await page.locator('[data-testid="event-card"]').first().waitFor({ timeout: 10_000 });
}

/** The value of `name{event="…"}` in the gateway's /metrics, or null when the series is absent. */
export async function readMetric(gatewayUrl: string, name: string, eventId: string): Promise<number | null> {
  const text = await (await fetch(`${gatewayUrl}/metrics`)).text();
  const match = new RegExp(`^${name}\\{[^}]*event="${eventId}"[^}]*\\} (\\S+)$`, 'm').exec(text);
  return match ? Number(match[1]) : null;
}
