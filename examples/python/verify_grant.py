"""Verify a Waitroom grant with PyJWT (Debian: python3-jwt, python3-cryptography).

    python3 verify_grant.py jwks.json grant.txt   → prints the claims as JSON, exit 0
                                                  → prints "refused: <reason>", exit 1

The booking system fetches the JWKS from a gateway's /.well-known/jwks.json
(docs/protocol.md §6), picks the key by the grant's kid, and accepts EdDSA only.
It must then check that SHA-256 of the secret the person presents equals the
grant's `sh`, and consume `gid` once, in its own transaction.
"""
import json
import sys

import jwt

CLOCK_SKEW_SECONDS = 30


def verify(jwks: dict, token: str) -> dict:
    header = jwt.get_unverified_header(token)
    if header.get("typ") != "waitroom-grant+jwt" or header.get("alg") != "EdDSA":
        raise jwt.InvalidTokenError(f"not a Waitroom grant header: {header}")
    keys = {key["kid"]: key for key in jwks["keys"]}
    if header.get("kid") not in keys:
        raise jwt.InvalidTokenError(f"unknown key id {header.get('kid')!r}")
    key = jwt.PyJWK(keys[header["kid"]]).key
    # A leeway is needed twice over: clocks differ between the gateway and the booking system, and PyJWT compares
    # `iat` (seconds with the milliseconds as a fraction) with the current time floored to whole seconds, so a grant
    # verified in the second it was minted is otherwise refused as ImmatureSignatureError ("not yet valid").
    return jwt.decode(token, key, algorithms=["EdDSA"], options={"require": ["exp", "iat"]}, leeway=CLOCK_SKEW_SECONDS)


def main() -> int:
    with open(sys.argv[1], encoding="utf-8") as file:
        jwks = json.load(file)
    with open(sys.argv[2], encoding="ascii") as file:
        token = file.read().strip()
    try:
        claims = verify(jwks, token)
    except jwt.PyJWTError as error:
        print(f"refused: {type(error).__name__}: {error}")
        return 1
    print(json.dumps(claims))
    return 0


if __name__ == "__main__":
    sys.exit(main())
