# Certificates from an ACME CA by DNS-01 (sourced by render-traefik-config.sh, never executed).
# Off unless BERTH_ACME_DNS_PROVIDER is set; then Traefik's resolver `berth` obtains ONE
# certificate for <domain> and *.<domain> (a wildcard needs DNS-01) as the default certificate
# of its TLS store, and renews it before expiry. Every websecure router keeps `tls: {}`: the
# certificate is picked by SNI from the store, so routes never name a resolver and the control
# plane does not know where certificates come from.
# Settings (documented in README.md, "Certificates"); provider credentials are read by lego
# from Traefik's own environment under the names its provider documents (e.g. CF_DNS_API_TOKEN).

acme_enabled() { [ -n "${BERTH_ACME_DNS_PROVIDER:-}" ]; }

# Values come from the environment: quotes, backslashes and line breaks are refused up front
# (not inside the $(...) that formats them, where `die` would only end a subshell).
acme_check() {
  case "$2" in *'"'* | *\\* | *$'\n'*) die "$1 must not contain quotes, backslashes or line breaks" ;; esac
}
acme_quote() { printf '"%s"' "$1"; }

# YAML flow list of quoted items from a comma-separated setting.
acme_list() {
  local IFS=, item out=""
  for item in $1; do
    item="${item// /}"
    [ -n "$item" ] && out="${out:+$out, }$(acme_quote "$item")"
  done
  printf '[%s]' "$out"
}

# The certificatesResolvers block appended to Traefik's static configuration.
acme_static_config() {
  local provider="$BERTH_ACME_DNS_PROVIDER" hours="${BERTH_ACME_CERT_HOURS:-}" check="${BERTH_ACME_DNS_CHECK:-authoritative}"
  local resolvers="${BERTH_ACME_DNS_RESOLVERS:-}" storage="$BERTH_STATE_DIR/acme/acme.json" f
  [[ "$provider" =~ ^[a-z0-9._-]+$ ]] || die "BERTH_ACME_DNS_PROVIDER: '$provider' is not a lego DNS provider code (e.g. cloudflare, route53, exec)"
  [ -z "$hours" ] || [[ "$hours" =~ ^[1-9][0-9]*$ ]] || die "BERTH_ACME_CERT_HOURS: '$hours' is not a whole number of hours >= 1"
  case "$check" in
    authoritative) ;;
    resolvers) [ -n "$resolvers" ] || die "BERTH_ACME_DNS_CHECK=resolvers needs BERTH_ACME_DNS_RESOLVERS" ;;
    *) die "BERTH_ACME_DNS_CHECK: '$check' is not one of authoritative, resolvers" ;;
  esac
  for f in BERTH_DOMAIN BERTH_ACME_EMAIL BERTH_ACME_CA_SERVER BERTH_ACME_CA_CERTIFICATES BERTH_ACME_PROFILE BERTH_ACME_DNS_RESOLVERS; do
    acme_check "$f" "${!f:-}"
  done
  local IFS=,
  for f in ${BERTH_ACME_CA_CERTIFICATES:-}; do f="${f// /}"; [ -z "$f" ] || [ -r "$f" ] || die "BERTH_ACME_CA_CERTIFICATES: cannot read $f"; done
  unset IFS
  # Traefik creates acme.json with mode 0600 and refuses a more open one: it holds the account key.
  mkdir -p -m 700 "$(dirname "$storage")"

  echo
  echo "# Added by infra/scripts/acme-config.sh: BERTH_ACME_DNS_PROVIDER is set."
  echo "certificatesResolvers:"
  echo "  berth:"
  echo "    acme:"
  echo "      storage: $(acme_quote "$storage")"
  # ECDSA P-256: smaller handshakes and cheap key generation at every renewal.
  echo "      keyType: EC256"
  [ -z "${BERTH_ACME_EMAIL:-}" ] || echo "      email: $(acme_quote "$BERTH_ACME_EMAIL")"
  # Empty means Traefik's default directory (the CA's production directory).
  [ -z "${BERTH_ACME_CA_SERVER:-}" ] || echo "      caServer: $(acme_quote "$BERTH_ACME_CA_SERVER")"
  [ -z "${BERTH_ACME_CA_CERTIFICATES:-}" ] || echo "      caCertificates: $(acme_list "$BERTH_ACME_CA_CERTIFICATES")"
  # How long certificates last (default 90 days) sets when Traefik renews and how often it
  # checks: 30 days before expiry, daily, for 90 days; 20 minutes before, every minute, under a day.
  [ -z "$hours" ] || echo "      certificatesDuration: $hours"
  [ -z "${BERTH_ACME_PROFILE:-}" ] || echo "      profile: $(acme_quote "$BERTH_ACME_PROFILE")"
  echo "      dnsChallenge:"
  echo "        provider: $provider"
  [ -z "$resolvers" ] || echo "        resolvers: $(acme_list "$resolvers")"
  if [ "$check" = resolvers ]; then
    # The challenge record must be visible on every listed resolver; the zone's authoritative
    # nameservers are not asked (split-horizon DNS, or the test's challenge DNS server).
    echo "        propagation:"
    echo "          disableANSChecks: true"
    echo "          requireAllRNS: true"
  fi
}

# The TLS store of the routes directory's _tls.yml: the default certificate comes from the resolver.
acme_tls_store() {
  cat <<EOF
# Installed into the routes directory as _tls.yml by render-traefik-config.sh (ACME on): the
# default certificate of every websecure router is the resolver's wildcard for <domain>.
tls:
  stores:
    default:
      defaultGeneratedCert:
        resolver: berth
        domain:
          main: $(acme_quote "$BERTH_DOMAIN")
          sans: [$(acme_quote "*.$BERTH_DOMAIN")]
EOF
}
