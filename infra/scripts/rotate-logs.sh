#!/usr/bin/env bash
# Keeps Traefik's access log under a size cap. Traefik rotates its own log (log.maxSize) but
# only reopens the access log on USR1, and a berth host runs no logrotate: past
# BERTH_LOG_MAX_MIB the file is renamed to .1 (older ones shift, BERTH_LOG_FILES_KEPT are kept)
# and every Traefik container of the installation (label berth.platform=<instance>; two during a
# handover, both writing this file) is told to reopen. Lines written between the rename and the
# reopen land in .1.
#   rotate-logs.sh once <access-log> <instance>
#   rotate-logs.sh loop <access-log> <instance>   (checks every 30 s; stack.sh runs it)
source "$(dirname "$0")/lib.sh"
mode="${1:?usage: rotate-logs.sh once|loop <access-log> <instance>}" file="${2:?}" instance="${3:?}"
max=$(( ${BERTH_LOG_MAX_MIB:-20} * 1024 * 1024 )) keep="${BERTH_LOG_FILES_KEPT:-5}"

rotate_once() {
  [ -f "$file" ] && [ "$(stat -c %s "$file")" -ge "$max" ] || return 0
  local i
  for (( i = keep - 1; i >= 1; i-- )); do
    if [ -f "$file.$i" ]; then mv -f "$file.$i" "$file.$((i + 1))"; fi
  done
  if [ "$keep" -gt 0 ]; then mv -f "$file" "$file.1"; else rm -f "$file"; fi
  local c
  for c in $(docker ps -q --filter "label=berth.platform=$instance" --filter label=berth.component=traefik); do
    docker kill -s USR1 "$c" >/dev/null 2>&1 || true
  done
}

case "$mode" in
  once) rotate_once ;;
  loop) while :; do rotate_once; sleep 30; done ;;
  *) die "usage: rotate-logs.sh once|loop <access-log> <instance>" ;;
esac
