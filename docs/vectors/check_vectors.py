#!/usr/bin/env python3
"""Checks docs/vectors/*.json from the JSON alone, as a client in another
language would (docs/protocol.md, "Test vectors"). Needs `cryptography`.
Prints one line per file and exits non-zero at the first mismatch.

    python3 docs/vectors/check_vectors.py [directory]
"""
import base64, hashlib, hmac, json, math, sys
from pathlib import Path
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey, Ed25519PublicKey
from cryptography.hazmat.primitives.serialization import Encoding, PublicFormat

DIR = Path(sys.argv[1]) if len(sys.argv) > 1 else Path(__file__).parent


def b64u(data: bytes) -> str:
    return base64.urlsafe_b64encode(data).rstrip(b"=").decode()


def unb64u(text: str) -> bytes:
    return base64.urlsafe_b64decode(text + "=" * (-len(text) % 4))


def sha256_b64u(text: str) -> str:
    return b64u(hashlib.sha256(text.encode()).digest())


def same(what, got, want):
    if got != want:
        sys.exit(f"MISMATCH {what}: got {got!r}, want {want!r}")


# --- the draw (protocol §5.1) ---
M32 = 0xFFFFFFFF


def mix32(v):
    v &= M32
    v ^= v >> 16
    v = (v * 0x45D9F3B) & M32
    v ^= v >> 16
    v = (v * 0x45D9F3B) & M32
    return v ^ (v >> 16)


def network(size, seed):
    bits = 1
    while bits < 26 and 4 ** bits < size:
        bits += 1
    keys = [mix32((seed + r * 0x9E3779B9) % 2 ** 32) for r in range(1, 7)]
    return 2 ** bits, keys


def encrypt(half, keys, x):
    left, right = divmod(x, half)
    for key in keys:
        left, right = right, left ^ (mix32(right + key) % half)
    return left * half + right


def place_of(ticket, size, seed):
    if size is None or ticket > size:
        return ticket
    half, keys = network(size, seed)
    x = ticket - 1
    while True:
        x = encrypt(half, keys, x)
        if x < size:
            return x + 1


# --- place and ETA (protocol §5) ---
def left_ahead(segments, cursor, issued, place):
    low, left = cursor + 1, 0.0
    for s in segments:
        for k, count in enumerate(s["n"]):
            start = s["f"] + k * s["w"]
            if start >= place:
                return left
            if count == 0:
                continue
            live_from = max(start, low)
            live_to = min(start + s["w"], issued + 1)
            ahead_to = min(live_to, place)
            if ahead_to <= live_from:
                continue
            if ahead_to >= live_to:
                left += count
            else:
                left += min(count, count * (ahead_to - live_from) / max(1, live_to - live_from - 1))
    return left


def people_ahead(tick, ticket):
    place = place_of(ticket, tick.get("dn"), tick.get("ds"))
    if place <= tick["c"]:
        return 0
    between = place - tick["c"] - 1
    left = math.floor(left_ahead(tick["l"], tick["c"], tick["i"], place) + 0.5)  # JS Math.round
    return tick["q"] + max(0, between - min(left, between))


def eta(tick, ahead):
    if tick["st"] != "open" or tick["r"] <= 0:
        return None
    return math.ceil((ahead + 1) / tick["r"] * 60)


def check_draw(d):
    for m in d["mix32"]:
        same(f"mix32({m['value']})", mix32(m["value"]), m["mix32"])
    for p in d["permutations"]:
        got = [place_of(t, p["size"], p["seed"]) for t in range(1, p["size"] + 1)]
        same(f"permutation size {p['size']} seed {p['seed']}", got, p["places"])
        same(f"bijection size {p['size']}", sorted(got), list(range(1, p["size"] + 1)))
    big = d["large"]
    for s in big["samples"]:
        same(f"placeOf({s['ticketNo']}) of {big['size']}", place_of(s["ticketNo"], big["size"], big["seed"]), s["place"])


def check_ticks(ticks):
    for v in ticks:
        tick, t = v["frame"], v["tickets"]
        drawn = "dn" in tick and "ds" in tick
        for k in range(len(t["ahead"])):
            n = t["from"] + k
            same(f"place of {n} ({v['what'][:30]}…)", place_of(n, tick.get("dn"), tick.get("ds")) if drawn else None, t["place"][k])
            ahead = people_ahead(tick, n)
            same(f"ahead of {n} ({v['what'][:30]}…)", ahead, t["ahead"][k])
            same(f"eta of {n}", eta(tick, ahead), t["eta"][k])


def check_tokens(tk):
    ticket = tk["ticket"]
    same("ticket signed text", ".".join(ticket["token"].split(".")[:3]), ticket["signedText"])
    mac = hmac.new(bytes.fromhex(ticket["keyHex"]), ticket["signedText"].encode("ascii"), hashlib.sha256).digest()
    same("ticket HMAC", b64u(mac), ticket["signature"])
    same("ticket claims", json.loads(unb64u(ticket["payload"])), ticket["claims"])
    grant = tk["grant"]
    key = Ed25519PrivateKey.from_private_bytes(bytes.fromhex(grant["seedHex"]))
    same("grant public key", b64u(key.public_key().public_bytes(Encoding.Raw, PublicFormat.Raw)), grant["publicKey"])
    # A grant is a compact JWS (RFC 7515): header.payload.signature over the ASCII "header.payload".
    same("grant token", ".".join([grant["header"], grant["payload"], grant["signature"]]), grant["token"])
    same("grant signing input", grant["header"] + "." + grant["payload"], grant["signingInput"])
    same("grant header", json.loads(unb64u(grant["header"])), {"alg": "EdDSA", "kid": "k1", "typ": "waitroom-grant+jwt"})
    same("grant JWKS key", grant["jwks"]["keys"][0]["x"], grant["publicKey"])
    Ed25519PublicKey.from_public_bytes(unb64u(grant["publicKey"])).verify(unb64u(grant["signature"]), grant["signingInput"].encode("ascii"))
    same("grant signature", b64u(key.sign(grant["signingInput"].encode("ascii"))), grant["signature"])
    # iat and exp are RFC 7519 NumericDates (seconds, the milliseconds as a fraction); "claims" gives them in ms.
    wire = json.loads(unb64u(grant["payload"]))
    same("grant claims", {**wire, "iat": round(wire["iat"] * 1000), "exp": round(wire["exp"] * 1000)}, grant["claims"])


def check_hashes(h):
    same("secretHash", sha256_b64u(h["secret"]["secret"]), h["secret"]["secretHash"])
    same("device", sha256_b64u(h["device"]["deviceKey"]), h["device"]["device"])


def check_possession(p):
    seed = hashlib.sha256(("waitroom/possession-key/v1\n" + p["secret"]).encode()).digest()
    same("possession seed", seed.hex(), p["seedHex"])
    key = Ed25519PrivateKey.from_private_bytes(seed)
    same("pk", b64u(key.public_key().public_bytes(Encoding.Raw, PublicFormat.Raw)), p["pk"])
    resume = "waitroom/resume/v1\n" + p["nonce"] + "\n" + p["ticket"]
    same("resume signed text", resume, p["resume"]["signedText"])
    same("resume proof", b64u(key.sign(resume.encode())), p["resume"]["proof"])
    join = "waitroom/device-join/v1\n" + p["nonce"] + "\n" + p["deviceJoin"]["eventId"]
    same("device join signed text", join, p["deviceJoin"]["signedText"])
    same("device join proof", b64u(key.sign(join.encode())), p["deviceJoin"]["proof"])


def check_pow(w):
    digest = hashlib.sha256((w["challenge"] + "." + w["nonce"]).encode()).digest()
    same("pow digest", digest.hex(), w["digestHex"])
    same("pow difficulty", int(w["challenge"].split(".")[3]), w["difficulty"])
    zeros = 256 - int.from_bytes(digest, "big").bit_length()
    same("pow solved", zeros >= w["difficulty"], True)
    parts = w["challenge"].split(".")
    pow_key = hmac.new(bytes.fromhex(w["ticketKeyHex"]), b"waitroom proof-of-work", hashlib.sha256).digest()
    same("pow mac", b64u(hmac.new(pow_key, ".".join(parts[:6]).encode(), hashlib.sha256).digest()), parts[6])


CHECKS = {"draw.json": check_draw, "ticks.json": check_ticks, "tokens.json": check_tokens,
          "hashes.json": check_hashes, "possession.json": check_possession, "pow.json": check_pow}

for name, check in CHECKS.items():
    check(json.loads((DIR / name).read_text()))
    print(f"ok {name}")
