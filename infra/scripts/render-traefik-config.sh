#!/usr/bin/env bash
# Renders Traefik's static configuration and the TLS file of the routes directory.
#   render-traefik-config.sh <out.yml> <routes-dir> <log-dir> <bind> <http-port> <https-port> <api-port> <cert> <key> [<cpauth-port>]
# <cpauth-port>: the loopback entrypoint ForwardAuth calls (BERTH_CP_AUTH_PORT); none: no such entrypoint.
source "$(dirname "$0")/lib.sh"
out="$1" routes="$2" logs="$3" bind="$4" http="$5" https="$6" api="$7" cert="$8" key="$9" cpauth="${10:-}"
[ -z "$cpauth" ] || [[ "$cpauth" =~ ^[1-9][0-9]*$ ]] || die "cpauth port: '$cpauth' is not a port number"
cpauth_block=()
[ -n "$cpauth" ] || cpauth_block=(-e '/# cpauth:begin/,/# cpauth:end/d')
mkdir -p "$routes" "$logs" "$(dirname "$out")"
# Route files name every tenant and its container addresses; access logs name every client.
# Traefik runs as root, so owner-only costs it nothing.
chmod 700 "$routes" "$logs"
# Log size cap and rotated files kept: the control plane's settings of the same names.
log_max_mib="${BERTH_LOG_MAX_MIB:-20}" log_kept="${BERTH_LOG_FILES_KEPT:-5}"
sed "${cpauth_block[@]}" -e "s|@CP_AUTH_PORT@|$cpauth|g" -e "s|@BIND@|$bind|g" -e "s|@HTTP_PORT@|$http|g" -e "s|@HTTPS_PORT@|$https|g" -e "s|@API_PORT@|$api|g" \
    -e "s|@ROUTES_DIR@|$routes|g" -e "s|@LOG_DIR@|$logs|g" \
    -e "s|@LOG_MAX_MIB@|$log_max_mib|g" -e "s|@LOG_FILES_KEPT@|$log_kept|g" \
    "$BERTH_ROOT/traefik/traefik.template.yml" > "$out.tmp"
# Certificates by ACME DNS-01 when BERTH_ACME_DNS_PROVIDER is set; else the local CA's files.
source "$(dirname "$0")/acme-config.sh"
if acme_enabled; then acme_static_config >> "$out.tmp"; fi
mv "$out.tmp" "$out"
# Written with temp + rename inside the watched directory, like every route file (F12).
if acme_enabled; then acme_tls_store > "$routes/._tls.yml.tmp"
else sed -e "s|@CERT_FILE@|$cert|g" -e "s|@KEY_FILE@|$key|g" "$BERTH_ROOT/traefik/dynamic/_tls.yml.template" > "$routes/._tls.yml.tmp"
fi
mv "$routes/._tls.yml.tmp" "$routes/_tls.yml"
