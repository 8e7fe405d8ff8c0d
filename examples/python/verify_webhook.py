"""Checks a Waitroom booking webhook's signature (docs/webhooks.md), standard library only.

A receiver calls verify(secret, raw_body, header) on the raw request body, before parsing it.
As a command (what test/unit/webhook-signature-python.test.ts runs):
    python3 verify_webhook.py SECRET_FILE BODY_FILE HEADER [NOW]
prints "ok <t>" or "refused: <reason>".
"""
import hashlib
import hmac
import sys
import time

TOLERANCE_SECONDS = 300


def verify(secret: bytes, body: bytes, header: str, now=None, tolerance=TOLERANCE_SECONDS) -> int:
    """Returns the signed timestamp; raises ValueError naming why the request is refused."""
    timestamp, signatures = None, []
    for part in header.split(","):
        key, _, value = part.strip().partition("=")
        if key == "t" and value.isdigit():
            timestamp = int(value)
        elif key == "v1":
            signatures.append(value)
    if timestamp is None or not signatures:
        raise ValueError("malformed")
    expected = hmac.new(secret, f"{timestamp}.".encode() + body, hashlib.sha256).hexdigest()
    if not any(hmac.compare_digest(expected, s) for s in signatures):
        raise ValueError("bad_signature")
    now = int(time.time()) if now is None else now
    if abs(now - timestamp) > tolerance:
        raise ValueError("too_old" if now > timestamp else "in_future")
    return timestamp


if __name__ == "__main__":
    secret_file, body_file, header = sys.argv[1:4]
    now = int(sys.argv[4]) if len(sys.argv) > 4 else None
    with open(secret_file, "rb") as f:
        secret = f.read().strip()
    with open(body_file, "rb") as f:
        body = f.read()
    try:
        print(f"ok {verify(secret, body, header, now)}")
    except ValueError as refusal:
        print(f"refused: {refusal}")
        sys.exit(1)
