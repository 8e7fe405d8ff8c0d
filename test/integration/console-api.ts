/** The operator console's HTTP API as a browser on the gateway's page uses it: session cookie and Origin, over real sockets. */
import { hashPassword } from '../../server/operators/passwords.js';

/** Cheap scrypt parameters: the cost is not under test here. */
const FAST = { N: 1024, r: 8, p: 1 };

export const PASSWORDS = { ana: 'ana-password-1', vic: 'vic-password-1' } as const;

/** An operator (ana) and a viewer (vic), for `config.operators`. */
export async function testOperators(): Promise<{ name: string; role: string; passwordHash: string }[]> {
  return [
    { name: 'ana', role: 'operator', passwordHash: await hashPassword(PASSWORDS.ana, FAST) },
    { name: 'vic', role: 'viewer', passwordHash: await hashPassword(PASSWORDS.vic, FAST) },
  ];
}

export interface ApiReply {
  status: number;
  headers: Headers;
  // The tests read what they expect; a wrong shape fails their assertions.
  body: any;
}

export interface CallOptions {
  body?: unknown;
  /** Default: the gateway's own origin on state-changing requests; null sends none. */
  origin?: string | null;
  /** HTTP Basic credentials instead of the session cookie. */
  basic?: [string, string];
}

export class ConsoleApi {
  /** `waitroom_session=…` once signed in. */
  cookie: string | null = null;

  constructor(readonly gatewayUrl: string) {}

  get origin(): string {
    return new URL(this.gatewayUrl).origin;
  }

  async signIn(name: string, password: string = PASSWORDS[name as keyof typeof PASSWORDS], origin: string | null = this.origin): Promise<ApiReply> {
    const reply = await this.call('POST', '/admin/session', { body: { name, password }, origin });
    const cookie = reply.headers.get('set-cookie');
    if (reply.status === 200 && cookie) this.cookie = cookie.split(';', 1)[0]!;
    return reply;
  }

  async call(method: 'GET' | 'POST' | 'DELETE', path: string, options: CallOptions = {}): Promise<ApiReply> {
    const headers: Record<string, string> = {};
    if (options.basic) headers.authorization = `Basic ${Buffer.from(options.basic.join(':')).toString('base64')}`;
    else if (this.cookie) headers.cookie = this.cookie;
    const origin = options.origin === undefined ? (method === 'GET' ? null : this.origin) : options.origin;
    if (origin !== null) headers.origin = origin;
    if (options.body !== undefined) headers['content-type'] = 'application/json';
    const response = await fetch(`${this.gatewayUrl}${path}`, {
      method,
      headers,
      ...(options.body !== undefined ? { body: JSON.stringify(options.body) } : {}),
    });
    const text = await response.text();
    return { status: response.status, headers: response.headers, body: text ? JSON.parse(text) : null };
  }
}
