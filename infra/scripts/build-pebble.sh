#!/usr/bin/env bash
# Builds Pebble (a small ACME server) and its challenge test server (a DNS server whose TXT
# records are set over HTTP) from their Go module (pinned), with the machine's Go, for the
# ACME DNS-01 test (e2e/tests/acme-pebble.test.ts). Cached outside the repo, never committed:
#   $BERTH_CACHE_DIR/pebble/<version>/{pebble,pebble-challtestsrv}
#   .../certs/{ca.pem,cert.pem,key.pem} — the TLS identity of Pebble's own ACME endpoint and
#   the test CA that signed it, shipped in the module source (public test keys: trusted only
#   by the test's Traefik, never by the system).
source "$(dirname "$0")/lib.sh"
PEBBLE_VERSION="${PEBBLE_VERSION:-v2.10.3}"
out="$BERTH_CACHE_DIR/pebble/$PEBBLE_VERSION"
[ -x "$out/pebble" ] && [ -x "$out/pebble-challtestsrv" ] && [ -s "$out/certs/ca.pem" ] && exit 0

export PATH="$PATH:/usr/local/go/bin"
command -v go >/dev/null || die "no Go toolchain found"
say "building Pebble $PEBBLE_VERSION from its Go module (once)"
module="github.com/letsencrypt/pebble/v2"
work="$(mktemp -d)"
trap 'rm -rf "$work"' EXIT
dir="$(cd "$work" && GOFLAGS=-mod=mod go mod download -json "$module@$PEBBLE_VERSION" | sed -n 's/^\s*"Dir": "\(.*\)",$/\1/p')"
[ -n "$dir" ] && [ -d "$dir" ] || die "could not download $module@$PEBBLE_VERSION"
# No replace directives in its go.mod, so `go install mod@version` builds it as released.
mkdir -p "$work/out/certs"
GOBIN="$work/out" CGO_ENABLED=0 go install -trimpath -ldflags "-s -w" \
  "$module/cmd/pebble@$PEBBLE_VERSION" "$module/cmd/pebble-challtestsrv@$PEBBLE_VERSION"
cp "$dir/test/certs/pebble.minica.pem" "$work/out/certs/ca.pem"
cp "$dir/test/certs/localhost/cert.pem" "$dir/test/certs/localhost/key.pem" "$work/out/certs/"
chmod -R u+w,go-w "$work/out"
install_build "$work/out" "$out"
