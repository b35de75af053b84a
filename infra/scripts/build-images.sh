#!/usr/bin/env bash
# Builds berth's tenant image from tenant-image/Dockerfile on top of the local base image.
#   build-images.sh [--version V]   tags berth/tenant:V and berth/tenant:current
# A second version for rollout tests is one command: ./berth image --version v2
source "$(dirname "$0")/lib.sh"
version=""
tag_current=1
while [ $# -gt 0 ]; do
  case "$1" in
    --version) version="$2"; shift 2 ;;
    --no-current) tag_current=0; shift ;;
    *) die "unknown option $1" ;;
  esac
done
commit="$(git -C "$BERTH_ROOT" rev-parse --short HEAD 2>/dev/null || echo unknown)"
pkgver="$(node -p "require('$BERTH_ROOT/tenant-image/package.json').version")"
version="${version:-$pkgver-$commit}"
"$(dirname "$0")/build-base-image.sh"
h="$(tree_hash tenant-image/src tenant-image/scripts tenant-image/package.json tenant-image/tsconfig.json tsconfig.base.json pnpm-lock.yaml patches)"
if [ "$(cat "$BERTH_ROOT/tenant-image/dist/.build-hash" 2>/dev/null)" != "$h" ]; then
  quietly "building tenant-image" pnpm -C "$BERTH_ROOT" --filter @berth/tenant-image run build
  echo "$h" > "$BERTH_ROOT/tenant-image/dist/.build-hash"
fi
# The image carries the hash of everything it is built from; an identical image is not rebuilt.
content="$(tree_hash tenant-image/src tenant-image/scripts tenant-image/Dockerfile tenant-image/package.json pnpm-lock.yaml patches infra/scripts/stage-tenant-app.mjs)-$version-$BASE_IMAGE_TAG"
if [ "$(docker image inspect -f '{{index .Config.Labels "berth.content-hash"}}' "berth/tenant:$version" 2>/dev/null)" = "$content" ]; then
  [ "$tag_current" = 1 ] && docker tag "berth/tenant:$version" berth/tenant:current
  echo "berth/tenant:$version"
  exit 0
fi
stage="$BERTH_CACHE_DIR/stage/tenant-image"
node "$BERTH_ROOT/infra/scripts/stage-tenant-app.mjs" "$stage" >/dev/null
say "building berth/tenant:$version"
docker build -q --build-arg "BASE_IMAGE=$BASE_IMAGE_TAG" --build-arg "TENANT_VERSION=$version" \
  --build-arg "TENANT_COMMIT=$commit" --label "berth.content-hash=$content" -t "berth/tenant:$version" "$stage" 2> >(grep -v -i -E "deprecated|buildx|^ *$|docs\.docker" >&2) >/dev/null
[ "$tag_current" = 1 ] && docker tag "berth/tenant:$version" berth/tenant:current
echo "berth/tenant:$version"
