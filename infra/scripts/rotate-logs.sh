#!/usr/bin/env bash
# Keeps Traefik's access log under a size cap. Traefik rotates its own log (log.maxSize) but
# only reopens the access log on USR1, and a berth host runs no logrotate: past
# BERTH_LOG_MAX_MIB the file is renamed to .1 (older ones shift, BERTH_LOG_FILES_KEPT are kept)
# and Traefik's container is told to reopen. Lines written between the rename and the reopen land in .1.
#   rotate-logs.sh once <access-log> <traefik-container>
#   rotate-logs.sh loop <access-log> <traefik-container>   (checks every 30 s; stack.sh runs it)
source "$(dirname "$0")/lib.sh"
mode="${1:?usage: rotate-logs.sh once|loop <access-log> <traefik-container>}" file="${2:?}" container="${3:?}"
max=$(( ${BERTH_LOG_MAX_MIB:-20} * 1024 * 1024 )) keep="${BERTH_LOG_FILES_KEPT:-5}"

rotate_once() {
  [ -f "$file" ] && [ "$(stat -c %s "$file")" -ge "$max" ] || return 0
  local i
  for (( i = keep - 1; i >= 1; i-- )); do
    if [ -f "$file.$i" ]; then mv -f "$file.$i" "$file.$((i + 1))"; fi
  done
  if [ "$keep" -gt 0 ]; then mv -f "$file" "$file.1"; else rm -f "$file"; fi
  docker kill -s USR1 "$container" >/dev/null 2>&1 || true
}

case "$mode" in
  once) rotate_once ;;
  loop) while :; do rotate_once; sleep 30; done ;;
  *) die "usage: rotate-logs.sh once|loop <access-log> <traefik-container>" ;;
esac
