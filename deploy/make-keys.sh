#!/bin/sh
# Writes a fresh set of Waitroom keys into DIR (default deploy/compose/keys), the files that
# deploy/compose/waitroom.json and the Kubernetes Secret name with `file:`:
#   grant-g1.pem      Ed25519 private key (PKCS#8 PEM): gateways sign admission grants with it
#   grant-g1.pub.pem  its public key (SPKI PEM): the reservation handler verifies grants with it
#   ticket-t1.secret  32 random bytes, base64: gateways sign queue tickets with it (HMAC)
# Refuses to overwrite existing keys (people hold tickets and grants signed with them); rotating keys is
# in docs/operations.md. Needs only openssl.
set -eu
dir=${1:-deploy/compose/keys}
mkdir -p "$dir"
for file in grant-g1.pem grant-g1.pub.pem ticket-t1.secret; do
  if [ -e "$dir/$file" ]; then
    echo "make-keys: $dir/$file exists; not overwriting any key" >&2
    exit 1
  fi
done
umask 077
openssl genpkey -algorithm ed25519 -out "$dir/grant-g1.pem"
openssl pkey -in "$dir/grant-g1.pem" -pubout -out "$dir/grant-g1.pub.pem"
openssl rand -base64 32 > "$dir/ticket-t1.secret"
# The containers run as uid 1000 (`node`): on a host where you are not uid 1000, `chown -R 1000 DIR`.
chmod 644 "$dir/grant-g1.pub.pem"
echo "make-keys: wrote $dir/grant-g1.pem, $dir/grant-g1.pub.pem, $dir/ticket-t1.secret"
