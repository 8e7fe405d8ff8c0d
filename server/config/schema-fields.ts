/** Field shapes the configuration sections share (server/config/schema.ts and its parts). */
import { z } from 'zod';
import { isAddressOrCidr } from '../gateway/limits/address-ranges.js';

export const port = z.coerce.number().int().min(0).max(65535);
export const url = z.url();
/** A PEM text, or `file:<path>` to read it from a file. */
export const keyText = z.string().min(1);
/** A browser origin: scheme, host and port only, e.g. `https://www.example.org`. */
export const origin = z
  .url()
  .refine((value) => URL.canParse(value) && new URL(value).origin === value, 'an origin: scheme://host[:port], without a path or a trailing slash');
export const kid = z.string().regex(/^[A-Za-z0-9_-]{1,32}$/, 'key ids are 1–32 characters of A–Z, a–z, 0–9, _ and -');

/** An IPv4 or IPv6 address, or a CIDR block of them ("100.64.0.0/10", "2001:db8::/32"). */
export const cidr = z.string().refine(isAddressOrCidr, 'an IP address or a CIDR block, e.g. 203.0.113.7 or 100.64.0.0/10');

/** A flag from a file (true/false) or the environment ("1"/"0", "true"/"false"). */
// Behind a preprocess or a transform, defaults are `.prefault` (an input value, parsed like one), so that
// z.toJSONSchema, and with it docs/configuration.md, shows them.
export const flag = z.preprocess((value) => (value === '1' || value === 'true' ? true : value === '0' || value === 'false' ? false : value), z.boolean());

/** A shared HMAC secret of a signed webhook: at least 32 characters, or `file:<path>`. */
export const webhookSecret = z
  .string()
  .refine((value) => value.startsWith('file:') || value.length >= 32, 'at least 32 characters, or file:<path>')
  .describe('The HMAC secret shared with the receiver: at least 32 characters, or `file:<path>` to read it from a file.');
