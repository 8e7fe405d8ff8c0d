/** The SDK's device record (client/sdk/device.ts) and what it does after proof-of-work and device refusals. */
import { describe, expect, it } from 'vitest';
import { DEVICE_STORAGE_KEY, DeviceRecord } from '../../client/sdk/device.js';
import { MAX_POW_ATTEMPTS, outcomeOf } from '../../client/sdk/error-policy.js';
import { memoryStorage, type KeyValueStorage } from '../../client/sdk/storage.js';
import { ErrorCode } from '../../shared/protocol/index.js';
import { hashSecret } from '../../shared/tokens/secret.js';

describe('DeviceRecord', () => {
  it('keeps one key per storage, shared by every record on it (every tab), and sends its hash', async () => {
    const storage = memoryStorage();
    const [tab1, tab2] = [new DeviceRecord(storage), new DeviceRecord(storage)];
    const hash = await tab1.hash();
    expect(await tab2.hash()).toBe(hash);
    const { key } = JSON.parse(storage.getItem(DEVICE_STORAGE_KEY)!) as { key: string };
    expect(key).toMatch(/^[A-Za-z0-9_-]{43}$/);
    expect(hash).toBe(await hashSecret(key));
    expect(await new DeviceRecord(memoryStorage()).hash()).not.toBe(hash);
  });

  it('gives every tab the same joining secret per event; renew() draws a new key and new secrets', async () => {
    const storage = memoryStorage();
    const [tab1, tab2] = [new DeviceRecord(storage), new DeviceRecord(storage)];
    const secret = tab1.joiningSecret('ev');
    expect(tab2.joiningSecret('ev')).toBe(secret);
    expect(tab2.joiningSecret('other')).not.toBe(secret);
    const hash = await tab1.hash();
    tab2.renew();
    expect(await tab1.hash()).not.toBe(hash);
    expect(tab1.joiningSecret('ev')).not.toBe(secret);
  });

  it('replaces a damaged entry, and keeps a key for the page when storage is blocked', async () => {
    const storage = memoryStorage();
    storage.setItem(DEVICE_STORAGE_KEY, '{"key":"short"}');
    expect(await new DeviceRecord(storage).hash()).toMatch(/^[A-Za-z0-9_-]{43}$/);
    const blocked: KeyValueStorage = {
      getItem: () => {
        throw new Error('blocked');
      },
      setItem: () => {
        throw new Error('blocked');
      },
      removeItem: () => undefined,
    };
    const record = new DeviceRecord(blocked);
    const warn = console.warn;
    console.warn = () => undefined;
    try {
      expect(await record.hash()).toBe(await record.hash());
      expect(record.joiningSecret('ev')).toBe(record.joiningSecret('ev'));
    } finally {
      console.warn = warn;
    }
  });
});

describe('outcomeOf for proof of work and devices', () => {
  const inFlight = { answersRequest: true, canAskBirthDate: false };
  const pow = (code: ErrorCode, challenge?: string) => ({ code, retryable: false, ...(challenge ? { challenge } : {}) });

  it('solves each challenge that answers the join, up to MAX_POW_ATTEMPTS in a row, then stops', () => {
    for (const code of [ErrorCode.POW_REQUIRED, ErrorCode.POW_INVALID, ErrorCode.POW_EXPIRED, ErrorCode.POW_REUSED]) {
      expect(outcomeOf(pow(code, 'pow1.ev.x'), inFlight), code).toBe('solving');
      expect(outcomeOf(pow(code, 'pow1.ev.x'), { ...inFlight, powAttempts: MAX_POW_ATTEMPTS }), code).toBe('stopped');
      expect(outcomeOf(pow(code), inFlight), code).toBe('stopped');
      expect(outcomeOf(pow(code, 'pow1.ev.x'), { ...inFlight, answersRequest: false }), code).toBe('info');
    }
  });

  it('resumes the stored ticket after DEVICE_HAS_PLACE, and stops when none is stored (another profile holds it)', () => {
    const refusal = { code: ErrorCode.DEVICE_HAS_PLACE, retryable: false };
    expect(outcomeOf(refusal, { ...inFlight, hasStoredTicket: true })).toBe('resuming');
    expect(outcomeOf(refusal, inFlight)).toBe('stopped');
  });

  it("renews the device key when a join (not a resume) meets the end of the device's earlier place, once", () => {
    for (const code of [ErrorCode.TICKET_REVOKED, ErrorCode.GRANT_EXPIRED, ErrorCode.TICKET_USED]) {
      expect(outcomeOf({ code, retryable: false }, { ...inFlight, answersDeviceJoin: true }), code).toBe('renewing');
      expect(outcomeOf({ code, retryable: false }, inFlight), code).toBe('stopped');
    }
  });
});
