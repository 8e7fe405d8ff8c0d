/**
 * Checks an operator's name and password against the configured accounts.
 * Unknown names cost the same scrypt work as known ones (no timing oracle for
 * which names exist), and at most a few checks run at once: each costs tens of
 * milliseconds of CPU, and a flood of guesses must not starve a gateway that
 * holds thousands of waiting connections.
 */
import type { Operator, OperatorAccount } from './accounts.js';
import { hashPassword, verifyPassword } from './passwords.js';

export type AuthResult =
  | { ok: true; operator: Operator }
  | { ok: false; reason: 'bad_credentials' }
  /** Too many checks are running already; try again shortly. */
  | { ok: false; reason: 'busy' };

export interface Credentials {
  name: string;
  password: string;
}

export class OperatorAuthenticator {
  private readonly accounts: Map<string, OperatorAccount>;
  private running = 0;
  /** A real hash of a random password, checked for unknown names. */
  private readonly decoy: Promise<string>;

  constructor(
    accounts: readonly OperatorAccount[],
    private readonly maxConcurrent = 2,
  ) {
    this.accounts = new Map(accounts.map((account) => [account.name, account]));
    const params = accounts[0] ? parametersOf(accounts[0].passwordHash) : undefined;
    this.decoy = hashPassword(`decoy-${Math.random()}`, params);
  }

  get hasAccounts(): boolean {
    return this.accounts.size > 0;
  }

  /** The account's operator as configured now (null when it no longer exists): a session re-reads its role here. */
  operator(name: string): Operator | null {
    const account = this.accounts.get(name);
    return account ? { name: account.name, role: account.role } : null;
  }

  async authenticate({ name, password }: Credentials): Promise<AuthResult> {
    if (this.running >= this.maxConcurrent) return { ok: false, reason: 'busy' };
    this.running++;
    try {
      const account = this.accounts.get(name);
      const matches = await verifyPassword(password, account?.passwordHash ?? (await this.decoy));
      if (!account || !matches) return { ok: false, reason: 'bad_credentials' };
      return { ok: true, operator: { name: account.name, role: account.role } };
    } finally {
      this.running--;
    }
  }
}

function parametersOf(hash: string): { N: number; r: number; p: number } | undefined {
  const [, N, r, p] = hash.split('$');
  return N && r && p ? { N: Number(N), r: Number(r), p: Number(p) } : undefined;
}

/** The name and password of an `Authorization: Basic …` header, or null when there is none or it is malformed. */
export function basicCredentials(header: string | undefined): Credentials | null {
  const match = /^Basic\s+([A-Za-z0-9+/]+={0,2})\s*$/i.exec(header ?? '');
  if (!match) return null;
  const decoded = Buffer.from(match[1]!, 'base64').toString('utf8');
  const colon = decoded.indexOf(':');
  if (colon < 1) return null;
  return { name: decoded.slice(0, colon), password: decoded.slice(colon + 1) };
}
