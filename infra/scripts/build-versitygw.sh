#!/usr/bin/env bash
# Builds the Versity S3 Gateway (an S3-compatible server; its posix backend keeps each bucket
# as a directory) from its Go module (pinned), with the machine's Go, for the test that
# replicates tenant databases into a bucket (e2e/tests/backup-s3.test.ts). Cached outside the
# repo, never committed: $BERTH_CACHE_DIR/versitygw/<version>/versitygw.
source "$(dirname "$0")/lib.sh"
VERSITYGW_VERSION="${VERSITYGW_VERSION:-v1.8.0}"
out="$BERTH_CACHE_DIR/versitygw/$VERSITYGW_VERSION"
[ -x "$out/versitygw" ] && exit 0

export PATH="$PATH:/usr/local/go/bin"
command -v go >/dev/null || die "no Go toolchain found"
say "building versitygw $VERSITYGW_VERSION from its Go module (once)"
module="github.com/versity/versitygw"
work="$(mktemp -d)"
trap 'rm -rf "$work"' EXIT
# No replace directives in its go.mod, so `go install mod@version` builds it as released
# (GOTOOLCHAIN=local: the machine's Go, nothing else fetched).
mkdir -p "$work/out"
(cd "$work" && GOTOOLCHAIN=local GOBIN="$work/out" CGO_ENABLED=0 go install -trimpath \
  -ldflags "-s -w -X main.Version=$VERSITYGW_VERSION" "$module/cmd/versitygw@$VERSITYGW_VERSION") \
  || die "could not build $module@$VERSITYGW_VERSION"
install_build "$work/out" "$out"
"$out/versitygw" --version
