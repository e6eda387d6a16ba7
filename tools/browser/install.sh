#!/usr/bin/env bash
# Installs what the real-browser suite (test/browser/, `vitest run --config vitest.slow.config.mts --mode browser`)
# drives: Debian's classic Jupyter Notebook (jupyter-notebook, 6.4) and Chromium. puppeteer-core (an npm
# devDependency) drives the system /usr/bin/chromium and downloads no browser of its own.
# Idempotent and quiet when both are installed; exits non-zero with the command to run when it cannot install.
set -euo pipefail
say() { echo "browser-tools: $*" >&2; }
PACKAGES=(jupyter-notebook chromium)

missing=()
if command -v dpkg-query >/dev/null 2>&1; then
  for p in "${PACKAGES[@]}"; do
    dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
  done
else
  command -v jupyter-notebook >/dev/null 2>&1 || missing+=(jupyter-notebook)
  [ -x /usr/bin/chromium ] || missing+=(chromium)
fi
if ((${#missing[@]} == 0)); then exit 0; fi

if ! command -v apt-get >/dev/null 2>&1; then
  say "not a Debian/Ubuntu system: install by hand the classic Jupyter Notebook 6 (pip install 'notebook<7') and Chromium"
  say "(missing: ${missing[*]}), then set UNLEARN_CHROMIUM to the Chromium binary if it is not /usr/bin/chromium"
  exit 1
fi
sudo=()
if [ "$(id -u)" != 0 ]; then
  if command -v sudo >/dev/null 2>&1 && sudo -n true 2>/dev/null; then sudo=(sudo); else
    say "needs root to install ${missing[*]}: run sudo bash $0"; exit 1
  fi
fi
say "installing Debian packages: ${missing[*]}"
"${sudo[@]}" apt-get update -qq
if ! DEBIAN_FRONTEND=noninteractive "${sudo[@]}" apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null; then
  say "apt-get install ${missing[*]} failed (see above); install them by hand: sudo apt-get install -y ${missing[*]}"
  exit 1
fi
for p in "${missing[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || { say "$p is still not installed after apt-get"; exit 1; }
done
