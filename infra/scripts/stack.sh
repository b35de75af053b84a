#!/usr/bin/env bash
# berth's own processes as Docker containers on the host network, each restarted by the engine
# (`--restart unless-stopped`: within ~0.1 s of a crash, and again when the engine starts):
# Traefik (<name>.traefik) and BERTH_WEB_PROCESSES control-plane processes (<name>.web-1, …),
# where <name> is berth-<BERTH_INSTANCE>. Images: build-platform-images.sh.
#   stack.sh up                    start what is missing; replace what changed (web processes one at a time)
#   stack.sh down                  remove the containers (never a tenant's) and the egress rules
#   stack.sh restart control-plane|traefik
#   stack.sh pids                  write <state>/run/<component>.pid for ./berth status
# Everything an isolated copy needs comes from the environment (instance, ports, directories:
# see "settings" below), so tests run this same path beside the host's installation.
source "$(dirname "$0")/lib.sh"
scripts="$(dirname "$0")"

# --- settings
INSTANCE="${BERTH_INSTANCE:-default}"
NAME="berth-$INSTANCE"             # a tenant container is berth-<instance>-<slug>-…: never a dot
run="$BERTH_STATE_DIR/run"
HTTPS_PORT="${BERTH_PUBLIC_HTTPS_PORT:-443}"
HTTP_PORT="${BERTH_PUBLIC_HTTP_PORT:-80}"
API_PORT="${BERTH_TRAEFIK_API_PORT:-8099}"
BIND="${BERTH_TRAEFIK_BIND:-0.0.0.0}"
CP_PORT="${BERTH_HTTP_PORT:-8088}"
# Loopback port ForwardAuth calls: Traefik's cpauth entrypoint, balanced over every web process.
CP_AUTH_PORT="${BERTH_CP_AUTH_PORT:-8098}"
WEB_COUNT="${BERTH_WEB_PROCESSES:-2}"
ROUTES="${BERTH_ROUTES_DIR:-$BERTH_STATE_DIR/routes}"
TLS_DIR="${BERTH_TLS_DIR:-$BERTH_STATE_DIR/tls}"
DOCKER_SOCKET="${BERTH_DOCKER_SOCKET:-/var/run/docker.sock}"
[[ "$WEB_COUNT" =~ ^[1-9][0-9]?$ ]] || die "BERTH_WEB_PROCESSES: '$WEB_COUNT' is not a number of processes (1-99)"
# Web process i listens on BERTH_HTTP_PORT + i - 1 and logs to control-plane.log (the first) or
# control-plane-<i>.log, each rotating its own file.
web_port() { echo $(( CP_PORT + $1 - 1 )); }
web_log() { if [ "$1" = 1 ]; then echo "$BERTH_LOG_DIR/control-plane.log"; else echo "$BERTH_LOG_DIR/control-plane-$1.log"; fi; }
# Graceful stops: the control plane drains and stops its background work; Traefik finishes
# in-flight requests for up to its graceTimeOut (30 s). Past these Docker sends SIGKILL.
CP_STOP_S=60 TRAEFIK_STOP_S=40

# --- containers
PLATFORM_LABEL="berth.platform=$INSTANCE"
# A missing container: `docker inspect -f` prints an empty line (and fails), so only its exit
# status says so.
exists() { docker container inspect "$1" >/dev/null 2>&1; }
state_of() { if exists "$1"; then docker container inspect -f '{{.State.Status}}' "$1"; else echo absent; fi; }
stamp_of() { docker inspect -f '{{index .Config.Labels "berth.stamp"}}' "$1" 2>/dev/null || true; }
main_pid() { if exists "$1"; then docker container inspect -f '{{.State.Pid}}' "$1"; else echo 0; fi; }
remove() {
  exists "$1" || return 0
  # docker stop sends SIGTERM and waits (the stop timeout set at run), then SIGKILL.
  docker stop "$1" >/dev/null 2>&1 || true
  docker rm -f "$1" >/dev/null 2>&1 || true
}
# run_container <name> <stamp> <docker run args...>: leaves a running container whose stamp is
# the same; starts a stopped one; otherwise (re)creates it. Returns 0 when nothing changed.
run_container() {
  local name="$1" stamp="$2"; shift 2
  # A change of how it is run (a flag, a mount) replaces it too.
  stamp="$(stamp "$stamp" "$@")"
  if [ "$(stamp_of "$name")" = "$stamp" ]; then
    case "$(state_of "$name")" in
      running|restarting) return 0 ;;
      *) docker start "$name" >/dev/null; return 1 ;;
    esac
  fi
  remove "$name"
  docker run -d --name "$name" --network host --restart unless-stopped \
    --log-driver json-file --log-opt max-size=10m --log-opt max-file=3 \
    --label "$PLATFORM_LABEL" --label "berth.state-dir=$BERTH_STATE_DIR" --label "berth.stamp=$stamp" "$@" >/dev/null
  return 1
}
# Same host path inside (configuration files name host paths); each path once.
mounts=()
add_mount() {
  local m
  for m in "${mounts[@]}"; do [ "${m%%:*}" = "$1" ] && return 0; done
  mounts+=("$1:$1${2:+:$2}")
}
mount_args() { local m; for m in "${mounts[@]}"; do printf '%s\0' -v "$m"; done; }
# Stamp of a container: its image and everything it is started with.
stamp() { printf '%s\n' "$@" | sha256sum | cut -c1-16; }

images() {
  local tags
  tags="$("$scripts/build-platform-images.sh")" || die "building the platform images failed"
  TRAEFIK_IMAGE="$(sed -n 1p <<<"$tags")" CP_IMAGE="$(sed -n 2p <<<"$tags")"
}

# --- Traefik (its own function: a handover can replace it)
source "$scripts/traefik-slots.sh"
traefik_ready() { curl -fsS "http://127.0.0.1:$API_PORT/ping" >/dev/null; }
traefik_env() {
  # The DNS provider's credentials (lego reads them under its provider's names) are the
  # non-BERTH_ keys of the host's settings file, with their values from the environment.
  local file="${BERTH_ENV_FILE:-/etc/berth/berth.env}" key
  : > "$run/traefik.env"; chmod 600 "$run/traefik.env"
  [ -f "$file" ] || return 0
  for key in $(sed -n 's/^[[:space:]]*\([A-Za-z_][A-Za-z0-9_]*\)=.*/\1/p' "$file"); do
    case "$key" in BERTH_*) continue ;; esac
    [ -n "${!key+set}" ] && printf '%s=%s\n' "$key" "${!key}" >> "$run/traefik.env"
  done
  return 0
}
start_traefik() {
  local force="${1:-}" f
  "$scripts/render-traefik-config.sh" "$run/traefik.yml" "$ROUTES" "$BERTH_LOG_DIR" "$BIND" \
    "$HTTP_PORT" "$HTTPS_PORT" "$API_PORT" "$TLS_DIR/$BERTH_DOMAIN.pem" "$TLS_DIR/$BERTH_DOMAIN-key.pem"
  traefik_env
  mounts=()
  add_mount "$BERTH_STATE_DIR"        # run/traefik.yml and acme/ (Traefik writes acme.json)
  add_mount "$ROUTES" ro
  add_mount "$BERTH_LOG_DIR"
  add_mount "$TLS_DIR" ro
  local IFS=,
  for f in ${BERTH_ACME_CA_CERTIFICATES:-}; do f="${f// /}"; [ -z "$f" ] || add_mount "$(readlink -f "$f")" ro; done
  unset IFS
  local name="$NAME.traefik" args s
  mapfile -d '' args < <(mount_args)
  s="$(stamp "$TRAEFIK_IMAGE" "$(docker image inspect -f '{{.Id}}' "$TRAEFIK_IMAGE")" "$(cat "$run/traefik.yml" "$run/traefik.env")" "${mounts[@]}")"
  # run/traefik.yml (public ports) is what the stamp covers; each slot's Traefik listens on its
  # own ports and a change is a handover, never a stop first (traefik-slots.sh).
  traefik_converge "$force" "$s" --label berth.component=traefik --stop-timeout "$TRAEFIK_STOP_S" \
    --env-file "$run/traefik.env" --read-only --tmpfs /tmp "${args[@]}" "$TRAEFIK_IMAGE"
  wait_until 30 traefik_ready || die "Traefik did not answer on 127.0.0.1:$API_PORT; see $BERTH_LOG_DIR/traefik.log and docker logs $name"
}

# --- the control plane
cp_env() {
  # Every BERTH_ setting of the control plane (README, "Settings"), as ./berth read them,
  # except what is set per container below and what only the host's scripts use.
  local key
  : > "$run/control-plane.env"; chmod 600 "$run/control-plane.env"
  for key in $(compgen -e | grep -E '^(BERTH_|AWS_(ACCESS_KEY_ID|SECRET_ACCESS_KEY|SESSION_TOKEN)$)' | sort); do
    case "$key" in
      BERTH_ROOT|BERTH_CACHE_DIR|BERTH_NODE_*|BERTH_ENV_FILE|BERTH_KEEP_TEST_DIRS|BERTH_TLS_DIR|BERTH_TRAEFIK_*|BERTH_WEB_PROCESSES|BERTH_PUBLIC_HTTP_PORT|BERTH_ACME_*) continue ;;
      BERTH_HTTP_PORT|BERTH_LOG_FILE|BERTH_PROCESS_ID|BERTH_LOG_DIR|BERTH_CP_AUTH_PORT) continue ;;
    esac
    [[ "${!key}" == *$'\n'* ]] && die "$key: a value with a line break cannot be passed to the control plane"
    printf '%s=%s\n' "$key" "${!key}" >> "$run/control-plane.env"
  done
  cat >> "$run/control-plane.env" <<EOF
BERTH_STATE_DIR=$BERTH_STATE_DIR
BERTH_DOMAIN=$BERTH_DOMAIN
BERTH_ROUTES_DIR=$ROUTES
BERTH_PUBLIC_HTTPS_PORT=$HTTPS_PORT
BERTH_TRAEFIK_API_URL=http://127.0.0.1:$API_PORT
BERTH_INSTANCE=$INSTANCE
BERTH_DOCKER_SOCKET=$DOCKER_SOCKET
BERTH_LOG_MAX_MIB=${BERTH_LOG_MAX_MIB:-20}
BERTH_LOG_FILES_KEPT=${BERTH_LOG_FILES_KEPT:-5}
BERTH_CP_AUTH_PORT=$(cp_auth_port)
EOF
}
# ForwardAuth goes through the cpauth entrypoint only when the live Traefik has it (its
# configuration was rendered with it); otherwise to the lease holder's own port (0).
cp_auth_port() {
  local live_yml
  live_yml="$run/traefik-$(edge_live 2>/dev/null || echo a).yml"
  if grep -q '^  cpauth:' "$live_yml" 2>/dev/null; then echo "$CP_AUTH_PORT"; else echo 0; fi
}
cp_mounts() {
  mounts=()
  add_mount "$BERTH_STATE_DIR"
  add_mount "$ROUTES"
  add_mount "$BERTH_LOG_DIR"
  [ -z "${BERTH_BACKUP_DIR:-}" ] || { mkdir -p "$BERTH_BACKUP_DIR"; add_mount "$BERTH_BACKUP_DIR"; }
  add_mount "$DOCKER_SOCKET"
  # Tenant volumes: the resource sampler sizes them, Litestream replicates the databases in
  # them and a restore writes into them (read-write for those two).
  add_mount "$(docker info -f '{{.DockerRootDir}}')/volumes"
  # iptables-legacy serialises with Docker's own iptables calls through this lock file.
  [ ! -e /run/xtables.lock ] || add_mount /run/xtables.lock
}
web_stamp() { stamp "$CP_IMAGE" "$(docker image inspect -f '{{.Id}}' "$CP_IMAGE")" "$(cat "$run/control-plane.env")" "${mounts[@]}" "$1"; }
start_web() {
  local i="$1" s="$2" args
  mapfile -d '' args < <(mount_args)
  run_container "$NAME.web-$i" "$s" --label berth.component=control-plane --stop-timeout "$CP_STOP_S" \
    --cap-add NET_ADMIN --cap-add NET_RAW --security-opt no-new-privileges \
    --read-only --tmpfs /tmp --tmpfs /run --env-file "$run/control-plane.env" \
    -e "BERTH_HTTP_PORT=$(web_port "$i")" -e "BERTH_PROCESS_ID=web-$i" -e "BERTH_LOG_FILE=$(web_log "$i")" \
    "${args[@]}" "$CP_IMAGE" || say "started $NAME.web-$i (127.0.0.1:$(web_port "$i"))"
}
# Traefik's view of one web process in the control-plane pool (the service berth-cp, which the
# lease holder writes from the process register, ARCHITECTURE.md "The web pool in Traefik"):
# "up" once Traefik's health check passed, "down" while listed but not yet healthy, "unlisted".
traefik_view() {
  node -e '
    const [api, url] = process.argv.slice(1);
    fetch(`${api}/api/http/services/berth-cp@file`).then(async (r) => {
      const st = r.ok ? (await r.json()).serverStatus?.[url] : undefined;
      console.log(st === undefined ? "unlisted" : st === "UP" ? "up" : "down");
    }).catch(() => console.log("unlisted"));' "http://127.0.0.1:$API_PORT" "http://127.0.0.1:$1"
}
web_answers() { curl -fsS "http://127.0.0.1:$(web_port "$1")/__lbheartbeat__" >/dev/null; }
# Ready: it answers, and Traefik reports it UP. The holder lists a new process within ~1 s of
# its registration and Traefik checks it within another; a control plane without the pool
# (berth-cp naming the holder's port only) never lists it, so after POOL_LIST_S unlisted it is
# taken as ready on its answer alone.
POOL_LIST_S=8
web_ready() {
  local i="$1" port deadline view
  port="$(web_port "$i")"
  wait_until 60 web_answers "$i" || return 1
  deadline=$(( $(date +%s) + POOL_LIST_S ))
  while :; do
    view="$(traefik_view "$port")"
    [ "$view" != up ] || return 0
    if [ "$view" = unlisted ] && [ "$(date +%s)" -ge "$deadline" ]; then
      say "$NAME.web-$i answers; Traefik's berth-cp service does not list it (a control plane without the web pool)"
      return 0
    fi
    [ "$(date +%s)" -lt $(( deadline + 60 )) ] || return 1
    sleep 0.2
  done
}
# Web process numbers in rolling order: the lease holder last, so the background work moves
# once (not once per process) and the others are new before it moves to one of them.
roll_order() {
  local holder="" i p
  for (( i = 1; i <= WEB_COUNT; i++ )); do
    p="$(curl -sS --max-time 2 "http://127.0.0.1:$(web_port "$i")/__heartbeat__" 2>/dev/null || true)"
    [ -n "$p" ] || continue
    holder="$(node -e 'const b = JSON.parse(process.argv[1]); console.log((b.lease?.holder ?? "").split("/")[0])' "$p" 2>/dev/null || true)"
    break
  done
  for (( i = 1; i <= WEB_COUNT; i++ )); do [ "$holder" = "web-$i" ] || echo "$i"; done
  for (( i = 1; i <= WEB_COUNT; i++ )); do [ "$holder" != "web-$i" ] || echo "$i"; done
}
# Web processes whose stamp differs (or all, forced) are replaced one at a time: stop (SIGTERM:
# the process drains itself), start the new one, wait until Traefik reports it UP, next. The
# others keep serving meanwhile.
roll_web() {
  local force="${1:-}" i s
  cp_env
  cp_mounts
  for i in $(roll_order); do
    s="$(web_stamp "$i")"
    [ -z "$force" ] || remove "$NAME.web-$i"
    start_web "$i" "$s" || true
    web_ready "$i" || die "control-plane process $NAME.web-$i did not come up on 127.0.0.1:$(web_port "$i"); see $(web_log "$i") and docker logs $NAME.web-$i"
  done
  # Fewer web processes than before: the extra ones go.
  for name in $(docker ps -a --filter "label=$PLATFORM_LABEL" --filter label=berth.component=control-plane --format '{{.Names}}'); do
    [[ "$name" =~ \.web-([0-9]+)$ ]] && [ "${BASH_REMATCH[1]}" -le "$WEB_COUNT" ] || remove "$name"
  done
}

# --- what earlier versions left
# Before containers, stack.sh ran Traefik, the control plane and the access-log rotation as
# host processes with pid and stamp files; an upgrade stops them once.
stop_host_process() {
  local pidf="$run/$1.pid" pid
  [ -f "$run/$1.stamp" ] && [ -f "$pidf" ] || return 0
  pid="$(cat "$pidf")"
  if kill -0 "$pid" 2>/dev/null; then
    kill -TERM "$pid"
    wait_until 40 bash -c "! kill -0 $pid" || kill -KILL "$pid"
  fi
  rm -f "$pidf" "$run/$1.stamp"
}

# The access-log rotation is a host loop (the Traefik image has no shell) that tells Traefik's
# container to reopen the file; `up` restarts it if it is gone.
start_log_rotate() {
  local pidf="$run/log-rotate.pid" want
  want="$(sha256sum "$scripts/rotate-logs.sh" | cut -c1-16)-${BERTH_LOG_MAX_MIB:-20}-${BERTH_LOG_FILES_KEPT:-5}-$NAME"
  if [ -f "$pidf" ] && kill -0 "$(cat "$pidf")" 2>/dev/null; then
    [ "$(cat "$run/log-rotate.want" 2>/dev/null)" = "$want" ] && return 0
    kill -TERM "$(cat "$pidf")" 2>/dev/null || true
  fi
  setsid nohup "$scripts/rotate-logs.sh" loop "$BERTH_LOG_DIR/access.log" "$INSTANCE" \
    >>"$BERTH_LOG_DIR/log-rotate.stdout.log" 2>&1 </dev/null &
  echo $! > "$pidf"
  echo "$want" > "$run/log-rotate.want"
}
stop_log_rotate() {
  [ -f "$run/log-rotate.pid" ] && kill -TERM "$(cat "$run/log-rotate.pid")" 2>/dev/null || true
  rm -f "$run/log-rotate.pid" "$run/log-rotate.want"
}

# Only containers started for this state directory (another installation of the same
# instance name, e.g. a test's, is not this one's).
write_pids() {
  local name file pid
  for name in traefik web-1; do
    file="$run/$([ "$name" = traefik ] && echo traefik || echo control-plane).pid"
    pid=0
    if [ "$(docker inspect -f '{{index .Config.Labels "berth.state-dir"}}' "$NAME.$name" 2>/dev/null)" = "$BERTH_STATE_DIR" ]; then
      pid="$(main_pid "$NAME.$name")"
    fi
    if [ "$pid" -gt 0 ]; then echo "$pid" > "$file"; else rm -f "$file"; fi
  done
}

case "${1:-up}" in
  pids) [ -d "$run" ] && write_pids; exit 0 ;;
esac
mkdir -p "$run" "$BERTH_LOG_DIR"
case "${1:-up}" in
  up)
    images
    stop_host_process control-plane
    stop_host_process log-rotate
    stop_host_process traefik
    start_traefik
    start_log_rotate
    roll_web
    write_pids
    # Images of earlier builds that no container uses any more (in use: docker refuses).
    for img in $(docker images --filter label=berth.role=platform-image --format '{{.Repository}}:{{.Tag}}'); do
      [ "$img" = "$TRAEFIK_IMAGE" ] || [ "$img" = "$CP_IMAGE" ] || docker rmi "$img" >/dev/null 2>&1 || true
    done
    port=""; [ "$HTTPS_PORT" = 443 ] || port=":$HTTPS_PORT"
    echo
    echo "  berth is up:  https://$BERTH_DOMAIN$port/"
    echo "  trust the local CA in your browser: $TLS_DIR/ca.pem (already trusted for this user's Chromium and curl)"
    echo "  logs: $BERTH_LOG_DIR"
    ;;
  restart)
    images
    case "${2:-}" in
      control-plane) roll_web force ;;
      traefik) start_traefik force ;;
      *) die "usage: stack.sh restart control-plane|traefik" ;;
    esac
    write_pids
    ;;
  down)
    stop_host_process control-plane
    stop_host_process log-rotate
    stop_host_process traefik
    stop_log_rotate
    for name in $(docker ps -a --filter "label=$PLATFORM_LABEL" --filter label=berth.component=control-plane --format '{{.Names}}'); do remove "$name"; done
    traefik_down   # both slots' Traefiks, the rules watcher, the public-port rules
    rm -f "$run/traefik.pid" "$run/control-plane.pid"
    # The control plane installs the tenant egress rules at start; they leave with it.
    "$scripts/egress.sh" remove "$INSTANCE"
    say "stopped (tenant containers keep running, without the egress rules until the next up; volumes are never removed by down)"
    ;;
  *) die "usage: stack.sh up|down|restart control-plane|traefik|pids" ;;
esac
