#!/usr/bin/env bash
# A one-node Slurm on this machine for `unlearn-lab sweep --launcher slurm` and the Slurm test suite
# (test/sweep/slurm.test.ts). Installs Debian's slurm-wlm and munge when missing (as root, or with
# passwordless sudo), writes a munge key and a slurm.conf naming this host at 127.0.0.1, starts munged,
# slurmctld and slurmd, and waits until the node is idle. Does nothing when Slurm already answers.
# Stop it with tools/slurm/stop-local.sh (by the daemons' pids).
set -euo pipefail

STATE=${UNLEARN_SLURM_STATE:-/var/lib/unlearn-lab-slurm}
CONF_DIR=/etc/slurm
SUDO=""
if [ "$(id -u)" != 0 ]; then
  if sudo -n true 2>/dev/null; then SUDO="sudo -n"; else
    echo "start-local.sh: needs root (or passwordless sudo) to install and start Slurm; run: sudo bash $0" >&2
    exit 1
  fi
fi

if scontrol ping 2>/dev/null | grep -q 'UP'; then
  echo "Slurm is already running: $(scontrol ping | head -1)"
  exit 0
fi

if ! command -v slurmctld >/dev/null || ! command -v slurmd >/dev/null || ! command -v munged >/dev/null; then
  echo "installing slurm-wlm and munge (Debian packages)..."
  $SUDO apt-get update -qq
  DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq slurm-wlm munge >/dev/null
fi

HOST=$(hostname -s)
CPUS=$(nproc)
MEM_MB=$(awk '/MemTotal/ { printf "%d", $2 / 1024 * 0.9 }' /proc/meminfo)
$SUDO mkdir -p "$STATE"/{spool/ctld,spool/d,log,run} /run/munge /var/log/munge /var/lib/munge "$CONF_DIR"
$SUDO chown -R munge:munge /run/munge /var/log/munge /var/lib/munge /etc/munge

# munge: a key of 1024 random bytes, owned by munge, mode 400; munged runs as the munge user.
if [ ! -s /etc/munge/munge.key ]; then
  $SUDO dd if=/dev/urandom of=/etc/munge/munge.key bs=1024 count=1 status=none
fi
$SUDO chown munge:munge /etc/munge/munge.key
$SUDO chmod 400 /etc/munge/munge.key
if ! pgrep -u munge -x munged >/dev/null; then
  if [ -z "$SUDO" ]; then runuser -u munge -- /usr/sbin/munged; else sudo -n -u munge /usr/sbin/munged; fi
fi

$SUDO tee "$CONF_DIR/slurm.conf" >/dev/null <<CONF
# Written by unlearn-lab tools/slurm/start-local.sh: one node, this host, at 127.0.0.1.
ClusterName=unlearn-local
SlurmctldHost=${HOST}(127.0.0.1)
AuthType=auth/munge
CredType=cred/munge
ProctrackType=proctrack/linuxproc
TaskPlugin=task/none
SelectType=select/cons_tres
SelectTypeParameters=CR_Core
SchedulerType=sched/backfill
ReturnToService=2
SlurmUser=root
SlurmdUser=root
StateSaveLocation=${STATE}/spool/ctld
SlurmdSpoolDir=${STATE}/spool/d
SlurmctldPidFile=${STATE}/run/slurmctld.pid
SlurmdPidFile=${STATE}/run/slurmd.pid
SlurmctldLogFile=${STATE}/log/slurmctld.log
SlurmdLogFile=${STATE}/log/slurmd.log
AccountingStorageType=accounting_storage/none
JobAcctGatherType=jobacct_gather/none
MpiDefault=none
SlurmctldTimeout=30
SlurmdTimeout=30
InactiveLimit=0
MinJobAge=300
KillWait=10
Waittime=0
NodeName=${HOST} NodeAddr=127.0.0.1 CPUs=${CPUS} RealMemory=${MEM_MB} State=UNKNOWN
PartitionName=debug Nodes=${HOST} Default=YES MaxTime=INFINITE State=UP OverSubscribe=YES
CONF
echo "" | $SUDO tee "$CONF_DIR/cgroup.conf" >/dev/null

# -c: a fresh controller state (no jobs of an earlier cluster on this machine).
$SUDO /usr/sbin/slurmctld -c
$SUDO /usr/sbin/slurmd

for _ in $(seq 1 60); do
  if sinfo -h -o '%t' 2>/dev/null | grep -qE '^(idle|mix|alloc)'; then
    echo "Slurm is running: node ${HOST} $(sinfo -h -o '%t'), ${CPUS} CPUs; logs in ${STATE}/log"
    exit 0
  fi
  sleep 1
done
echo "start-local.sh: the node did not become idle within 60 s; sinfo says: $(sinfo 2>&1 | tail -2)" >&2
echo "see ${STATE}/log/slurmctld.log and ${STATE}/log/slurmd.log" >&2
exit 1
