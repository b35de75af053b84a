#!/usr/bin/env bash
# Builds Litestream (pinned) from its Go module through the Go module proxy, with the
# machine's Go, for continuous replication of tenant databases (control-plane/src/backup/),
# with berth's patch applied (infra/litestream/README.md: idle databases cost a stat per tick
# instead of a sync, and every monitor ticks on the same instants). Cached outside the repo, never committed:
# $LITESTREAM_BIN (lib.sh: <cache>/litestream/<version>-<patch level>/litestream).
source "$(dirname "$0")/lib.sh"
out="$(dirname "$LITESTREAM_BIN")"
[ -x "$out/litestream" ] && exit 0

export PATH="$PATH:/usr/local/go/bin"
command -v go >/dev/null || die "no Go toolchain found"
say "building Litestream $LITESTREAM_VERSION ($LITESTREAM_PATCH_LEVEL) from its Go module (once)"
module="github.com/benbjohnson/litestream"
patch_file="$BERTH_ROOT/infra/litestream/idle-databases.patch"
[ -f "$patch_file" ] || die "missing $patch_file"
work="$(mktemp -d)"
trap 'rm -rf "$work"' EXIT
go_module_source "$module" "$LITESTREAM_VERSION" "$work"
patch -s -p1 -d "$work/src" < "$patch_file" || die "infra/litestream/idle-databases.patch does not apply to $module@$LITESTREAM_VERSION"
# Its go.mod suggests a newer patch toolchain than the machine's Go; the go line (1.26.0) is
# what it needs, so the local toolchain builds it (GOTOOLCHAIN=local: nothing else fetched).
# It has no replace directives and uses the pure-Go SQLite driver, so it builds without cgo,
# against the dependency versions its own go.sum pins.
mkdir -p "$work/out"
(cd "$work/src" && GOTOOLCHAIN=local CGO_ENABLED=0 go build -trimpath \
  -ldflags "-s -w -X main.Version=$LITESTREAM_VERSION+$LITESTREAM_PATCH_LEVEL" -o "$work/out/litestream" ./cmd/litestream) \
  || die "could not build $module@$LITESTREAM_VERSION"
install_build "$work/out" "$out"
"$out/litestream" version
