#!/usr/bin/env bash
# Builds the local base image without pulling anything: this machine's own `node` binary, the
# shared libraries it and the compiled better-sqlite3 addon need, and /etc/passwd with the app
# user (uid 10001). No shell, no package manager: anything exec'd inside must be exec-form.
# Dockerfiles take the base as a build argument, so elsewhere the official Node image works too.
source "$(dirname "$0")/lib.sh"
tag="$BASE_IMAGE_TAG"
docker image inspect "$tag" >/dev/null 2>&1 && exit 0

say "building base image $tag from this machine's Node runtime"
root="$(mktemp -d)"
trap 'rm -rf "$root"' EXIT
node_bin="$(readlink -f "$(command -v node)")"
mkdir -p "$root"/{usr/local/bin,etc,tmp,data,app}
cp "$node_bin" "$root/usr/local/bin/node"
addon="$(find "$BERTH_ROOT/node_modules/better-sqlite3/build/Release" -name 'better_sqlite3.node' | head -1)"
[ -n "$addon" ] || die "better-sqlite3 is not built; run the dependency install first"
# Every library the runtime and the addon link against, with the dynamic loader itself.
for lib in $(ldd "$node_bin" "$addon" | grep -o '/[^ ]*\.so[^ ]*' | sort -u); do
  mkdir -p "$root$(dirname "$lib")"
  cp -L "$lib" "$root$lib"
done
printf 'root:x:0:0:root:/root:/nonexistent\napp:x:10001:10001:berth app:/app:/nonexistent\n' > "$root/etc/passwd"
printf 'root:x:0:\napp:x:10001:\n' > "$root/etc/group"
chmod 1777 "$root/tmp"
chown 10001:10001 "$root/data"
tar -C "$root" --numeric-owner -c . | docker import \
  --change 'ENV PATH=/usr/local/bin:/usr/bin:/bin' \
  --change 'USER 10001:10001' \
  --change 'WORKDIR /app' \
  --change 'LABEL berth.role=base' \
  - "$tag" >/dev/null
say "base image $tag: $(docker image inspect "$tag" --format '{{.Size}}' | awk '{printf "%.0f MB", $1/1e6}')"
