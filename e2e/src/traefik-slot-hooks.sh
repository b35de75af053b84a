# Sourced by infra/scripts/traefik-handover.sh (BERTH_EDGE_HOOKS) in tests: one Traefik per slot
# as a plain host process of the cached binary (stack.sh's hooks run containers instead), its
# static configuration rendered the way e2e/src/stack.ts renders it, on the slot's ports.
# Environment: HOOK_DIR (the test's directory: configs, pid files, logs), HOOK_TRAEFIK_BIN,
# HOOK_CERT, HOOK_KEY, BERTH_ROUTES_DIR; HOOK_ROUTES_DIR_<slot> overrides the routes directory
# of one slot (the negative control starts a Traefik that has no routes).
edge_slot_start() {
  local slot="$1" routes_var="HOOK_ROUTES_DIR_$1"
  local routes="${!routes_var:-$BERTH_ROUTES_DIR}"
  "$BERTH_ROOT/infra/scripts/render-traefik-config.sh" "$HOOK_DIR/traefik-$slot.yml" "$routes" "$HOOK_DIR/logs-$slot" 127.0.0.1 \
    "$(edge_port "$slot" http)" "$(edge_port "$slot" https)" "$(edge_port "$slot" api)" "$HOOK_CERT" "$HOOK_KEY"
  setsid "$HOOK_TRAEFIK_BIN" --configFile="$HOOK_DIR/traefik-$slot.yml" >>"$HOOK_DIR/traefik-$slot.stdout.log" 2>&1 </dev/null &
  echo $! > "$HOOK_DIR/traefik-$slot.pid"
}
edge_slot_stop() {
  local pidf="$HOOK_DIR/traefik-$1.pid" pid
  [ -f "$pidf" ] || return 0
  pid="$(cat "$pidf")"
  kill -TERM "$pid" 2>/dev/null || true
  # Traefik finishes in-flight requests for up to its graceTimeOut (30 s).
  wait_until 40 bash -c "! kill -0 $pid" || kill -KILL "$pid" 2>/dev/null || true
  rm -f "$pidf"
}
