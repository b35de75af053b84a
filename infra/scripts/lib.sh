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
BASE_IMAGE_TAG="${BERTH_BASE_IMAGE:-berth/base-node:$(node --version 2>/dev/null | sed 's/^v//')}"
export BERTH_ROOT BERTH_STATE_DIR BERTH_CACHE_DIR BERTH_LOG_DIR BERTH_DOMAIN TRAEFIK_VERSION TRAEFIK_BIN

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
