/**
 * Every command as a person runs it (a child process, server/main/command-line.ts): `--help` prints
 * its usage with its options and exits 0; `--bogus` is refused with one line and the usage line on
 * stderr, exit 2, and no stack trace. All commands run at once, so the file takes about one start.
 */
import { execFile } from 'node:child_process';
import { describe, expect, it } from 'vitest';

interface Run {
  /** The exit code, or the signal that ended it. */
  code: number | string | null;
  out: string;
  err: string;
}

function run(script: string, ...args: string[]): Promise<Run> {
  return new Promise((resolve) => {
    execFile(process.execPath, ['--import', 'tsx', script, ...args], { timeout: 50_000 }, (error, out, err) => {
      resolve({ code: error ? (typeof error.code === 'number' ? error.code : (error.signal ?? String(error.code))) : 0, out, err });
    });
  });
}

/** Each command's script and the options its --help must name. */
const COMMANDS: Record<string, string[]> = {
  'server/main/start-demo.ts': ['WAITROOM_CONFIG', 'EVENTS_FILE', 'docs/configuration.md'],
  'server/main/start-gateway.ts': ['--port N', '--no-controller', 'BOOKINGS_URL', 'docs/configuration.md'],
  'server/main/start-reservations.ts': ['--port N', 'RESERVATIONS_PORT'],
  'server/main/start-controller.ts': ['STORE'],
  'server/main/start-cluster.ts': ['--nodes N', '--base-port PORT', '--redis-url URL'],
  'server/main/hash-password.ts': ['stdin'],
  'server/main/events-cli.ts': ['validate|timeline FILE', '--at TIME'],
  'server/main/migrate.ts': ['BOOKINGS_URL'],
  'server/main/bookings-cli.ts': ['export|purge', '--event ID', '--format csv|jsonl', '--out FILE', '--before DATE', '--yes', 'BOOKINGS_URL'],
  'server/main/build-pages.ts': ['dist/client'],
  'bench/run.ts': ['--clients N', '--nodes N', '--transport uws|ws', '--scenario LIST', '--peers LIST', '--peers-window S', '--out FILE'],
  'tools/vectors/write.ts': ['docs/vectors'],
  'tools/config-reference/write.ts': ['docs/configuration.md'],
  'tools/schemas/write.ts': ['shared/lean/schemas.generated.ts'],
  'bench/pages.ts': ['--runs N', '--out FILE'],
  'tools/verify-draw/main.ts': ['--event ID', '--gateway URL', '--ticket N', '--state FILE', 'DRAW_COMMITMENT_MISMATCH'],
};

const STACK_FRAME = /^\s+at /m;
const scripts = Object.keys(COMMANDS);
// Started together at import: about one tsx start for the whole file instead of one per command and case.
const helps = Promise.all(scripts.map((script) => run(script, '--help')));
const bogus = Promise.all(scripts.map((script) => run(script, '--bogus')));

describe('--help', () => {
  it('prints the usage line and every option, and exits 0', async () => {
    (await helps).forEach(({ code, out, err }, index) => {
      const script = scripts[index]!;
      expect(code, `${script}: ${err}`).toBe(0);
      expect(out, script).toMatch(/^usage: npm (start|run) /);
      expect(out, script).toContain('-h, --help');
      for (const text of COMMANDS[script]!) expect(out, script).toContain(text);
    });
  }, 60_000);
});

describe('an unknown option', () => {
  it('is refused with one line and the usage line on stderr, exit 2, no stack trace', async () => {
    (await bogus).forEach(({ code, out, err }, index) => {
      const script = scripts[index]!;
      expect(code, `${script}: ${err}`).toBe(2);
      expect(err, script).toMatch(/^npm [^\n]*: Unknown option '--bogus'\nusage: npm /);
      expect(err, script).not.toMatch(STACK_FRAME);
      expect(out, script).toBe('');
    });
  }, 60_000);

  it('a missing value and a bad value are usage mistakes too', async () => {
    const [missing, badNodes, badScenario] = await Promise.all([
      run('server/main/start-gateway.ts', '--port'),
      run('server/main/start-cluster.ts', '--nodes', 'many'),
      run('bench/run.ts', '--scenario', 'hold,nap'),
    ]);
    expect(missing.code).toBe(2);
    expect(missing.err).toContain("Option '--port <value>' argument missing");
    expect(badNodes.code).toBe(2);
    expect(badNodes.err).toContain('--nodes must be a whole number from 1 to 64\nusage: npm run cluster -- ');
    expect(badScenario.code).toBe(2);
    expect(badScenario.err).toContain('unknown scenario "nap"');
    for (const { err } of [missing, badNodes, badScenario]) expect(err).not.toMatch(STACK_FRAME);
  }, 60_000);
});
