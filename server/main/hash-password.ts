/**
 * `npm run hash-password`: reads a password on stdin (typed without echo at a
 * terminal, or piped: `printf %s "$PW" | npm run -s hash-password`) and prints
 * its `scrypt$…` hash for an `operators[].passwordHash` entry. The password
 * never appears in arguments or the environment.
 */
import { hashPassword } from '../operators/passwords.js';
import { parseCommandLine } from './command-line.js';

parseCommandLine({
  name: 'npm run -s hash-password --',
  summary: 'Reads a password on stdin (hidden at a terminal, or piped) and prints its scrypt$… hash for operators[].passwordHash.',
  notes: 'Example: printf %s "$PW" | npm run -s hash-password',
});

const MIN_LENGTH = 12;

async function readPiped(): Promise<string> {
  const chunks: Buffer[] = [];
  for await (const chunk of process.stdin) chunks.push(chunk as Buffer);
  // One trailing newline belongs to the pipe, not to the password.
  return Buffer.concat(chunks)
    .toString('utf8')
    .replace(/\r?\n$/, '');
}

function readHidden(prompt: string): Promise<string> {
  return new Promise((resolve, reject) => {
    const stdin = process.stdin;
    process.stderr.write(prompt);
    stdin.setRawMode(true);
    stdin.setEncoding('utf8');
    let text = '';
    const onData = (data: string) => {
      for (const char of data) {
        if (char === '\r' || char === '\n') return done(() => resolve(text));
        if (char === '\u0003') return done(() => reject(new Error('cancelled')));
        if (char === '\u007f' || char === '\b') text = text.slice(0, -1);
        else text += char;
      }
    };
    const done = (finish: () => void) => {
      stdin.off('data', onData);
      stdin.setRawMode(false);
      stdin.pause();
      process.stderr.write('\n');
      finish();
    };
    stdin.on('data', onData);
    stdin.resume();
  });
}

try {
  let password: string;
  if (process.stdin.isTTY) {
    password = await readHidden('Password: ');
    if ((await readHidden('Again:    ')) !== password) throw new Error('the two passwords differ');
  } else {
    password = await readPiped();
  }
  if (password.length < MIN_LENGTH) throw new Error(`use at least ${MIN_LENGTH} characters`);
  console.log(await hashPassword(password));
} catch (error) {
  console.error(`hash-password: ${(error as Error).message}`);
  process.exit(1);
}
