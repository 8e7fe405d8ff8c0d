/** What a key reload refuses (it would strand live tokens) and what it only warns about. */
import { describe, expect, it } from 'vitest';
import { FakeClock } from '../../server/clock.js';
import { EventConfig } from '../../server/config/event-schema.js';
import { generateKeys } from '../../server/config/keys.js';
import { LiveKeys, type KeyReload } from '../../server/config/live-keys.js';
import { testEvent } from '../support/system.js';
import { keyRing } from './key-rotation-keys.js';

const [a, b, c] = [generateKeys('a'), generateKeys('b'), generateKeys('c')];

function liveKeys(keys = keyRing('a', a)): { live: LiveKeys; clock: FakeClock } {
  const clock = new FakeClock();
  const events = [EventConfig.parse(testEvent({ grantTtlSeconds: 600, ticketTtlSeconds: 3600 }, clock.now()))];
  return { live: new LiveKeys({ keys, roles: { gateway: true, reservations: true }, clock, events: () => events }), clock };
}

function problems(outcome: KeyReload): string {
  expect(outcome.result).toBe('refused');
  return outcome.result === 'refused' ? outcome.problems.join('\n') : '';
}

describe('LiveKeys.reload', () => {
  it('is unchanged by the same keys, and switches signing keys for everyone following', () => {
    const { live } = liveKeys();
    const seen: string[] = [];
    live.follow((set) => seen.push(`${set.signing!.kid}/${set.ticket!.current}/${[...(set.verifying as Map<string, unknown>).keys()].join('+')}`));
    expect(live.reload(keyRing('a', a))).toEqual({ result: 'unchanged' });
    expect(live.reload(keyRing('a', a, b)).result).toBe('applied');
    expect(live.reload(keyRing('b', a, b)).result).toBe('applied');
    expect(seen).toEqual(['a/a/a', 'a/a/a+b', 'b/b/a+b']);
  });

  it('applies a change of the JWKS URL alone (a handler that verifies from a gateway), and is unchanged by the same URL', () => {
    const onUrl = (url: string) => ({ ...keyRing('a', a), grant: { ...keyRing('a', a).grant, jwksUrl: url } });
    const { live } = liveKeys(onUrl('http://127.0.0.1:1/.well-known/jwks.json'));
    const before = live.current.verifying;
    expect(typeof before).toBe('function');
    expect(live.reload(onUrl('http://127.0.0.1:1/.well-known/jwks.json'))).toEqual({ result: 'unchanged' });
    expect(live.reload(onUrl('http://127.0.0.1:2/.well-known/jwks.json')).result).toBe('applied');
    expect(live.current.verifying).not.toBe(before);
  });

  it('refuses making a new key current and dropping the old one in one step', () => {
    const { live } = liveKeys(keyRing('a', a, b));
    const text = problems(live.reload(keyRing('b', b)));
    expect(text).toMatch(/keys\.grant: key id "a" is still needed: it is current until this change/);
    expect(text).toMatch(/keys\.ticket: key id "a" is still needed/);
    expect(live.current.signing!.kid).toBe('a');
  });

  it('refuses dropping a retired key before its tokens expire (grants 600 s, tickets 3600 s), allows it after', () => {
    const { live, clock } = liveKeys(keyRing('a', a, b));
    live.reload(keyRing('b', a, b));
    clock.advance(601_000);
    expect(problems(live.reload(keyRing('b', b)))).toMatch(/keys\.ticket: key id "a" is still needed: it stopped being current at .*; remove it after /);
    clock.advance(3000_000);
    expect(live.reload(keyRing('b', b))).toMatchObject({ result: 'applied', warnings: [] });
    expect([...(live.current.verifying as Map<string, unknown>).keys()]).toEqual(['b']);
  });

  it('refuses another key under a key id already in use', () => {
    const { live } = liveKeys();
    const impostor = generateKeys('a');
    const text = problems(live.reload(impostor));
    expect(text).toMatch(/keys\.grant: key id "a" now has another key/);
    expect(text).toMatch(/keys\.ticket: key id "a" now has another key/);
  });

  it('refuses keys that do not parse, naming the path', () => {
    const { live } = liveKeys();
    expect(problems(live.reload({ ...keyRing('a', a), grant: { current: 'a', privateKeys: { a: 'not a key' } } }))).toMatch(
      /keys\.grant\.privateKeys\.a: not a usable key/,
    );
    expect(problems(live.reload({ ...keyRing('a', a), ticket: { current: 'x', secrets: a.ticket!.secrets } }))).toMatch(
      /keys\.ticket\.current: no secret for the current key id "x"/,
    );
    expect(problems(live.reload({ grant: { current: 'a b' } }))).toMatch(/keys\.grant\.current: key ids are/);
  });

  it('warns (and applies) when a key becomes current unannounced, or a key never current here is removed', () => {
    const { live } = liveKeys(keyRing('a', a, b));
    const outcome = live.reload(keyRing('c', a, c));
    expect(outcome.result).toBe('applied');
    const warnings = outcome.result === 'applied' ? outcome.warnings.join('\n') : '';
    expect(warnings).toMatch(/keys\.grant: the new current key id "c" was not configured before/);
    expect(warnings).toMatch(/keys\.grant: key id "b" is removed; it was not current in this process since it started/);
  });
});
