#!/usr/bin/env bash
# Builds Traefik (pinned) from its own Go module through the Go module proxy, with the
# machine's Go. Its go.mod has replace directives, so it is built inside a copy of the module
# (not with `go install`). The binary is cached outside the repo and never committed.
source "$(dirname "$0")/lib.sh"
# (Output captured first: `grep -q` closing the pipe early would fail the pipeline under pipefail.)
if [ -x "$TRAEFIK_BIN" ]; then
  have="$("$TRAEFIK_BIN" version 2>/dev/null || true)"
  case "$have" in *"$TRAEFIK_VERSION"*) exit 0 ;; esac
fi

export PATH="$PATH:/usr/local/go/bin"
command -v go >/dev/null || die "no Go toolchain found"
say "building Traefik $TRAEFIK_VERSION from its Go module (takes a few minutes, once)"
work="$(mktemp -d)"
trap 'rm -rf "$work"' EXIT
dir="$(cd "$work" && GOFLAGS=-mod=mod go mod download -json "github.com/traefik/traefik/v3@$TRAEFIK_VERSION" | sed -n 's/^\s*"Dir": "\(.*\)",$/\1/p')"
[ -n "$dir" ] && [ -d "$dir" ] || die "could not download github.com/traefik/traefik/v3@$TRAEFIK_VERSION"
cp -r "$dir" "$work/src" && chmod -R u+w "$work/src"
mkdir -p "$(dirname "$TRAEFIK_BIN")"
(cd "$work/src" && CGO_ENABLED=0 go build -trimpath \
  -ldflags "-s -w -X github.com/traefik/traefik/v3/pkg/version.Version=$TRAEFIK_VERSION" \
  -o "$TRAEFIK_BIN.tmp" ./cmd/traefik)
mv "$TRAEFIK_BIN.tmp" "$TRAEFIK_BIN"
"$TRAEFIK_BIN" version | head -1
