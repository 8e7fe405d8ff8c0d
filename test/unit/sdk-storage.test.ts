/** Where the SDK keeps a place: the per-event entry, a file in Node, the hand-off to a booking page. */
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { fileStorage } from '../../client/sdk/node-storage.js';
import { handoffFromFragment, readHandoff, storedHandoff, withHandoffFragment, type Handoff } from '../../client/sdk/handoff.js';
import { memoryStorage, TicketStore, type StoredTicket } from '../../client/sdk/storage.js';
import { decodePayload } from '../../shared/tokens/format.js';

const secret = 'A'.repeat(43);
const entry: StoredTicket = { eventId: 'ev', ticket: 'wt1.k.p.s', ticketNo: 7, secret, joinedAhead: 3, serverOffsetMs: 0 };

describe('TicketStore', () => {
  it('keeps one entry per event under waitroom:<eventId>', () => {
    const storage = memoryStorage();
    new TicketStore('ev', storage).save(entry);
    expect(JSON.parse(storage.getItem('waitroom:ev')!)).toMatchObject({ ticketNo: 7 });
    expect(new TicketStore('other', storage).load()).toBeNull();
    expect(new TicketStore('ev', storage).update({ joinedAhead: 1 })).toMatchObject({ joinedAhead: 1, ticketNo: 7 });
    new TicketStore('ev', storage).clear();
    expect(new TicketStore('ev', storage).load()).toBeNull();
    expect(new TicketStore('ev', storage).update({ joinedAhead: 1 })).toBeNull();
  });

  it('reads a damaged or foreign entry as none', () => {
    const storage = memoryStorage();
    storage.setItem('waitroom:ev', '{not json');
    expect(new TicketStore('ev', storage).load()).toBeNull();
    storage.setItem('waitroom:ev', JSON.stringify({ ...entry, ticketNo: -1 }));
    expect(new TicketStore('ev', storage).load()).toBeNull();
    storage.setItem('waitroom:ev', JSON.stringify({ ...entry, eventId: 'other' }));
    expect(new TicketStore('ev', storage).load()).toBeNull();
  });
});

describe('fileStorage', () => {
  let dir = '';
  afterEach(() => rm(dir, { recursive: true, force: true }));

  it('survives a new instance (a restarted process) and refuses a damaged file loudly', async () => {
    dir = await mkdtemp(join(tmpdir(), 'waitroom-storage-'));
    const path = join(dir, 'nested', 'state.json');
    const first = fileStorage(path);
    expect(first.getItem('a')).toBeNull();
    first.setItem('a', '1');
    first.setItem('b', '2');
    first.removeItem('a');
    const second = fileStorage(path);
    expect(second.getItem('a')).toBeNull();
    expect(second.getItem('b')).toBe('2');
    await writeFile(path, '{broken');
    expect(() => second.getItem('b')).toThrow(/cannot read the storage file/);
  });
});

describe('hand-off', () => {
  const handoff: Handoff = {
    eventId: 'ev',
    ticketNo: 7,
    grant: 'wg1.k.p.s',
    secret,
    bookingUrl: 'http://127.0.0.1:8081/api/events/ev/bookings',
    expiresAt: 1_800_000_000_000,
    serverOffsetMs: -250,
  };

  it('is read from storage once admitted', () => {
    const storage = memoryStorage();
    const store = new TicketStore('ev', storage);
    store.save(entry);
    expect(storedHandoff(store)).toBeNull();
    store.update({ grant: handoff.grant, grantExpiresAt: handoff.expiresAt, bookingUrl: handoff.bookingUrl, serverOffsetMs: -250 });
    expect(storedHandoff(store)).toEqual(handoff);
  });

  it('travels in a URL fragment to another origin, is kept in storage there and stripped from the URL', () => {
    const url = withHandoffFragment('https://booking.example.org/book?x=1', handoff);
    expect(url).toMatch(/^https:\/\/booking\.example\.org\/book\?x=1#waitroom=[A-Za-z0-9_-]+$/);
    expect(handoffFromFragment(new URL(url).hash)).toEqual(handoff);
    // Only what booking needs: the ticket (the place in line) is not in the link.
    expect(Object.keys(decodePayload(new URL(url).hash.slice('#waitroom='.length)) as object).sort()).toEqual([
      'bookingUrl',
      'eventId',
      'expiresAt',
      'grant',
      'secret',
      'serverOffsetMs',
      'ticketNo',
    ]);
    expect(handoffFromFragment('#waitroom=bm90IGpzb24')).toBeNull();
    expect(handoffFromFragment('')).toBeNull();

    const storage = memoryStorage();
    const { hash, href, search } = new URL(url);
    expect(readHandoff({ storage, location: { hash, href, search } })).toEqual(handoff);
    expect(readHandoff({ storage, location: { hash: '', href: 'https://booking.example.org/book?event=ev', search: '?event=ev' } })).toEqual(handoff);
  });
});
