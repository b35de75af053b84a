#!/usr/bin/env bash
# Recent log lines, one JSON object per line: the control plane's (no slug), or a tenant's (the
# logs of each of its containers, which Docker keeps with a size cap).
#   logs.sh [-n N] [slug]
source "$(dirname "$0")/lib.sh"
usage() { echo "usage: ./berth logs [-n LINES] [SLUG]   (no slug: the control plane's log)"; }
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
  file="$BERTH_LOG_DIR/control-plane.log"
  [ -f "$file" ] || die "no control-plane log at $file (is berth up?)"
  exec tail -n "$lines" "$file"
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
