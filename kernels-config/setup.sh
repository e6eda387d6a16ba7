#!/usr/bin/env bash
# Installs whatever unlearn-lab needs and is missing, then builds it and registers its Jupyter kernel.
# Idempotent and quiet when everything is present. Used by `npm start` and `npm test`.
set -euo pipefail
cd "$(dirname "$0")/.."

# chromium: headless static export of Plotly figures (PNG in saved notebooks and HTML reports).
APT_PACKAGES=(dataset-fashion-mnist python3-nbclient python3-nbconvert jupyter-client python3-ipykernel chromium)

say() { echo "unlearn-lab setup: $*"; }

if command -v dpkg-query >/dev/null 2>&1 && command -v apt-get >/dev/null 2>&1; then
  missing=()
  for p in "${APT_PACKAGES[@]}"; do
    dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
  done
  if ((${#missing[@]})); then
    if [ "$(id -u)" = 0 ]; then
      sudo=()
    elif command -v sudo >/dev/null 2>&1 && sudo -n true 2>/dev/null; then
      sudo=(sudo)
    else
      say "missing Debian packages; please run: sudo apt-get install -y ${missing[*]}"
      exit 1
    fi
    say "installing Debian packages: ${missing[*]}"
    "${sudo[@]}" apt-get update -qq
    DEBIAN_FRONTEND=noninteractive "${sudo[@]}" apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
  fi
else
  say "not a Debian/Ubuntu system: install by hand what the Debian packages give:"
  say "  Fashion-MNIST idx files: bash data-scripts/download-fashion-mnist.sh (then FASHION_MNIST_DIR=data/fashion-mnist)"
  say "  Python 3 with: pip install nbclient nbconvert jupyter_client ipykernel"
  say "  Chromium or Chrome for static figures (set UNLEARN_CHROMIUM to its binary if it is not in /usr/bin)"
fi

if [ ! -f node_modules/.package-lock.json ] || [ package-lock.json -nt node_modules/.package-lock.json ]; then
  say "installing npm dependencies (npm ci)"
  npm ci --no-audit --no-fund --loglevel=error
fi

# Rebuild when any library source is newer than the last build.
if [ ! -f dist/.build-stamp ] || [ -n "$(find lib tsconfig.json package.json -newer dist/.build-stamp -print -quit)" ]; then
  say "building (tsc)"
  npm run --silent build
fi

# Notebooks (tslab) resolve modules and their types from the notebook's folder upwards: a link
# node_modules/unlearn-lab -> .. lets `import { ... } from 'unlearn-lab'` find this package's dist/.
if [ "$(readlink node_modules/unlearn-lab 2>/dev/null)" != ".." ]; then
  rm -rf node_modules/unlearn-lab
  ln -s .. node_modules/unlearn-lab
fi

# The kernel: this checkout's own (.jupyter, always) and the per-user one (see register-kernel.cjs;
# `setup.sh --here`, which npm start runs, points the per-user kernel at this checkout).
node kernels-config/register-kernel.cjs --quiet "$@"
