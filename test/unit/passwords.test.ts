/** Operator password hashes, HTTP Basic credentials, the authenticator and `npm run hash-password`. */
import { spawn } from 'node:child_process';
import { describe, expect, it } from 'vitest';
import { FakeClock, systemClock, type Clock } from '../../server/clock.js';
import { AdminConfig } from '../../server/config/schema.js';
import { OperatorAccount } from '../../server/operators/accounts.js';
import { basicCredentials, OperatorAuthenticator } from '../../server/operators/authenticator.js';
import { SignInThrottle } from '../../server/operators/sign-in-throttle.js';
import { MemorySignInThrottle } from '../../server/store/memory/sign-in-throttle.js';
import { DEFAULT_SCRYPT, hashPassword, PASSWORD_HASH_PATTERN, passwordHashProblem, verifyPassword } from '../../server/operators/passwords.js';

/** Cheap parameters: these tests are about the format and the comparison, not the cost. */
const FAST = { N: 1024, r: 8, p: 1 };

describe('hashPassword / verifyPassword', () => {
  it('hashes to scrypt$N$r$p$salt$hash and verifies only the same password', async () => {
    const hash = await hashPassword('correct horse battery staple', FAST);
    expect(hash).toMatch(PASSWORD_HASH_PATTERN);
    expect(hash.split('$').slice(0, 4)).toEqual(['scrypt', '1024', '8', '1']);
    expect(passwordHashProblem(hash)).toBeNull();
    expect(await verifyPassword('correct horse battery staple', hash)).toBe(true);
    expect(await verifyPassword('correct horse battery stapler', hash)).toBe(false);
    expect(await verifyPassword('', hash)).toBe(false);
  });

  it('salts every hash, and reads the parameters from the hash itself', async () => {
    const [a, b] = await Promise.all([hashPassword('same password', FAST), hashPassword('same password', { N: 2048, r: 4, p: 2 })]);
    expect(a).not.toBe(b);
    expect(await verifyPassword('same password', a)).toBe(true);
    expect(await verifyPassword('same password', b)).toBe(true);
  });

  it('uses strong defaults (N = 2^15, r = 8)', async () => {
    expect(DEFAULT_SCRYPT).toEqual({ N: 32768, r: 8, p: 1 });
    const hash = await hashPassword('default cost password');
    expect(hash.startsWith('scrypt$32768$8$1$')).toBe(true);
    expect(await verifyPassword('default cost password', hash)).toBe(true);
  });

  it('treats Unicode passwords in either normal form alike', async () => {
    const hash = await hashPassword('비밀번호-caf\u00e9', FAST);
    expect(await verifyPassword('비밀번호-cafe\u0301', hash)).toBe(true);
  });

  it('says what is wrong with a malformed or out-of-bounds hash, and never verifies against one', async () => {
    const good = await hashPassword('pw', FAST);
    const [, , r, p, salt, key] = good.split('$');
    const cases = [
      'plain-text-password',
      `scrypt$1000$${r}$${p}$${salt}$${key}`, // N not a power of two
      `scrypt$${1 << 22}$${r}$${p}$${salt}$${key}`, // N too large: minutes per check
      `scrypt$1024$64$${p}$${salt}$${key}`,
      `scrypt$1024$${r}$0$${salt}$${key}`,
      `scrypt$1024$${r}$${p}$AAAA$${key}`, // 3-byte salt
      `bcrypt$1024$${r}$${p}$${salt}$${key}`,
    ];
    for (const hash of cases) {
      expect(passwordHashProblem(hash), hash).toEqual(expect.any(String));
      expect(await verifyPassword('pw', hash), hash).toBe(false);
    }
    expect(OperatorAccount.safeParse({ name: 'ana', role: 'operator', passwordHash: 'hunter2' }).success).toBe(false);
    expect(OperatorAccount.safeParse({ name: 'ana', role: 'root', passwordHash: good }).success).toBe(false);
    expect(OperatorAccount.safeParse({ name: 'ana', role: 'viewer', passwordHash: good }).success).toBe(true);
  });
});

describe('basicCredentials', () => {
  const header = (text: string) => `Basic ${Buffer.from(text, 'utf8').toString('base64')}`;
  it('reads name and password (the password may contain colons)', () => {
    expect(basicCredentials(header('ana:pa:ss'))).toEqual({ name: 'ana', password: 'pa:ss' });
    expect(basicCredentials(header('운영자:비밀'))).toEqual({ name: '운영자', password: '비밀' });
  });
  it('returns null for missing or malformed headers', () => {
    for (const bad of [undefined, '', 'Bearer abc', 'Basic', 'Basic !!!', header('no-colon'), header(':no-name')]) {
      expect(basicCredentials(bad), String(bad)).toBeNull();
    }
  });
});

/** A throttle on a memory store: the defaults unless changed. */
function throttle(clock: Clock = systemClock, config: Record<string, number> = {}): SignInThrottle {
  return new SignInThrottle(new MemorySignInThrottle(), AdminConfig.parse({ signInThrottle: config }).signInThrottle, clock);
}

const ADDRESS = '203.0.113.7';

describe('OperatorAuthenticator', () => {
  it('accepts the right password, refuses a wrong one and unknown names alike', async () => {
    const auth = new OperatorAuthenticator([{ name: 'ana', role: 'operator', passwordHash: await hashPassword('ana-password', FAST) }], throttle());
    expect(await auth.authenticate({ name: 'ana', password: 'ana-password' }, ADDRESS)).toEqual({
      ok: true,
      operator: { name: 'ana', role: 'operator' },
      failuresBefore: 0,
    });
    expect(await auth.authenticate({ name: 'ana', password: 'nope' }, ADDRESS)).toEqual({ ok: false, reason: 'bad_credentials', failures: 1, lockout: null });
    expect(await auth.authenticate({ name: 'bob', password: 'ana-password' }, ADDRESS)).toEqual({
      ok: false,
      reason: 'bad_credentials',
      failures: 1,
      lockout: null,
    });
  });

  it('runs at most maxConcurrent checks at once: the rest are told to retry, and not counted', async () => {
    const auth = new OperatorAuthenticator(
      [{ name: 'ana', role: 'viewer', passwordHash: await hashPassword('ana-password', FAST) }],
      throttle(systemClock, { accountFreeFailures: 1 }),
      2,
    );
    const results = await Promise.all(Array.from({ length: 5 }, () => auth.authenticate({ name: 'ana', password: 'wrong' }, ADDRESS)));
    expect(results.filter((r) => !r.ok && r.reason === 'bad_credentials')).toHaveLength(2);
    expect(results.filter((r) => !r.ok && r.reason === 'busy')).toHaveLength(3);
  });

  it('refuses every attempt unchecked while locked, the right password too; after the lockout the right one signs in and clears the count', async () => {
    const clock = new FakeClock();
    const auth = new OperatorAuthenticator(
      [{ name: 'ana', role: 'operator', passwordHash: await hashPassword('ana-password', FAST) }],
      throttle(clock, { accountFreeFailures: 2, firstLockoutSeconds: 10 }),
    );
    for (const failures of [1, 2])
      expect(await auth.authenticate({ name: 'ana', password: 'x' }, ADDRESS)).toMatchObject({ reason: 'bad_credentials', failures, lockout: null });
    expect(await auth.authenticate({ name: 'ana', password: 'x' }, ADDRESS)).toEqual({
      ok: false,
      reason: 'bad_credentials',
      failures: 3,
      lockout: { until: clock.now() + 10_000, by: 'account' },
    });
    expect(await auth.authenticate({ name: 'ana', password: 'ana-password' }, ADDRESS)).toEqual({
      ok: false,
      reason: 'throttled',
      retryAt: clock.now() + 10_000,
      lockedBy: 'account',
    });
    clock.advance(10_000);
    expect(await auth.authenticate({ name: 'ana', password: 'ana-password' }, ADDRESS)).toMatchObject({ ok: true, failuresBefore: 3 });
    expect(await auth.authenticate({ name: 'ana', password: 'x' }, ADDRESS)).toMatchObject({ reason: 'bad_credentials', failures: 1, lockout: null });
  });
});

describe('npm run hash-password', () => {
  function run(stdin: string): Promise<{ code: number | null; stdout: string; stderr: string }> {
    return new Promise((resolve, reject) => {
      const child = spawn(process.execPath, ['--import', 'tsx', 'server/main/hash-password.ts'], { stdio: ['pipe', 'pipe', 'pipe'] });
      let stdout = '';
      let stderr = '';
      child.stdout.on('data', (chunk: Buffer) => (stdout += chunk.toString()));
      child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
      child.on('error', reject);
      child.on('close', (code) => resolve({ code, stdout, stderr }));
      child.stdin.end(stdin);
    });
  }

  it('reads the password from stdin (one trailing newline dropped) and prints a hash that verifies', async () => {
    const { code, stdout } = await run('a long enough password\n');
    expect(code).toBe(0);
    const hash = stdout.trim();
    expect(passwordHashProblem(hash)).toBeNull();
    expect(await verifyPassword('a long enough password', hash)).toBe(true);
  });

  it('refuses a short password with a clear message', async () => {
    const { code, stdout, stderr } = await run('short');
    expect(code).toBe(1);
    expect(stdout).toBe('');
    expect(stderr).toMatch(/at least 12 characters/);
  });
});
