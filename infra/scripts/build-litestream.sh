#!/usr/bin/env bash
# Builds Litestream (pinned) from its Go module through the Go module proxy, with the
# machine's Go, for continuous replication of tenant databases (control-plane/src/backup/).
# Cached outside the repo, never committed: $BERTH_CACHE_DIR/litestream/<version>/litestream.
source "$(dirname "$0")/lib.sh"
LITESTREAM_VERSION="${LITESTREAM_VERSION:-v0.5.18}"
out="$BERTH_CACHE_DIR/litestream/$LITESTREAM_VERSION"
[ -x "$out/litestream" ] && exit 0

export PATH="$PATH:/usr/local/go/bin"
command -v go >/dev/null || die "no Go toolchain found"
say "building Litestream $LITESTREAM_VERSION from its Go module (once)"
module="github.com/benbjohnson/litestream"
work="$(mktemp -d)"
trap 'rm -rf "$work"' EXIT
# Its go.mod suggests a newer patch toolchain than the machine's Go; the go line (1.26.0) is
# what it needs, so the local toolchain builds it (GOTOOLCHAIN=local: nothing else fetched).
# It has no replace directives and uses the pure-Go SQLite driver, so `go install mod@version`
# builds it as released, without cgo.
mkdir -p "$work/out"
(cd "$work" && GOTOOLCHAIN=local GOBIN="$work/out" CGO_ENABLED=0 go install -trimpath \
  -ldflags "-s -w -X main.Version=$LITESTREAM_VERSION" "$module/cmd/litestream@$LITESTREAM_VERSION") \
  || die "could not build $module@$LITESTREAM_VERSION"
# Copied next to its place, then renamed: a half-finished build is never taken as cached.
mkdir -p "$(dirname "$out")"
rm -rf "$out.tmp" && cp -r "$work/out" "$out.tmp"
rm -rf "$out" && mv "$out.tmp" "$out"
"$out/litestream" version
