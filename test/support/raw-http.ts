/**
 * A GET that keeps the body as sent (fetch would decompress it): for tests of Content-Encoding. Over
 * https with `tls` (a test's own CA and the name to check), e.g. through HAProxy's TLS frontend.
 */
import { request as httpRequest } from 'node:http';
import { request as httpsRequest } from 'node:https';

export interface RawAnswer {
  status: number;
  headers: Record<string, string | string[] | undefined>;
  body: Buffer;
}

export interface TestTls {
  ca: string;
  servername: string;
}

export function rawGet(url: string, headers: Record<string, string> = {}, tls?: TestTls): Promise<RawAnswer> {
  return new Promise((resolve, reject) => {
    const onAnswer = (res: import('node:http').IncomingMessage) => {
      const chunks: Buffer[] = [];
      res.on('data', (chunk: Buffer) => chunks.push(chunk));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, headers: res.headers, body: Buffer.concat(chunks) }));
      res.on('error', reject);
    };
    const req = url.startsWith('https:')
      ? httpsRequest(url, { headers, ...tls, agent: false }, onAnswer)
      : httpRequest(url, { headers, agent: false }, onAnswer);
    req.on('error', reject);
    req.end();
  });
}
