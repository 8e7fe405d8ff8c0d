/**
 * Priority-lane codes (docs/decisions/031-priority-lanes.md): 12 characters of
 * Crockford's base32 (60 random bits), shown in groups of four. Typed input is
 * read leniently: case, spaces and dashes do not matter, and I, L and O read
 * as 1, 1 and 0.
 */

export const LANE_CODE_ALPHABET = '0123456789ABCDEFGHJKMNPQRSTVWXYZ';
export const LANE_CODE_LENGTH = 12;
const CODE = /^[0-9A-HJKMNP-TV-Z]{12}$/;

/** The code as stored, or null when the input cannot be one. */
export function normaliseLaneCode(input: string): string | null {
  const code = input.toUpperCase().replace(/[\s-]/g, '').replace(/[IL]/g, '1').replace(/O/g, '0');
  return CODE.test(code) ? code : null;
}

/** The code as shown: XXXX-XXXX-XXXX. */
export function formatLaneCode(code: string): string {
  return code.match(/.{1,4}/g)!.join('-');
}

/** A code from random bytes (at least LANE_CODE_LENGTH; 5 bits of each are used). */
export function laneCodeFrom(random: Uint8Array): string {
  if (random.length < LANE_CODE_LENGTH) throw new Error(`a lane code needs ${LANE_CODE_LENGTH} random bytes`);
  let code = '';
  for (let i = 0; i < LANE_CODE_LENGTH; i++) code += LANE_CODE_ALPHABET[random[i]! & 31];
  return code;
}
