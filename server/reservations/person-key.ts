/**
 * One person books once per event. A person is identified by their name
 * (Unicode-normalized, case- and space-insensitive) and birth date, hashed so
 * the store never needs both in one key.
 */
import { createHash } from 'node:crypto';

export function personKey(name: string, birthDate: string): string {
  const normalized = name.normalize('NFKC').toLowerCase().replace(/\s+/g, '');
  return createHash('sha256').update(`${normalized}\u0000${birthDate}`).digest('base64url');
}
