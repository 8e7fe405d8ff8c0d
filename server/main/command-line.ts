/**
 * Command-line parsing for every command (server/main, bench, tools), on node:util parseArgs.
 * A command declares its name, a one-line summary, its options (each described) and the
 * environment variables it reads. `--help`/`-h` prints the usage and exits 0; an unknown
 * option, a missing value or a stray argument prints one line saying so and the usage line
 * to stderr and exits 2: no stack trace. A new command needs only:
 *
 *     const { values } = parseCommandLine({
 *       name: 'npm run bookings --',
 *       summary: 'What it does, in one line.',
 *       options: { since: { type: 'string', value: 'TIME', description: 'only those after TIME' } },
 *       env: { BOOKINGS_URL: 'the database' },
 *     });
 *
 * (and a line in test/unit/command-line.test.ts). A bad value found later: usageError(spec, message).
 */
import { parseArgs } from 'node:util';

export interface OptionSpec {
  type: 'string' | 'boolean';
  description: string;
  /** What the value is, in the usage line (string options): `--port N`. */
  value?: string;
  default?: string | boolean;
  short?: string;
}

export interface CommandSpec<O extends Record<string, OptionSpec>> {
  /** How it is run: `npm run gateway --`. */
  name: string;
  summary: string;
  options?: O;
  /** The positional arguments, as the usage line shows them (`validate FILE`); absent: none allowed. */
  positionals?: string;
  /** Environment variables the command reads, with what each does. */
  env?: Readonly<Record<string, string>>;
  /** More lines at the end of --help. */
  notes?: string;
}

type Values<O extends Record<string, OptionSpec>> = {
  [K in keyof O]: O[K]['type'] extends 'boolean' ? boolean : O[K] extends { default: string } ? string : string | undefined;
};

export interface ParsedCommandLine<O extends Record<string, OptionSpec>> {
  values: Values<O>;
  positionals: string[];
}

/** The one-line usage: `usage: npm run gateway -- [--port N] [--no-controller]`. */
export function usageLine(spec: CommandSpec<Record<string, OptionSpec>>): string {
  const options = Object.entries(spec.options ?? {}).map(([name, option]) => `[--${name}${option.type === 'string' ? ` ${option.value ?? 'VALUE'}` : ''}]`);
  return ['usage:', spec.name, spec.positionals, ...options, '[--help]'].filter(Boolean).join(' ');
}

/** The whole --help text. */
export function helpText(spec: CommandSpec<Record<string, OptionSpec>>): string {
  const rows = Object.entries(spec.options ?? {}).map(([name, option]) => {
    const flag = `${option.short ? `-${option.short}, ` : ''}--${name}${option.type === 'string' ? ` ${option.value ?? 'VALUE'}` : ''}`;
    const fallback = option.default !== undefined && option.type === 'string' ? ` (default ${option.default})` : '';
    return [flag, `${option.description}${fallback}`] as const;
  });
  rows.push(['-h, --help', 'print this help and exit']);
  const env = Object.entries(spec.env ?? {});
  const width = Math.max(...rows.map(([flag]) => flag.length), ...env.map(([name]) => name.length)) + 2;
  const table = (entries: readonly (readonly [string, string])[]) => entries.map(([left, right]) => `  ${left.padEnd(width)}${right}`);
  return [
    usageLine(spec),
    '',
    spec.summary,
    '',
    'options:',
    ...table(rows),
    ...(env.length > 0 ? ['', 'environment:', ...table(env)] : []),
    ...(spec.notes ? ['', spec.notes] : []),
  ].join('\n');
}

/** A usage mistake found after parsing (a bad value): the message and the usage line, exit 2. */
export function usageError(spec: CommandSpec<Record<string, OptionSpec>>, message: string): never {
  process.stderr.write(`${spec.name.replace(/ --$/, '')}: ${message}\n${usageLine(spec)}\n(--help for more)\n`);
  process.exit(2);
}

/** Parses `args` (the process's by default) or exits: 0 after --help, 2 on a usage mistake. */
export function parseCommandLine<O extends Record<string, OptionSpec>>(spec: CommandSpec<O>, args: string[] = process.argv.slice(2)): ParsedCommandLine<O> {
  const declared = Object.fromEntries(
    Object.entries(spec.options ?? {}).map(([name, option]) => [
      name,
      { type: option.type, ...(option.short ? { short: option.short } : {}), ...(option.default !== undefined ? { default: option.default } : {}) },
    ]),
  );
  let parsed: { values: Record<string, unknown>; positionals: string[] };
  try {
    parsed = parseArgs({
      args,
      options: { ...declared, help: { type: 'boolean', short: 'h', default: false } },
      allowPositionals: spec.positionals !== undefined,
      strict: true,
    });
  } catch (error) {
    // parseArgs's messages are one line and name the option; its hint about '--' does not apply here.
    usageError(spec, (error as Error).message.replace(/\.?\s*To specify a positional argument.*$/s, ''));
  }
  if (parsed.values.help) {
    process.stdout.write(`${helpText(spec)}\n`);
    process.exit(0);
  }
  const { help: _help, ...values } = parsed.values;
  return { values: values as Values<O>, positionals: parsed.positionals };
}
