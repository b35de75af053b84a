#!/usr/bin/env bash
# Creates, once, a local certificate authority and a wildcard certificate for the base domain
# (*.<domain> and <domain>). Production uses a DNS-01 wildcard instead (see README).
#   make-certs.sh <tls-dir> <domain>
source "$(dirname "$0")/lib.sh"
dir="${1:-$BERTH_STATE_DIR/tls}"; domain="${2:-$BERTH_DOMAIN}"
mkdir -p "$dir"; chmod 700 "$dir"
if [ ! -f "$dir/ca.pem" ]; then
  say "creating the local certificate authority in $dir"
  openssl req -x509 -newkey rsa:2048 -nodes -days 3650 -sha256 \
    -keyout "$dir/ca-key.pem" -out "$dir/ca.pem" -subj "/CN=berth local CA/O=berth" \
    -addext "basicConstraints=critical,CA:TRUE" -addext "keyUsage=critical,keyCertSign,cRLSign" 2>/dev/null
fi
leaf="$dir/$domain"
# An ECDSA P-256 key, as production's ACME certificates (acme-config.sh: keyType EC256): every
# new TLS connection costs Traefik one signature with it, ~20x cheaper than with RSA-2048. A leaf
# with an RSA key from an earlier version is issued again.
if [ ! -f "$leaf.pem" ] || ! openssl verify -CAfile "$dir/ca.pem" "$leaf.pem" >/dev/null 2>&1 \
    || ! openssl x509 -in "$leaf.pem" -noout -text | grep -q id-ecPublicKey; then
  say "issuing the wildcard certificate for *.$domain"
  openssl req -newkey ec -pkeyopt ec_paramgen_curve:P-256 -nodes -keyout "$leaf-key.pem" -out "$leaf.csr" -subj "/CN=*.$domain" 2>/dev/null
  printf 'subjectAltName=DNS:%s,DNS:*.%s\nbasicConstraints=CA:FALSE\nkeyUsage=digitalSignature\nextendedKeyUsage=serverAuth\n' "$domain" "$domain" > "$leaf.ext"
  openssl x509 -req -in "$leaf.csr" -CA "$dir/ca.pem" -CAkey "$dir/ca-key.pem" -CAcreateserial \
    -days 825 -sha256 -extfile "$leaf.ext" -out "$leaf.pem" 2>/dev/null
  rm -f "$leaf.csr" "$leaf.ext"
fi
# Private keys owner-only, whatever the umask was when they were made (Traefik runs as root).
chmod 600 "$dir"/*-key.pem
# Let the machine's own clients (curl, Chromium's NSS store of this user) trust the CA.
if [ -d /usr/local/share/ca-certificates ] && ! cmp -s "$dir/ca.pem" /usr/local/share/ca-certificates/berth-local-ca.crt; then
  cp "$dir/ca.pem" /usr/local/share/ca-certificates/berth-local-ca.crt
  update-ca-certificates >/dev/null
fi
if command -v certutil >/dev/null; then
  mkdir -p "$HOME/.pki/nssdb"
  [ -f "$HOME/.pki/nssdb/cert9.db" ] || certutil -d "sql:$HOME/.pki/nssdb" -N --empty-password
  certutil -d "sql:$HOME/.pki/nssdb" -D -n "berth local CA" >/dev/null 2>&1 || true
  certutil -d "sql:$HOME/.pki/nssdb" -A -t "C,," -n "berth local CA" -i "$dir/ca.pem"
fi
