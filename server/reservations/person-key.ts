/**
 * One person books once per event. A person is identified by their name,
 * folded by the identity rule (person-name.ts), and birth date, hashed so the
 * store never needs both in one key. Callers check the name first (checkName).
 */
import { createHash } from 'node:crypto';
import { foldName } from './person-name.js';

export function personKey(name: string, birthDate: string): string {
  return createHash('sha256').update(`${foldName(name)}\u0000${birthDate}`).digest('base64url');
}
