/**
 * A file-backed storage for the SDK in Node: a kiosk or a script keeps its
 * place across restarts the way a browser does across refreshes. Separate from
 * ./storage.ts because it imports node:fs, which browsers do not have.
 */
import { mkdirSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import { dirname } from 'node:path';
import type { KeyValueStorage } from './storage.js';

/** Every key in one JSON file, rewritten whole (via a temporary file) on each change. */
export function fileStorage(path: string): KeyValueStorage {
  const read = (): Record<string, string> => {
    try {
      const parsed: unknown = JSON.parse(readFileSync(path, 'utf8'));
      return typeof parsed === 'object' && parsed !== null ? (parsed as Record<string, string>) : {};
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code === 'ENOENT') return {};
      throw new Error(`waitroom: cannot read the storage file ${path}: ${(error as Error).message}`);
    }
  };
  const write = (values: Record<string, string>): void => {
    mkdirSync(dirname(path), { recursive: true });
    writeFileSync(`${path}.tmp`, JSON.stringify(values));
    renameSync(`${path}.tmp`, path); // a crash mid-write leaves the old file, never half of one
  };
  return {
    getItem: (key) => {
      const value = read()[key];
      return typeof value === 'string' ? value : null;
    },
    setItem: (key, value) => write({ ...read(), [key]: value }),
    removeItem: (key) => {
      const { [key]: _removed, ...rest } = read();
      write(rest);
    },
  };
}
