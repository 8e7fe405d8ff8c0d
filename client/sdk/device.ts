/**
 * One device key per site (docs/protocol.md §3.1.1): 32 random bytes,
 * base64url, kept in storage under `waitroom:device` and shared by every tab
 * of the site; joins send its SHA-256 as `device`, so the server gives one
 * place per device and event. The record also holds, per event, the secret of
 * the join in flight, so tabs joining at the same moment bind the device's one
 * place to the same secret and each gets it (`resumed: true`).
 */
import { check } from '../../shared/lean/check.js';
import { DEVICE_ENTRY } from '../../shared/lean/schemas.generated.js';
import { hashSecret, newClientSecret } from '../../shared/tokens/secret.js';
import type { KeyValueStorage } from './storage.js';
import type { DeviceEntry } from './stored-shapes.js';

export const DEVICE_STORAGE_KEY = 'waitroom:device';

export class DeviceRecord {
  /** Used when storage cannot be read or written (blocked): the key lives as long as this page. */
  private fallback: DeviceEntry | null = null;

  constructor(private readonly storage: KeyValueStorage) {}

  /** base64url(SHA-256(device key)): the join's `device` field. */
  async hash(): Promise<string> {
    return hashSecret(this.entry().key);
  }

  /** The secret every tab of this device uses to join `eventId` until a ticket is stored. */
  joiningSecret(eventId: string): string {
    const entry = this.entry();
    const secret = entry.joining[eventId];
    if (secret) return secret;
    const created = newClientSecret();
    this.write({ ...entry, joining: { ...entry.joining, [eventId]: created } });
    return this.entry().joining[eventId] ?? created;
  }

  /**
   * A new device key, after a person chose to join again at the end of the
   * line (restart()): the old key's place is over (revoked, expired, used),
   * and the server would keep answering it for that place.
   */
  renew(): void {
    this.write({ key: newClientSecret(), joining: {} });
  }

  private entry(): DeviceEntry {
    const stored = this.read();
    if (stored) return stored;
    const created = this.fallback ?? { key: newClientSecret(), joining: {} };
    this.write(created);
    return this.read() ?? created;
  }

  private read(): DeviceEntry | null {
    try {
      const text = this.storage.getItem(DEVICE_STORAGE_KEY);
      const checked = text === null ? null : check<DeviceEntry>(DEVICE_ENTRY, JSON.parse(text));
      return checked?.ok ? checked.value : this.fallback;
    } catch {
      return this.fallback; // unreadable or blocked: this page's own key
    }
  }

  private write(entry: DeviceEntry): void {
    this.fallback = entry;
    try {
      this.storage.setItem(DEVICE_STORAGE_KEY, JSON.stringify(entry));
    } catch (error) {
      console.warn('waitroom: cannot keep the device key; other tabs will not share this place', error);
    }
  }
}
