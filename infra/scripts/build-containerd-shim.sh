#!/usr/bin/env bash
# Builds containerd's runc shim (containerd-shim-runc-v2, pinned) from containerd's Go module
# through the Go module proxy, with the machine's Go and berth's patch (infra/containerd-shim/:
# an idle shim no longer forces a garbage collection every 30 s). Cached outside the repo,
# never committed: $CONTAINERD_SHIM_DIR/containerd-shim-runc-v2 (lib.sh). install-deps.sh puts
# that directory first on the PATH of the dockerd it starts; containerd, dockerd's child,
# looks the shim up on its PATH for every container it starts.
source "$(dirname "$0")/lib.sh"
out="$CONTAINERD_SHIM_DIR"
[ -x "$out/containerd-shim-runc-v2" ] && exit 0

export PATH="$PATH:/usr/local/go/bin"
command -v go >/dev/null || die "no Go toolchain found"
say "building containerd's runc shim $CONTAINERD_SHIM_VERSION ($CONTAINERD_SHIM_PATCH_LEVEL) from its Go module (once)"
module="github.com/containerd/containerd"
patch_file="$BERTH_ROOT/infra/containerd-shim/idle-shim.patch"
[ -f "$patch_file" ] || die "missing $patch_file"
work="$(mktemp -d)"
trap 'rm -rf "$work"' EXIT
go_module_source "$module" "$CONTAINERD_SHIM_VERSION" "$work"
patch -s -p1 -d "$work/src" < "$patch_file" || die "infra/containerd-shim/idle-shim.patch does not apply to $module@$CONTAINERD_SHIM_VERSION"
# Static, without cgo, as containerd's own release builds of the shim; against the dependency
# versions its go.sum pins (-mod=mod: the module proxy's copies, not the vendor directory).
mkdir -p "$work/out"
(cd "$work/src" && GOTOOLCHAIN=local CGO_ENABLED=0 GOFLAGS=-mod=mod go build -trimpath \
  -ldflags "-s -w -X $module/version.Version=${CONTAINERD_SHIM_VERSION#v}+$CONTAINERD_SHIM_PATCH_LEVEL" \
  -o "$work/out/containerd-shim-runc-v2" ./cmd/containerd-shim-runc-v2) \
  || die "could not build $module@$CONTAINERD_SHIM_VERSION's containerd-shim-runc-v2"
install_build "$work/out" "$out"
"$out/containerd-shim-runc-v2" -v | head -2
