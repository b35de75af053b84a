#!/usr/bin/env bash
# Starts (or leaves running, when already right) Traefik and the control plane of the local
# installation; `stack.sh down` stops them. Never touches tenant volumes.
source "$(dirname "$0")/lib.sh"
run="$BERTH_STATE_DIR/run"
mkdir -p "$run" "$BERTH_LOG_DIR"
HTTPS_PORT="${BERTH_PUBLIC_HTTPS_PORT:-443}"
HTTP_PORT="${BERTH_PUBLIC_HTTP_PORT:-80}"
API_PORT="${BERTH_TRAEFIK_API_PORT:-8099}"
CP_PORT="${BERTH_HTTP_PORT:-8088}"
ROUTES="${BERTH_ROUTES_DIR:-$BERTH_STATE_DIR/routes}"

alive() { [ -f "$run/$1.pid" ] && kill -0 "$(cat "$run/$1.pid")" 2>/dev/null; }
stop() {
  alive "$1" || { rm -f "$run/$1.pid"; return 0; }
  local pid; pid="$(cat "$run/$1.pid")"
  kill -TERM "$pid"
  wait_until 40 bash -c "! kill -0 $pid" || kill -KILL "$pid"
  rm -f "$run/$1.pid" "$run/$1.stamp"
}
# start <name> <stamp> <command...>: (re)starts only when not running or its stamp changed.
start() {
  local name="$1" stamp="$2"; shift 2
  if alive "$name" && [ "$(cat "$run/$name.stamp" 2>/dev/null)" = "$stamp" ]; then return 0; fi
  stop "$name"
  say "starting $name"
  # Each process writes (and rotates) its own log file; stdout/stderr only catch what comes
  # before that (a configuration error, a crash at start).
  setsid nohup "$@" >>"$BERTH_LOG_DIR/$name.stdout.log" 2>&1 </dev/null &
  echo $! > "$run/$name.pid"
  echo "$stamp" > "$run/$name.stamp"
}

case "${1:-up}" in
  down)
    stop control-plane
    stop log-rotate
    stop traefik
    # The control plane installs the tenant egress rules at start; they leave with it.
    "$(dirname "$0")/egress.sh" remove "${BERTH_INSTANCE:-default}"
    say "stopped (tenant containers keep running, without the egress rules until the next up; volumes are never removed by down)"
    ;;
  up)
    tls="$BERTH_STATE_DIR/tls"
    "$(dirname "$0")/render-traefik-config.sh" "$run/traefik.yml" "$ROUTES" "$BERTH_LOG_DIR" 0.0.0.0 \
      "$HTTP_PORT" "$HTTPS_PORT" "$API_PORT" "$tls/$BERTH_DOMAIN.pem" "$tls/$BERTH_DOMAIN-key.pem"
    start traefik "$(sha256sum "$run/traefik.yml" "$TRAEFIK_BIN" | sha256sum | cut -c1-16)" \
      "$TRAEFIK_BIN" --configFile="$run/traefik.yml"
    wait_until 30 curl -fsS "http://127.0.0.1:$API_PORT/ping" || die "Traefik did not answer; see $BERTH_LOG_DIR/traefik.log and traefik.stdout.log"
    start log-rotate "$(sha256sum "$BERTH_ROOT/infra/scripts/rotate-logs.sh" | cut -c1-16)-${BERTH_LOG_MAX_MIB:-20}-${BERTH_LOG_FILES_KEPT:-5}" \
      "$BERTH_ROOT/infra/scripts/rotate-logs.sh" loop "$BERTH_LOG_DIR/access.log" "$run/traefik.pid"
    cp_stamp="$(cd "$BERTH_ROOT" && find control-plane/dist -type f -print0 | sort -z | xargs -0 sha256sum | sha256sum | cut -c1-16)-$HTTPS_PORT-$BERTH_DOMAIN-${BERTH_TENANT_EGRESS:-}-node$BERTH_NODE_VERSION"
    start control-plane "$cp_stamp" env BERTH_STATE_DIR="$BERTH_STATE_DIR" BERTH_DOMAIN="$BERTH_DOMAIN" \
      BERTH_ROUTES_DIR="$ROUTES" BERTH_HTTP_PORT="$CP_PORT" BERTH_PUBLIC_HTTPS_PORT="$HTTPS_PORT" \
      BERTH_TRAEFIK_API_URL="http://127.0.0.1:$API_PORT" BERTH_LOG_FILE="$BERTH_LOG_DIR/control-plane.log" \
      BERTH_LOG_MAX_MIB="${BERTH_LOG_MAX_MIB:-20}" BERTH_LOG_FILES_KEPT="${BERTH_LOG_FILES_KEPT:-5}" \
      "$BERTH_NODE_DIR/bin/node" --conditions=berth-compiled "$BERTH_ROOT/control-plane/dist/main.js"
    wait_until 30 curl -fsS "http://127.0.0.1:$CP_PORT/__lbheartbeat__" || die "the control plane did not answer; see $BERTH_LOG_DIR/control-plane.log and control-plane.stdout.log"
    port=""; [ "$HTTPS_PORT" = 443 ] || port=":$HTTPS_PORT"
    echo
    echo "  berth is up:  https://$BERTH_DOMAIN$port/"
    echo "  trust the local CA in your browser: $tls/ca.pem (already trusted for this user's Chromium and curl)"
    echo "  logs: $BERTH_LOG_DIR"
    ;;
  *) die "usage: stack.sh up|down" ;;
esac
