#!/usr/bin/env bash
# Builds the images berth's own processes run from, locally (no registry):
#   berth/traefik:<traefik version>-<hash>   the cached Traefik binary (static), CA bundle, passwd
#   berth/control-plane:<version>-<hash>     the base image (pinned Node) + the compiled control
#     plane and its dependency closure + the host's iptables (the multi-call binary, its
#     extensions and libraries: the egress rules go in with the same iptables Docker uses) +
#     the Litestream binary (the backup supervisor runs it)
# Each tag carries the hash of what it is built from, so an unchanged build is not rebuilt and a
# changed one gets a new tag (stack.sh replaces containers whose image changed). Prints the two
# tags, one a line: traefik first.
source "$(dirname "$0")/lib.sh"
# One build at a time per cache: two concurrent builds (a bench and a test starting together)
# share the staging directory and trip over each other's files.
mkdir -p "$BERTH_CACHE_DIR"
exec 9>"$BERTH_CACHE_DIR/platform-images.lock"
flock 9
"$(dirname "$0")/build-base-image.sh"
cp_pkgver="$(sed -n 's/^  "version": "\(.*\)",$/\1/p' "$BERTH_ROOT/control-plane/package.json")"
litestream_bin="${BERTH_LITESTREAM_BIN:-$LITESTREAM_BIN}"
[ -x "$TRAEFIK_BIN" ] || die "no Traefik binary at $TRAEFIK_BIN; run build-traefik.sh first"
[ -x "$litestream_bin" ] || die "no Litestream binary at $litestream_bin; run build-litestream.sh first"
[ -f "$BERTH_ROOT/control-plane/dist/main.js" ] || die "the control plane is not built (control-plane/dist/main.js); run the build first"

# Host files copied into an image root at their own paths, symlinks resolved.
copy_host_file() { mkdir -p "$1$(dirname "$2")"; cp -L "$2" "$1$2"; }
# Every shared library the given ELF files link against (the dynamic loader included).
libs_of() { ldd "$@" 2>/dev/null | awk '$2 == "=>" && $3 ~ /^\// { print $3 } $1 ~ /^\// && $2 ~ /^\(/ { print $1 }' | sort -u; }
image_exists() { docker image inspect "$1" >/dev/null 2>&1; }

# --- Traefik: a static Go binary needs no libraries.
ca_bundle=/etc/ssl/certs/ca-certificates.crt
# Contents only (never the paths, which differ with how the script was called).
content_hash() { cat "$@" | sha256sum | cut -c1-12; }
self="$BERTH_ROOT/infra/scripts/build-platform-images.sh"
traefik_hash="$(content_hash "$TRAEFIK_BIN" "$ca_bundle" "$self")"
traefik_tag="berth/traefik:$TRAEFIK_VERSION-$traefik_hash"
if ! image_exists "$traefik_tag"; then
  say "building $traefik_tag"
  root="$(mktemp -d)"
  mkdir -p "$root"/{usr/local/bin,etc,tmp}
  cp "$TRAEFIK_BIN" "$root/usr/local/bin/traefik"
  # The ACME client (lego) verifies the certificate authority's and DNS provider's TLS.
  copy_host_file "$root" "$ca_bundle"
  printf 'root:x:0:0:root:/root:/nonexistent\n' > "$root/etc/passwd"
  chmod 1777 "$root/tmp"
  tar -C "$root" --numeric-owner -c . | docker import \
    --change 'ENTRYPOINT ["/usr/local/bin/traefik"]' \
    --change "LABEL berth.role=platform-image berth.component=traefik berth.content-hash=$traefik_hash" \
    - "$traefik_tag" >/dev/null
  rm -rf "$root"
fi

# --- The control plane.
ipt_multi="$(readlink -f "$(command -v iptables)")"
ip6t_multi="$(readlink -f "$(command -v ip6tables 2>/dev/null || command -v iptables)")"
xt_dir=/usr/lib/x86_64-linux-gnu/xtables
[ -d "$xt_dir" ] || xt_dir="$(dirname "$(ldd "$ipt_multi" | grep -o '/[^ ]*libxtables[^ ]*')")/xtables"
[ -d "$xt_dir" ] || die "cannot find iptables' extensions directory (tried $xt_dir)"
cp_content="$(tree_hash control-plane/package.json control-plane/Dockerfile infra/scripts/stage-control-plane.mjs infra/scripts/dependency-closure.mjs)"
cp_content="$(printf '%s\n' "$cp_content" "$(cat "$BERTH_ROOT/control-plane/dist/.build-hash" 2>/dev/null)" \
  "$(cat "$BERTH_ROOT/control-plane/dist/COMMIT" 2>/dev/null)" "$BASE_IMAGE_TAG" "$(docker image inspect -f '{{.Id}}' "$BASE_IMAGE_TAG")" \
  "$(content_hash "$ipt_multi" "$ip6t_multi" "$litestream_bin" "$self")" "$(ls -l "$xt_dir" | sha256sum)" | sha256sum | cut -c1-12)"
cp_tag="berth/control-plane:$cp_pkgver-$cp_content"
if ! image_exists "$cp_tag"; then
  say "building $cp_tag"
  stage="$BERTH_CACHE_DIR/stage/control-plane"
  node "$BERTH_ROOT/infra/scripts/stage-control-plane.mjs" "$stage" >/dev/null
  tools="$stage/tools"
  mkdir -p "$tools/usr/sbin" "$tools/etc"
  # iptables-nft (or -legacy) is one multi-call binary that acts by the name it is called by.
  for f in "$ipt_multi" "$ip6t_multi"; do cp -L "$f" "$tools/usr/sbin/$(basename "$f")"; done
  for n in iptables iptables-save iptables-restore; do ln -sf "$(basename "$ipt_multi")" "$tools/usr/sbin/$n"; done
  for n in ip6tables ip6tables-save ip6tables-restore; do ln -sf "$(basename "$ip6t_multi")" "$tools/usr/sbin/$n"; done
  mkdir -p "$tools$xt_dir"
  cp -L "$xt_dir"/*.so "$tools$xt_dir/"
  for lib in $(libs_of "$ipt_multi" "$ip6t_multi" "$xt_dir"/*.so); do copy_host_file "$tools" "$lib"; done
  cp /etc/protocols "$tools/etc/protocols"
  # Litestream at the path BERTH_LITESTREAM_BIN names, so the setting means the same inside.
  copy_host_file "$tools" "$litestream_bin"
  docker build -q --build-arg "BASE_IMAGE=$BASE_IMAGE_TAG" --label "berth.content-hash=$cp_content" \
    -t "$cp_tag" "$stage" 2> >(grep -v -i -E "deprecated|buildx|^ *$|docs\.docker" >&2) >/dev/null
fi
echo "$traefik_tag"
echo "$cp_tag"
