#!/usr/bin/env bash
# Builds the local base image without pulling anything: berth's pinned Node runtime
# (install-node.sh, the same binary the host processes run), the shared libraries it and the
# better-sqlite3 addon need, and /etc/passwd with the app user (uid 10001). No shell, no package manager: anything exec'd inside must be exec-form.
# Dockerfiles take the base as a build argument, so elsewhere the official Node image works too.
source "$(dirname "$0")/lib.sh"
tag="$BASE_IMAGE_TAG"
docker image inspect "$tag" >/dev/null 2>&1 && exit 0

say "building base image $tag from the pinned Node runtime"
root="$(mktemp -d)"
trap 'rm -rf "$root"' EXIT
node_bin="$BERTH_NODE_DIR/bin/node"
[ "$("$node_bin" --version 2>/dev/null)" = "v$BERTH_NODE_VERSION" ] || die "Node $BERTH_NODE_VERSION is not installed in $BERTH_NODE_DIR; run install-node.sh first"
mkdir -p "$root"/{usr/local/bin,etc,tmp,data,app}
cp "$node_bin" "$root/usr/local/bin/node"
# The addon file better-sqlite3 really loads (a prebuilt one from its package, or one compiled
# here), read from the process's own mappings rather than guessed from the package layout.
addon="$(cd "$BERTH_ROOT/tenant-image" && "$node_bin" -e "new (require('better-sqlite3'))(':memory:').close(); \
  const m = require('fs').readFileSync('/proc/self/maps', 'utf8').match(/\/\S*better[-_]sqlite3\S*\.node$/m); process.stdout.write(m ? m[0] : '')" 2>/dev/null)" || true
[ -n "$addon" ] || die "better-sqlite3 does not load under $node_bin; run the dependency install first"
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
