#!/usr/bin/env bash
# Replaces Traefik without refusing or failing a request (../shared PLATFORM.md, "Traefik
# handover": 0 errors measured with this design, 68,487 refused with stop-then-start).
# Two Traefiks never share a port: each "slot" (a, b) has its own internal ports for every
# entrypoint; the public ports reach the live slot through nat REDIRECT rules in a chain of this
# installation (edge-nat.mjs). A handover starts Traefik on the idle slot beside the live one,
# waits until that process's own API lists every router of the route files, swaps the chain in
# one transaction (new connections go to the new Traefik; conntrack keeps the ones already made,
# uploads and keep-alive included, on the old one), waits for the old listeners' accept queues
# to empty, then stops the old Traefik, which finishes its in-flight requests (graceTimeOut).
#
# Sourced by stack.sh, or run for tests with BERTH_EDGE_HOOKS naming a file that defines:
#   edge_slot_start <slot>   start Traefik with its entrypoints on the slot's ports
#                            (edge_port <slot> <name>); return once it is started
#   edge_slot_stop <slot>    stop it (SIGTERM, and wait until it has exited)
# State: <state>/run/edge.json = {instance, live, ports: [{name, public, a, b}]}.
#   traefik-handover.sh init <name>=<public port>...   create/update the edge file (slot ports:
#                            BERTH_TRAEFIK_PORTS_A/_B in the names' order, else free ports, kept)
#   traefik-handover.sh install      put the rules in place for the live slot (idempotent)
#   traefik-handover.sh start        start the live slot's Traefik, wait for its routes, install
#   traefik-handover.sh handover [--no-route-wait]   (--no-route-wait: negative controls only)
#   traefik-handover.sh live | port <slot> <name> | show
#   traefik-handover.sh remove       delete every rule and chain, and the edge file
[ -n "${BERTH_ROOT:-}" ] && declare -F say >/dev/null || source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"
EDGE_NAT="$BERTH_ROOT/infra/scripts/edge-nat.mjs"
EDGE_INSTANCE="${BERTH_INSTANCE:-default}"
EDGE_FILE="${BERTH_EDGE_FILE:-$BERTH_STATE_DIR/run/edge.json}"
# How long a new Traefik may take to list every router (3,000 route files load in ~2 s).
EDGE_READY_S="${BERTH_EDGE_READY_TIMEOUT_S:-60}"

edge_json() { node -e "$1" "$EDGE_FILE" "${@:2}"; }
edge_live() { edge_json 'console.log(JSON.parse(require("fs").readFileSync(process.argv[1])).live)'; }
edge_port() {
  edge_json 'const e = JSON.parse(require("fs").readFileSync(process.argv[1])); const p = e.ports.find((p) => p.name === process.argv[3]);
    if (!p) { console.error(`edge file: no port named ${process.argv[3]}`); process.exit(1); } console.log(p[process.argv[2]]);' "$1" "$2"
}
edge_other() { if [ "$1" = a ]; then echo b; else echo a; fi; }

# Creates the edge file, or updates its public ports, keeping the live slot and slot ports.
edge_init() {
  mkdir -p "$(dirname "$EDGE_FILE")"
  edge_json '
    const fs = require("fs"), net = require("net");
    const [file, instance, a, b, ...pairs] = process.argv.slice(1);
    const old = fs.existsSync(file) ? JSON.parse(fs.readFileSync(file)) : null;
    const wanted = pairs.map((s) => { const [name, pub] = s.split("="); return { name, public: Number(pub) }; });
    const list = (v, what) => (v ? v.split(",").map(Number) : null);
    const fixed = { a: list(a), b: list(b) };
    for (const slot of ["a", "b"]) if (fixed[slot] && fixed[slot].length !== wanted.length) {
      console.error(`BERTH_TRAEFIK_PORTS_${slot.toUpperCase()}: expected ${wanted.length} ports (${wanted.map((w) => w.name)}), got "${slot === "a" ? a : b}"`); process.exit(1);
    }
    const free = () => new Promise((res, rej) => { const s = net.createServer(); s.once("error", rej);
      s.listen(0, "0.0.0.0", () => { const p = s.address().port; s.close(() => res(p)); }); });
    (async () => {
      const ports = [];
      for (const [i, w] of wanted.entries()) {
        const kept = old?.ports.find((p) => p.name === w.name);
        ports.push({ ...w, a: fixed.a?.[i] ?? kept?.a ?? await free(), b: fixed.b?.[i] ?? kept?.b ?? await free() });
      }
      const edge = { instance, live: old?.live ?? "a", ports };
      fs.writeFileSync(`${file}.tmp`, JSON.stringify(edge, null, 2) + "\n");
      fs.renameSync(`${file}.tmp`, file);
    })().catch((e) => { console.error(e.message); process.exit(1); });' \
    "$EDGE_INSTANCE" "${BERTH_TRAEFIK_PORTS_A:-}" "${BERTH_TRAEFIK_PORTS_B:-}" "$@"
}
edge_set_live() {
  edge_json 'const fs = require("fs"); const [file, live] = process.argv.slice(1); const e = JSON.parse(fs.readFileSync(file));
    e.live = live; fs.writeFileSync(`${file}.tmp`, JSON.stringify(e, null, 2) + "\n"); fs.renameSync(`${file}.tmp`, file);' "$1"
}

edge_install() {
  # Connections waiting in the accept queue of a closing SO_REUSEPORT listener move to another
  # listener of the port instead of being reset (0/20 survived without it, 20/20 with it).
  sysctl -q -w net.ipv4.tcp_migrate_req=1 >/dev/null 2>&1 || say "could not set net.ipv4.tcp_migrate_req=1 (continuing)"
  node "$EDGE_NAT" install "$EDGE_FILE"
}
edge_remove() {
  # No Node yet (down before the first up): nothing can have installed rules.
  ! command -v node >/dev/null || node "$EDGE_NAT" remove "$EDGE_INSTANCE"
  rm -f "$EDGE_FILE"
}

# The router names of the route files (JSON, as the control plane writes them; a YAML file
# that declares no router, like _tls.yml, has none) that the slot's API does not list yet.
edge_missing_routers() {
  node -e '
    const fs = require("fs"), path = require("path");
    const [dir, api] = process.argv.slice(1);
    const want = new Set();
    for (const f of fs.readdirSync(dir).filter((f) => /\.(ya?ml|json)$/.test(f) && !f.startsWith("."))) {
      const text = fs.readFileSync(path.join(dir, f), "utf8");
      let doc;
      try { doc = JSON.parse(text); } catch {
        if (/routers\s*:/.test(text)) { console.error(`${f}: declares routers but is not JSON; cannot compare`); process.exit(2); }
        continue;
      }
      for (const proto of ["http", "tcp", "udp"]) for (const name of Object.keys(doc?.[proto]?.routers ?? {})) want.add(`${proto}/${name}@file`);
    }
    (async () => {
      const have = new Set();
      for (const proto of ["http", "tcp", "udp"]) {
        // The API pages its lists (100 by default); follow X-Next-Page.
        for (let page = "1"; page && page !== "0"; ) {
          const r = await fetch(`${api}/api/${proto}/routers?per_page=1000&page=${page}`);
          if (!r.ok) throw new Error(`${api}: HTTP ${r.status}`);
          for (const rt of await r.json()) have.add(`${proto}/${rt.name}`);
          page = r.headers.get("x-next-page");
          if (page === "1") break;
        }
      }
      const missing = [...want].filter((n) => !have.has(n));
      if (missing.length) { console.log(missing.join(" ")); process.exit(1); }
    })().catch((e) => { console.log(`unreachable (${e.message})`); process.exit(1); });' "$1" "$2"
}
edge_ready() {
  local api="http://127.0.0.1:$(edge_port "$1" api)"
  curl -fsS "$api/ping" >/dev/null && edge_missing_routers "$2" "$api" >/dev/null
}
# Until the kernel has handed every queued connection of the slot's listeners to Traefik.
edge_queues_empty() {
  local name port q
  for name in http https; do
    port="$(edge_port "$1" "$name")"
    q="$(ss -Hltn "sport = :$port" | awk '{ s += $2 } END { print s + 0 }')"
    [ "$q" = 0 ] || return 1
  done
}

# The live slot's Traefik, started when none runs (first start, after `down`).
edge_start() {
  local live routes="$1"; live="$(edge_live)"
  edge_install
  edge_slot_start "$live"
  wait_until "$EDGE_READY_S" edge_ready "$live" "$routes" \
    || die "Traefik (slot $live) did not list every router of $routes within ${EDGE_READY_S}s; missing: $(edge_missing_routers "$routes" "http://127.0.0.1:$(edge_port "$live" api)" || true)"
}

edge_handover() {
  local routes="$1" skip_wait="${2:-}" live next
  live="$(edge_live)"; next="$(edge_other "$live")"
  local name port
  for name in $(edge_json 'for (const p of JSON.parse(require("fs").readFileSync(process.argv[1])).ports) console.log(p.name)'); do
    port="$(edge_port "$next" "$name")"
    ! ss -Hltn "sport = :$port" | grep -q . || die "slot $next's $name port $port is in use (ss -ltnp 'sport = :$port'); a handover needs it free"
  done
  say "Traefik handover: slot $live -> $next"
  edge_slot_start "$next"
  if [ "$skip_wait" = --no-route-wait ]; then
    # Negative control: swap as soon as the process answers, before it has loaded its routes.
    wait_until "$EDGE_READY_S" curl -fsS "http://127.0.0.1:$(edge_port "$next" api)/ping" || true
  elif ! wait_until "$EDGE_READY_S" edge_ready "$next" "$routes"; then
    local missing; missing="$(edge_missing_routers "$routes" "http://127.0.0.1:$(edge_port "$next" api)" || true)"
    edge_slot_stop "$next"
    die "the new Traefik (slot $next) did not list every router within ${EDGE_READY_S}s (missing: $missing); slot $live stays live"
  fi
  edge_set_live "$next"
  if ! edge_install; then
    edge_set_live "$live"
    edge_slot_stop "$next"
    die "installing the rules for slot $next failed (above); slot $live stays live"
  fi
  wait_until 5 edge_queues_empty "$live" || say "slot $live's accept queue did not empty within 5 s"
  edge_slot_stop "$live"
  say "Traefik handover done: slot $next is live"
}

if [ "${BASH_SOURCE[0]}" = "$0" ]; then
  case "${1:-}" in
    init) shift; edge_init "$@" ;;
    install) edge_install ;;
    start|handover)
      [ -n "${BERTH_EDGE_HOOKS:-}" ] || die "$1 needs BERTH_EDGE_HOOKS: a file defining edge_slot_start and edge_slot_stop"
      source "$BERTH_EDGE_HOOKS"
      routes="${BERTH_ROUTES_DIR:-$BERTH_STATE_DIR/routes}"
      if [ "$1" = start ]; then edge_start "$routes"; else edge_handover "$routes" "${2:-}"; fi ;;
    live) edge_live ;;
    port) edge_port "${2:?slot}" "${3:?name}" ;;
    show) node "$EDGE_NAT" show "$EDGE_INSTANCE" ;;
    remove) edge_remove ;;
    *) die "usage: traefik-handover.sh init <name>=<port>... | install | start | handover [--no-route-wait] | live | port <slot> <name> | show | remove" ;;
  esac
fi
