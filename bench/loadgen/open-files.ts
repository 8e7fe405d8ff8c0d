/**
 * Every connection is a file descriptor, and a process may hold only so many
 * (20,000 here). Past the limit, connects fail with EMFILE, and so does
 * anything else that opens a file (process.memoryUsage() reads /proc), so a
 * worker keeps a reserve for its IPC channel, the booking agent and /proc.
 */
import { readFileSync } from 'node:fs';
import { getHeapStatistics } from 'node:v8';

/** Descriptors kept free for everything that is not a client connection. */
export const RESERVED_FILES = 200;

/** The soft limit on open files of this process (/proc/self/limits), or Infinity when unknown. */
export function openFileLimit(): number {
  try {
    const line = /^Max open files\s+(\S+)/m.exec(readFileSync('/proc/self/limits', 'utf8'));
    const limit = Number(line?.[1]);
    return Number.isFinite(limit) && limit > 0 ? limit : Infinity;
  } catch {
    return Infinity;
  }
}

/** How many client connections this process may hold open at once. */
export function connectionBudget(): number {
  return Math.max(1, openFileLimit() - RESERVED_FILES);
}

/** process.memoryUsage(), or the heap figures alone (rss -1) when /proc cannot be opened (out of descriptors). */
export function memoryUsage(): Pick<NodeJS.MemoryUsage, 'rss' | 'heapUsed' | 'heapTotal' | 'external' | 'arrayBuffers'> {
  try {
    return process.memoryUsage();
  } catch {
    const heap = getHeapStatistics();
    return { rss: -1, heapUsed: heap.used_heap_size, heapTotal: heap.total_heap_size, external: heap.external_memory, arrayBuffers: 0 };
  }
}
