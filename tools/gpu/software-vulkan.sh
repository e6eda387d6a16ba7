#!/usr/bin/env bash
# Installs a software Vulkan driver (Mesa's lavapipe) and the Vulkan loader, so that the webgpu backend's
# code path (Dawn, WGSL kernels, asynchronous reads) runs on a machine without a GPU: `npm run test:slow`
# runs the GPU check on it (UNLEARN_WEBGPU_SOFTWARE=1). Dawn needs Mesa >= 24 (bookworm's 22.3 lavapipe
# lacks shaderUniformArrayDynamicIndexing), so on Debian 12 it comes from bookworm-backports.
# Idempotent: does nothing when a new enough lavapipe is installed.
set -euo pipefail
say() { echo "software-vulkan: $*"; }
have() { dpkg-query -W -f='${Version}' mesa-vulkan-drivers 2>/dev/null || true; }
major=$(have | sed -E 's/^([0-9]+)\..*/\1/')
if [ -n "$major" ] && [ "$major" -ge 24 ] && dpkg-query -W -f='${Status}' libvulkan1 2>/dev/null | grep -q "install ok installed"; then
  exit 0
fi
sudo=()
if [ "$(id -u)" != 0 ]; then
  if command -v sudo >/dev/null 2>&1 && sudo -n true 2>/dev/null; then sudo=(sudo); else
    say "needs root: run sudo bash $0"; exit 1
  fi
fi
. /etc/os-release
target=()
if [ "${VERSION_CODENAME:-}" = bookworm ]; then
  list=/etc/apt/sources.list.d/bookworm-backports.list
  [ -f "$list" ] || echo "deb http://deb.debian.org/debian bookworm-backports main" | "${sudo[@]}" tee "$list" >/dev/null
  target=(-t bookworm-backports)
fi
say "installing libvulkan1 and mesa-vulkan-drivers ${target[*]}"
"${sudo[@]}" apt-get update -qq
DEBIAN_FRONTEND=noninteractive "${sudo[@]}" apt-get install -y -qq --no-install-recommends libvulkan1 "${target[@]}" mesa-vulkan-drivers >/dev/null
major=$(have | sed -E 's/^([0-9]+)\..*/\1/')
[ -n "$major" ] && [ "$major" -ge 24 ] || { say "mesa-vulkan-drivers $(have) is older than 24: Dawn cannot use it"; exit 1; }
