#!/usr/bin/env bash
# Opens JupyterLab on notebooks/ with the 'unlearn-lab (TypeScript)' kernel (registered by setup.sh).
set -euo pipefail
cd "$(dirname "$0")/.."

if ! command -v jupyter >/dev/null 2>&1 || ! jupyter lab --version >/dev/null 2>&1; then
  echo "unlearn-lab: JupyterLab is not installed. Install it, then run 'npm run lab' again:" >&2
  echo "  pip install jupyterlab        (or: pipx install jupyterlab; conda install -c conda-forge jupyterlab)" >&2
  echo "The notebooks use the kernel 'unlearn-lab (TypeScript)', already registered by kernels-config/setup.sh." >&2
  exit 1
fi
exec jupyter lab --notebook-dir="$PWD/notebooks" "$@"
