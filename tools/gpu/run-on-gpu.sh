#!/usr/bin/env bash
# Runs `npm run gpu-check` on a bare GPU machine (no Node, no network) from the carried bundle
# .gpu-carry/ (built here by `npm run gpu-bundle`). Arguments go to the check (e.g. --out FILE).
# GPU_CHECK_NO_DEBS=1 skips unpacking the Vulkan .debs into / (for a dry run on a machine of your own).
set -euo pipefail
cd "$(dirname "$0")/../.."
carry=.gpu-carry
app=${GPU_CHECK_APP_DIR:-/tmp/unlearn-lab-gpu}
[ -f "$carry/app.tar.xz" ] || { echo "run-on-gpu: $carry/app.tar.xz is missing: run npm run gpu-bundle and carry $carry" >&2; exit 2; }
if [ "${GPU_CHECK_NO_DEBS:-}" != 1 ]; then
  # The device README's recipe: the Vulkan loader and glvnd unpacked into /, then ldconfig.
  for f in "$carry"/debs/*.deb; do dpkg -x "$f" /; done
  ldconfig
  icd=/usr/local/nvidia/share/vulkan/icd.d/nvidia_icd.json
  if [ -z "${VK_DRIVER_FILES:-}" ] && [ -f "$icd" ]; then export VK_DRIVER_FILES=$icd; fi
fi
rm -rf "$app" && mkdir -p "$app"
if command -v xz >/dev/null 2>&1; then
  xz -dc "$carry/app.tar.xz" | tar -x -C "$app"
else
  python3 -c 'import sys, tarfile; tarfile.open(sys.argv[1]).extractall(sys.argv[2])' "$carry/app.tar.xz" "$app"
fi
exec "$app/app/node" "$app/app/gpu-check.cjs" --data-dir "$app/app/data/fashion-mnist" "$@"
