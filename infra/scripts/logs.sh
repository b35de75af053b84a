#!/usr/bin/env bash
# Recent log lines, one JSON object per line: the control plane's (no slug: every web process's), or a tenant's (the
# logs of each of its containers, which Docker keeps with a size cap).
#   logs.sh [-n N] [slug]
source "$(dirname "$0")/lib.sh"
usage() { echo "usage: ./berth logs [-n LINES] [SLUG]   (no slug: the control plane's logs, every web process's, merged by time)"; }
lines=100 slug=""
while [ $# -gt 0 ]; do
  case "$1" in
    -n|--lines) [ $# -ge 2 ] || { usage >&2; exit 2; }; lines="$2"; shift 2 ;;
    --lines=*) lines="${1#*=}"; shift ;;
    -h|--help) usage; exit 0 ;;
    -*) echo "unknown option: $1" >&2; usage >&2; exit 2 ;;
    *) [ -z "$slug" ] || { usage >&2; exit 2; }; slug="$1"; shift ;;
  esac
done
[[ "$lines" =~ ^[0-9]+$ ]] || { echo "-n needs a number of lines, got \"$lines\"" >&2; exit 2; }

if [ -z "$slug" ]; then
  # Every web process writes its own file (control-plane.log, control-plane-2.log, …): their
  # last lines, merged by the ISO time each line starts with.
  shopt -s nullglob
  files=("$BERTH_LOG_DIR"/control-plane.log "$BERTH_LOG_DIR"/control-plane-[0-9]*.log)
  [ ${#files[@]} -gt 0 ] || die "no control-plane log in $BERTH_LOG_DIR (is berth up?)"
  for f in "${files[@]}"; do tail -n "$lines" "$f"; done \
    | sed -E 's/^(\{[^}]*"time":"([^"]*)".*)$/\2\t\1/' | sort -s -t "$(printf '\t')" -k1,1 | cut -f2- | tail -n "$lines"
  exit 0
fi
[[ "$slug" =~ ^[a-z0-9]([a-z0-9-]*[a-z0-9])?$ ]] || { echo "not a tenant slug: \"$slug\"" >&2; exit 2; }
instance="${BERTH_INSTANCE:-default}"
containers="$(docker ps -a --filter "label=berth.instance=$instance" --filter "label=berth.tenant=$slug" \
  --filter "label=berth.role=tenant" --format '{{.ID}} {{.Names}}')"
[ -n "$containers" ] || die "tenant $slug has no container in installation $instance"
while read -r id name; do
  echo "==> $name <=="
  docker logs --tail "$lines" "$id" 2>&1
done <<< "$containers"
