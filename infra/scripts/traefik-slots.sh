# Traefik as stack.sh runs it: one container per slot of traefik-handover.sh. Sourced by
# stack.sh after its container helpers (run_container, remove, exists, state_of, stamp_of, stamp) and
# settings; never executed.
# The live Traefik is always <name>.traefik (what ./berth status, the log rotation and people
# look for); a handover starts the new one as <name>.traefik.next on the idle slot's ports, and
# once the old one has drained and gone the new one takes the name. <name>.edge re-installs the
# public-port rules when they are missing: after a host reboot the kernel's tables start empty
# and Docker brings Traefik back by itself, with nothing else of berth running yet.
source "$(dirname "${BASH_SOURCE[0]}")/traefik-handover.sh"

slot_of() { docker inspect -f '{{index .Config.Labels "berth.edge-slot"}}' "$1" 2>/dev/null || true; }
traefik_slot_container() {
  local c
  for c in "$NAME.traefik" "$NAME.traefik.next"; do ! exists "$c" || [ "$(slot_of "$c")" != "$1" ] || echo "$c"; done
  return 0
}

# Hooks of traefik-handover.sh. traefik_stamp and traefik_args are set by traefik_converge.
edge_slot_start() {
  local slot="$1" name="$NAME.traefik"
  [ "$(state_of "$name")" != running ] || name="$NAME.traefik.next"
  "$scripts/render-traefik-config.sh" "$run/traefik-$slot.yml" "$ROUTES" "$BERTH_LOG_DIR" "$BIND" \
    "$(edge_port "$slot" http)" "$(edge_port "$slot" https)" "$(edge_port "$slot" api)" \
    "$TLS_DIR/$BERTH_DOMAIN.pem" "$TLS_DIR/$BERTH_DOMAIN-key.pem" "$(edge_port "$slot" cpauth)"
  remove "$name"
  run_container "$name" "$traefik_stamp" --label "berth.edge-slot=$slot" --label "berth.edge-stamp=$traefik_stamp" \
    "${traefik_args[@]}" --configFile="$run/traefik-$slot.yml" || say "started $name (slot $slot)"
}
edge_slot_stop() {
  local c; c="$(traefik_slot_container "$1")"
  # docker stop: SIGTERM, then Traefik finishes its in-flight requests (graceTimeOut).
  [ -z "$c" ] || remove "$c"
  if ! exists "$NAME.traefik" && exists "$NAME.traefik.next"; then
    docker rename "$NAME.traefik.next" "$NAME.traefik"
  fi
}

# traefik_converge <force> <stamp> <docker run args... image>: the live slot's Traefik running
# with this stamp, replaced by a handover when it differs (or when forced), never stopped first.
traefik_converge() {
  local force="$1" live; shift
  traefik_stamp="$(stamp "$@")"; shift
  traefik_args=("$@")
  edge_init http="$HTTP_PORT" https="$HTTPS_PORT" api="$API_PORT" cpauth="$CP_AUTH_PORT"
  live="$(edge_live)"
  # An interrupted handover: finished when the new one was made live, dropped otherwise.
  if exists "$NAME.traefik.next"; then
    if [ "$(slot_of "$NAME.traefik.next")" = "$live" ]; then
      edge_install   # the swap may not have happened: the rules first, then the old one goes
      edge_slot_stop "$(edge_other "$live")"
    else
      remove "$NAME.traefik.next"
    fi
  fi
  if [ "$(state_of "$NAME.traefik")" = running ] && [ "$(slot_of "$NAME.traefik")" = "$live" ]; then
    edge_install
    if [ -n "$force" ] || [ "$(docker inspect -f '{{index .Config.Labels "berth.edge-stamp"}}' "$NAME.traefik")" != "$traefik_stamp" ]; then
      # BERTH_TRAEFIK_HANDOVER_NO_ROUTE_WAIT=1: TEST-ONLY negative control of ./berth bench
      # platform (swap before the new Traefik lists the routes); never set in production.
      edge_handover "$ROUTES" ${BERTH_TRAEFIK_HANDOVER_NO_ROUTE_WAIT:+--no-route-wait}
    fi
  else
    # Nothing serves (first start, after down; or a Traefik from before the slots, bound to the
    # public ports itself, which goes once).
    remove "$NAME.traefik"
    edge_start "$ROUTES"
  fi
  edge_watcher
}

edge_watcher() {
  cp "$scripts/edge-nat.mjs" "$run/edge-nat.mjs.tmp"
  mv "$run/edge-nat.mjs.tmp" "$run/edge-nat.mjs"
  local lock=()
  [ ! -e /run/xtables.lock ] || lock=(-v /run/xtables.lock:/run/xtables.lock)
  run_container "$NAME.edge" "$(stamp "$CP_IMAGE" "$(sha256sum < "$run/edge-nat.mjs")" "$EDGE_FILE")" \
    --label berth.component=edge --cap-add NET_ADMIN --cap-add NET_RAW --security-opt no-new-privileges \
    --read-only -v "$run:$run:ro" "${lock[@]}" \
    "$CP_IMAGE" node "$run/edge-nat.mjs" watch "$EDGE_FILE" || say "started $NAME.edge (re-installs the public-port rules when missing)"
}

# For down: the watcher first (it would put the rules back), then both Traefiks, then the rules.
traefik_down() {
  remove "$NAME.edge"
  remove "$NAME.traefik.next"
  remove "$NAME.traefik"
  edge_remove
}
