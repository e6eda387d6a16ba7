#!/usr/bin/env bash
# Stops the one-node Slurm that tools/slurm/start-local.sh started, by the pids in its pid files
# (munged is left running: other tools may use it).
set -euo pipefail
STATE=${UNLEARN_SLURM_STATE:-/var/lib/unlearn-lab-slurm}
SUDO=""
[ "$(id -u)" = 0 ] || SUDO="sudo -n"
for d in slurmd slurmctld; do
  f="$STATE/run/$d.pid"
  if [ -s "$f" ]; then
    pid=$(cat "$f")
    if kill -0 "$pid" 2>/dev/null; then $SUDO kill "$pid" && echo "stopped $d (pid $pid)"; fi
  fi
done
