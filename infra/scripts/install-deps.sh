#!/usr/bin/env bash
# Installs what is missing, idempotently: Debian packages (Docker engine, Chromium, NSS tools,
# sqlite3), a running dockerd, the pinned Node runtime (install-node.sh), pnpm, and the
# workspace's dependencies. From the runtime on, everything runs on the pinned Node (lib.sh
# puts it first on PATH), pnpm and the native addons' builds included.
source "$(dirname "$0")/lib.sh"

need=()
command -v dockerd >/dev/null || need+=(docker.io)
[ -x /usr/bin/chromium ] || need+=(chromium)
command -v certutil >/dev/null || need+=(libnss3-tools)
command -v sqlite3 >/dev/null || need+=(sqlite3)
command -v openssl >/dev/null || need+=(openssl)
command -v curl >/dev/null || need+=(curl)
command -v git >/dev/null || need+=(git)
command -v npm >/dev/null || need+=(npm)   # only to fetch the pinned runtime and pnpm
command -v go >/dev/null || [ -x /usr/local/go/bin/go ] || need+=(golang-go)
if [ ${#need[@]} -gt 0 ]; then
  say "installing Debian packages: ${need[*]}"
  apt-get update -qq
  DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "${need[@]}" >/dev/null
fi

# containerd's runc shim with berth's patch (infra/containerd-shim/README.md): each running
# container has one, and Debian's forces a garbage collection every 30 s, ~5 % of a core for
# 200 idle instances on this kind of host.
"$(dirname "$0")/build-containerd-shim.sh"

# Start the engine when its socket does not answer (no systemd on these machines), with the
# patched shim first on its PATH: containerd, which dockerd starts, looks the shim up there.
if ! docker version --format '{{.Server.Version}}' >/dev/null 2>&1; then
  say "starting dockerd"
  mkdir -p "$BERTH_LOG_DIR"
  PATH="$CONTAINERD_SHIM_DIR:$PATH" setsid nohup dockerd >>"$BERTH_LOG_DIR/dockerd.log" 2>&1 </dev/null &
  wait_until 60 docker version --format '{{.Server.Version}}' || die "dockerd did not answer within 60 s; see $BERTH_LOG_DIR/dockerd.log"
else
  dockerd_pid="$(pgrep -xo dockerd || true)"
  if [ -n "$dockerd_pid" ] && ! grep -qz "^PATH=$CONTAINERD_SHIM_DIR:" "/proc/$dockerd_pid/environ" 2>/dev/null; then
    say "note: the running dockerd was not started with berth's containerd shim on its PATH; containers keep the distribution's shim (more idle CPU, docs/production.md section 1)"
  fi
fi

"$(dirname "$0")/install-node.sh"
[ "$(node --version)" = "v$BERTH_NODE_VERSION" ] || die "node on PATH is $(node --version), not the pinned v$BERTH_NODE_VERSION ($BERTH_NODE_DIR)"

# pnpm is JavaScript started by `env node`: with the pinned runtime first on PATH, it runs on it.
if ! command -v pnpm >/dev/null || [ "$(pnpm --version)" != "9.15.9" ]; then
  say "installing pnpm 9.15.9"
  npm install -g pnpm@9.15.9 >/dev/null 2>&1
fi

# better-sqlite3 and argon2 ship N-API addons in their packages; anything compiled from source
# builds against the pinned runtime's headers (lib.sh sets npm_config_nodedir). The stamp holds
# the runtime's version: under a new runtime the dependencies are installed and rebuilt.
cd "$BERTH_ROOT"
stamp="node_modules/.berth-install-stamp"
want="$(sha256sum pnpm-lock.yaml package.json */package.json | sha256sum | cut -c1-16) $(node --version)"
if [ ! -f "$stamp" ] || [ "$(cat "$stamp")" != "$want" ]; then
  say "installing workspace dependencies"
  pnpm install --frozen-lockfile --reporter=append-only 2>&1 | grep -v '^node_modules/.* install: ' | tail -5
  if [ -f "$stamp" ] && [ "$(cut -d' ' -f2 "$stamp")" != "$(node --version)" ]; then
    say "rebuilding native dependencies for Node $(node --version)"
    quietly "pnpm rebuild" pnpm rebuild
  fi
  echo "$want" > "$stamp"
fi
