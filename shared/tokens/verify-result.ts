/** Why a token failed verification; each maps to a stable error code where it is used. */
export type TokenFailure = 'malformed' | 'unknown_key' | 'bad_signature' | 'expired' | 'keys_unavailable';

export type Verified<C> = { ok: true; claims: C; kid: string } | { ok: false; failure: TokenFailure };
