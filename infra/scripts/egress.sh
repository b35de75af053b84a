#!/usr/bin/env bash
# Removes an installation's tenant egress rules: the jumps to its chains and the chains
# themselves, in iptables and ip6tables. The control plane installs them
# (control-plane/src/docker/egress-firewall.ts); `./berth down` and test stacks' stop() remove
# them. Only chains named for this instance are touched.
#   egress.sh remove <instance>     (idempotent)
#   egress.sh show <instance>       print the installed rules
source "$(dirname "$0")/lib.sh"

# Same names as chainsFor() in control-plane/src/docker/egress-rules.ts.
chain_id() {
  local inst="$1"
  if [ "${#inst}" -le 15 ]; then echo "$inst"
  else echo "${inst:0:6}-$(printf %s "$inst" | sha256sum | cut -c1-8)"; fi
}

families() {
  echo iptables
  [ -e /proc/net/if_inet6 ] && command -v ip6tables >/dev/null && echo ip6tables
  return 0
}

remove() {
  local id; id="$(chain_id "$1")"
  local chains=("BERTH-EGRESS-$id" "BERTH-HOST-$id")
  local ipt parent rule chain
  for ipt in $(families); do
    command -v "$ipt" >/dev/null || continue
    for parent in DOCKER-USER FORWARD INPUT; do
      for chain in "${chains[@]}"; do
        # -S prints each rule as the arguments that made it; -A → -D deletes exactly that one.
        # (No such parent, e.g. DOCKER-USER in ip6tables, or no jump in it: nothing to delete.)
        { "$ipt" -w -S "$parent" 2>/dev/null || true; } | { grep -E -- "-j $chain( |\$)" || true; } | sed 's/^-A /-D /' \
          | while read -r -a rule; do "$ipt" -w "${rule[@]}"; done
      done
    done
    for chain in "${chains[@]}"; do
      if "$ipt" -w -S "$chain" >/dev/null 2>&1; then
        "$ipt" -w -F "$chain"
        "$ipt" -w -X "$chain"
      fi
    done
  done
}

show() {
  local id ipt; id="$(chain_id "$1")"
  for ipt in $(families); do
    "$ipt-save" -t filter | grep -E -- "BERTH-(EGRESS|HOST)-$id( |\$)" | sed "s/^/$ipt: /" || true
  done
}

case "${1:-}" in
  remove) remove "${2:?usage: egress.sh remove <instance>}" ;;
  show) show "${2:?usage: egress.sh show <instance>}" ;;
  *) die "usage: egress.sh remove|show <instance>" ;;
esac
