"""Verify a Waitroom grant with PyJWT (Debian: python3-jwt, python3-cryptography).

    python3 verify_grant.py jwks.json grant.txt [secret.txt]
        → prints the claims as JSON, exit 0
        → prints "refused: <reason>", exit 1

The booking system fetches the JWKS from a gateway's /.well-known/jwks.json
(docs/protocol.md §6), checks the header is exactly {alg: EdDSA, kid, typ},
picks the key by the grant's kid, and accepts EdDSA only. With the secret the
person presents, it checks that base64url(SHA-256(secret)) equals the grant's
`sh`. It must then consume `gid` once, in its own transaction
(docs/integration.md).
"""
import base64
import hashlib
import hmac
import json
import sys

import jwt

CLOCK_SKEW_SECONDS = 30
GRANT_HEADER = {"alg", "kid", "typ"}
GRANT_CLAIMS = {"gid", "e", "n", "sh", "iat", "exp"}


class WrongSecretError(jwt.InvalidTokenError):
    """The secret presented is not the one the grant was issued to (Waitroom's GRANT_WRONG_SECRET)."""


def secret_hash(secret: str) -> str:
    digest = hashlib.sha256(secret.encode("utf-8")).digest()
    return base64.urlsafe_b64encode(digest).rstrip(b"=").decode("ascii")


def verify(jwks: dict, token: str, secret: "str | None" = None) -> dict:
    header = jwt.get_unverified_header(token)
    # Exactly the three parameters, before any key is chosen (docs/decisions/018-jws-grants.md).
    if set(header) != GRANT_HEADER or header["typ"] != "waitroom-grant+jwt" or header["alg"] != "EdDSA":
        raise jwt.InvalidTokenError(f"not a Waitroom grant header: {header}")
    keys = {key["kid"]: key for key in jwks["keys"]}
    if header["kid"] not in keys:
        raise jwt.InvalidTokenError(f"unknown key id {header['kid']!r}")
    key = jwt.PyJWK(keys[header["kid"]]).key
    # A leeway is needed twice over: clocks differ between the gateway and the booking system, and PyJWT compares
    # `iat` (seconds with the milliseconds as a fraction) with the current time floored to whole seconds, so a grant
    # verified in the second it was minted is otherwise refused as ImmatureSignatureError ("not yet valid").
    claims = jwt.decode(token, key, algorithms=["EdDSA"], options={"require": ["exp", "iat"]}, leeway=CLOCK_SKEW_SECONDS)
    if set(claims) != GRANT_CLAIMS:
        raise jwt.InvalidTokenError(f"not a Waitroom grant's claims: {sorted(claims)}")
    if secret is not None and not hmac.compare_digest(secret_hash(secret), str(claims.get("sh", ""))):
        raise WrongSecretError("the secret does not match this grant")
    return claims


def main() -> int:
    with open(sys.argv[1], encoding="utf-8") as file:
        jwks = json.load(file)
    with open(sys.argv[2], encoding="ascii") as file:
        token = file.read().strip()
    secret = None
    if len(sys.argv) > 3:
        with open(sys.argv[3], encoding="utf-8") as file:
            secret = file.read().strip()
    try:
        claims = verify(jwks, token, secret)
    except jwt.PyJWTError as error:
        print(f"refused: {type(error).__name__}: {error}")
        return 1
    print(json.dumps(claims))
    return 0


if __name__ == "__main__":
    sys.exit(main())
