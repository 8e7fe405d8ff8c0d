/** Reading what `npm start` prints (server/main/demo-banner.ts), for the smoke tests. */
import { spawn, type ChildProcess } from 'node:child_process';

export interface Banner {
  page: string;
  reservations: string;
  password: string;
  /** Everything printed up to the banner. */
  output: string;
}

export function urlsPrinted(process: ChildProcess): Promise<Banner> {
  return new Promise((resolve, reject) => {
    let output = '';
    const timer = setTimeout(() => reject(new Error(`npm start printed no URLs within 60 s:\n${output}`)), 60_000);
    const read = (chunk: Buffer) => {
      output += chunk.toString();
      const page = /waiting page\s+(http:\/\/\S+)\//.exec(output);
      const reservations = /reservation handler\s+(http:\/\/\S+?)\/api/.exec(output);
      const password = /sign in as "operator", password (\S+)\)/.exec(output);
      if (page && reservations && password) {
        clearTimeout(timer);
        resolve({ page: page[1]!, reservations: reservations[1]!, password: password[1]!, output });
      }
    };
    process.stdout!.on('data', read);
    process.stderr!.on('data', read);
    process.once('exit', (code) => reject(new Error(`npm start exited with ${code}:\n${output}`)));
  });
}

/** `npm start` in its own process group, on free ports, with `env` added. */
export function startNpm(env: Record<string, string> = {}): ChildProcess {
  return spawn('npm', ['start'], {
    detached: true,
    env: { ...process.env, PORT: '0', RESERVATIONS_PORT: '0', LOG_LEVEL: 'warn', ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
}

/** Stops what startNpm started, by its process group id, and waits for it to exit. */
export async function stopNpm(child: ChildProcess | null): Promise<void> {
  if (!child?.pid || child.exitCode !== null) return;
  const exited = new Promise((resolve) => child.once('exit', resolve));
  process.kill(-child.pid, 'SIGTERM');
  await exited;
}
