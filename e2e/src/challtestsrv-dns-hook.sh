#!/bin/sh
# DNS "provider" of the ACME test: lego's `exec` provider runs it as
#   challtestsrv-dns-hook.sh present|cleanup <fqdn> <value>
# and it sets or clears the TXT record on pebble-challtestsrv's management API
# (CHALLTESTSRV_URL, given to Traefik's environment by e2e/tests/acme-pebble.test.ts).
set -eu
: "${CHALLTESTSRV_URL:?CHALLTESTSRV_URL is not set}"
case "${1:-}" in
  present) body="{\"host\":\"$2\",\"value\":\"$3\"}"; path=set-txt ;;
  cleanup) body="{\"host\":\"$2\"}"; path=clear-txt ;;
  *) echo "usage: $0 present|cleanup <fqdn> <value>" >&2; exit 2 ;;
esac
exec curl -fsS --max-time 5 -X POST -d "$body" "$CHALLTESTSRV_URL/$path"
